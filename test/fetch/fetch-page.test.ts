import https from 'node:https';
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.ts';
import { assertOk, buildUserAgent, fetchPage, parseRetryAfter } from '../../src/fetch/index.ts';
import { fakeResolver, SERVER_HOST, startServer, testFetchConfig, type TestServer } from './helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/fetch/${name}`, import.meta.url));
const PAGE = '<!doctype html><p>Über uns</p>';

async function failureOf(promise: Promise<unknown>): Promise<FetchError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(FetchError);
  return outcome as FetchError;
}

describe('fetchPage', () => {
  let server: TestServer;
  let lastHeaders: Record<string, string | string[] | undefined> = {};
  const config = testFetchConfig({ totalTimeoutMs: 5000 });
  beforeAll(async () => {
    server = await startServer((req, res) => {
      lastHeaders = req.headers;
      switch (req.url) {
        case '/conditional':
          if (req.headers['if-none-match'] === '"abc"') res.writeHead(304, { etag: '"abc"' }).end();
          else res.writeHead(200, { 'content-type': 'text/html', etag: '"abc"' }).end(PAGE);
          return;
        case '/busy':
          res.writeHead(503, { 'content-type': 'text/html', 'retry-after': '120' }).end('<p>later</p>');
          return;
        case '/gone.png':
          res.writeHead(410, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
          return;
        case '/a/relative':
          res.writeHead(307, { location: '../deflate-raw?x=1' }).end();
          return;
        case '/deflate-raw?x=1':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'deflate' }).end(zlib.deflateRawSync(PAGE));
          return;
        case '/deflate-zlib':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'deflate' }).end(zlib.deflateSync(PAGE));
          return;
        case '/br':
          res.writeHead(200, { 'content-type': 'application/xhtml+xml', 'content-encoding': 'br' }).end(zlib.brotliCompressSync(PAGE));
          return;
        case '/corrupt-gzip':
          res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(Buffer.from('definitely not gzip'));
          return;
        case '/unknown-encoding':
          res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'compress' }).end('x');
          return;
        case '/bad-location':
          res.writeHead(302, { location: 'http://[::1' }).end();
          return;
        case '/feed':
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<?xml version="1.0"?><rss><channel><title>Nachrichten für alle</title></channel></rss>');
          return;
        case '/sitemap.xml.gz':
          res.writeHead(200, { 'content-type': 'application/gzip' }).end(zlib.gzipSync('<urlset/>'));
          return;
        case '/slow-headers':
          setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE), 3000);
          return;
        default:
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      }
    });
  });
  afterAll(() => server.close());

  it('sends an identifying User-Agent with the contact URL, and compression it can decode', async () => {
    const page = await fetchPage(server.url('/'), { config: { ...config, contactUrl: 'https://publisher.example/bot' } });
    expect(lastHeaders['user-agent']).toBe('CopyhoundBot/0.1 (+https://publisher.example/bot)');
    expect(buildUserAgent({ ...config, contactUrl: '' })).toBe('CopyhoundBot/0.1');
    expect(buildUserAgent({ ...config, userAgent: 'X/1', contactUrl: 'https://a.example/bot' })).toBe('X/1 (+https://a.example/bot)');
    expect(lastHeaders['accept-encoding']).toBe('gzip, deflate, br');
    expect(page).toMatchObject({ status: 200, contentType: 'text/html', charset: 'utf-8', text: PAGE, notModified: false, remoteAddress: SERVER_HOST });
    expect(page.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(page.endedAt)).toBeGreaterThanOrEqual(Date.parse(page.startedAt));
  });

  it('sends conditional headers and reports 304 as notModified', async () => {
    const page = await fetchPage(server.url('/conditional'), { config, conditional: { etag: '"abc"', lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT' } });
    expect(lastHeaders['if-modified-since']).toBe('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(page).toMatchObject({ status: 304, notModified: true, text: '' });
    expect(assertOk(page)).toBe(page);
  });

  it('returns error statuses; assertOk turns them into bad_status with Retry-After', async () => {
    const page = await fetchPage(server.url('/busy'), { config });
    expect(page.status).toBe(503);
    const error = (() => {
      try {
        assertOk(page);
      } catch (e) {
        return e as FetchError;
      }
    })();
    expect(error).toMatchObject({ reason: 'bad_status', status: 503, retryAfterMs: 120_000, retryable: true });
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('returns a 410 with a binary body as evidence without decoding it as text', async () => {
    const page = await fetchPage(server.url('/gone.png'), { config });
    expect(page).toMatchObject({ status: 410, text: '', charset: '', contentType: 'image/png' });
    expect(page.rawBody.length).toBe(7);
  });

  it('resolves relative redirects and decodes raw and zlib deflate, and br', async () => {
    const page = await fetchPage(server.url('/a/relative'), { config });
    expect(page.finalUrl).toBe(server.url('/deflate-raw?x=1'));
    expect(page.redirects).toEqual([{ url: server.url('/a/relative'), status: 307, location: '../deflate-raw?x=1' }]);
    expect(page.text).toBe(PAGE);
    expect((await fetchPage(server.url('/deflate-zlib'), { config })).text).toBe(PAGE);
    expect((await fetchPage(server.url('/br'), { config })).text).toBe(PAGE);
  });

  it('accepts other types when asked (crawler feeds and gzip sitemaps) and takes a User-Agent override', async () => {
    expect((await failureOf(fetchPage(server.url('/feed'), { config }))).reason).toBe('unsupported_type');
    const feed = await fetchPage(server.url('/feed'), { config, acceptTypes: ['application/rss+xml', 'application/xml'], userAgent: 'CopyhoundBot/0.1 (+https://example.org/bot)' });
    expect(lastHeaders['user-agent']).toBe('CopyhoundBot/0.1 (+https://example.org/bot)');
    expect(lastHeaders.accept).toBe('application/rss+xml,application/xml;q=0.9,*/*;q=0.1');
    expect(feed).toMatchObject({ contentType: 'application/rss+xml', charset: 'utf-8' });
    expect(feed.text).toContain('Nachrichten für alle');
    const sitemap = await fetchPage(server.url('/sitemap.xml.gz'), { config, acceptTypes: ['*/*'] });
    expect(lastHeaders.accept).toBe('*/*');
    expect(sitemap).toMatchObject({ contentType: 'application/gzip', text: '' });
    expect(zlib.gunzipSync(sitemap.body).toString()).toBe('<urlset/>');
  });

  it('maps corrupt or unknown encodings to unsupported_type', async () => {
    expect((await failureOf(fetchPage(server.url('/corrupt-gzip'), { config }))).reason).toBe('unsupported_type');
    expect((await failureOf(fetchPage(server.url('/unknown-encoding'), { config }))).reason).toBe('unsupported_type');
  });

  it('refuses unparseable URLs and redirect targets as blocked_address', async () => {
    expect((await failureOf(fetchPage('not a url', { config }))).reason).toBe('blocked_address');
    expect((await failureOf(fetchPage(server.url('/bad-location'), { config }))).reason).toBe('blocked_address');
  });

  it('maps headers timeout, DNS failure, refused connection and a pre-aborted signal', async () => {
    const slow = await failureOf(fetchPage(server.url('/slow-headers'), { config: { ...config, headersTimeoutMs: 300 } }));
    expect(slow).toMatchObject({ reason: 'timeout', retryable: true });
    const dns = await failureOf(fetchPage('http://no-such-host.test/', { config, resolve: fakeResolver({}) }));
    expect(dns).toMatchObject({ reason: 'dns', retryable: true });
    const closed = await startServer(() => {});
    const port = closed.port;
    await closed.close();
    expect((await failureOf(fetchPage(`http://${SERVER_HOST}:${port}/`, { config }))).reason).toBe('connection');
    const aborted = new AbortController();
    aborted.abort();
    expect((await failureOf(fetchPage(server.url('/'), { config, signal: aborted.signal }))).reason).toBe('timeout');
  });
});

describe('fetchPage over TLS', () => {
  let server: https.Server;
  let port: number;
  beforeAll(async () => {
    server = https.createServer({ key: fixture('self-signed-key.pem'), cert: fixture('self-signed-cert.pem') }, (req, res) => res.end(PAGE));
    await new Promise<void>((resolve) => server.listen(0, SERVER_HOST, resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('connects to the pinned address and reports an untrusted certificate as tls', async () => {
    const config = testFetchConfig({ totalTimeoutMs: 5000 });
    const error = await failureOf(fetchPage(`https://secure.test:${port}/`, { config, resolve: fakeResolver({ 'secure.test': [SERVER_HOST] }) }));
    expect(error).toMatchObject({ reason: 'tls', retryable: true });
    expect(error.message).toMatch(/certificate/i);
  });
});
