import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WARCParser, type WARCRecord } from 'warcio';
import type { OpenDatabase } from '../../db/open-db.ts';
import { conditionalFor, createCaptureStore, type CaptureStore } from '../../src/evidence/index.ts';
import { fetchPage, FETCHER_VERSION } from '../../src/fetch/index.ts';
import { startServer, testFetchConfig, type TestServer } from '../fetch/helpers.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

const PAGE = Buffer.from('<!doctype html><title>Story</title><p>Ein Bär läuft.</p>');
const GZIPPED_PAGE = zlib.gzipSync(PAGE);

async function readRecords(path: string): Promise<{ record: WARCRecord; payload: Uint8Array }[]> {
  const out = [];
  for await (const record of new WARCParser(createReadStream(path))) {
    out.push({ record, payload: await record.readFully(false) });
  }
  return out;
}

function listWarcFiles(dir: string): string[] {
  return readdirSync(join(dir, 'warc'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.warc.gz'));
}

describe('capture store', () => {
  let dir: string;
  let database: OpenDatabase;
  let store: CaptureStore;
  let server: TestServer;
  const config = testFetchConfig();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copyhound-captures-'));
    database = await openTestDatabase(join(dir, 'copyhound.db'), 2000);
    store = createCaptureStore({ db: database.db, dataDir: dir });
    server = await startServer((req, res) => {
      if (req.url === '/story' || req.url === '/copy') {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip', etag: '"v1"' });
        res.end(GZIPPED_PAGE);
      } else if (req.url === '/moved') {
        res.writeHead(301, { location: '/story' });
        res.end();
      } else {
        res.writeHead(410, { 'content-type': 'text/html' });
        res.end('<h1>Gone</h1>');
      }
    });
  });

  afterAll(async () => {
    await server.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a redirected, gzip-encoded page as WARC request/response/metadata records with raw bytes', async () => {
    const page = await fetchPage(server.url('/moved'), { config, captureStore: store });
    expect(page.capture).toBeDefined();
    const sha256 = createHash('sha256').update(GZIPPED_PAGE).digest('hex');
    expect(page.capture!.sha256).toBe(sha256);

    const capture = (await store.get(page.capture!.id))!;
    expect(capture).toMatchObject({
      requestedUrl: server.url('/moved'),
      finalUrl: server.url('/story'),
      status: 200,
      redirects: [{ url: server.url('/moved'), status: 301, location: '/story' }],
      remoteAddress: '127.0.0.2',
      sha256,
      bodySize: GZIPPED_PAGE.length,
      recordType: 'response',
      fetcherVersion: FETCHER_VERSION,
      contentType: 'text/html; charset=utf-8',
    });
    expect(capture.headers.filter(([name]) => name === 'set-cookie')).toHaveLength(2);
    expect(capture.settings).toMatchObject({ maxBodyBytes: config.maxBodyBytes, maxRedirects: config.maxRedirects });
    expect(Date.parse(capture.endedAt)).toBeGreaterThanOrEqual(Date.parse(capture.startedAt));
    expect(await store.readBody(capture.id)).toEqual(GZIPPED_PAGE);

    const records = await readRecords(join(dir, capture.warcPath));
    expect(records.map((r) => r.record.warcType)).toEqual(['warcinfo', 'response', 'request', 'metadata']);
    const response = records[1];
    expect(response.record.warcHeaders.statusline).toBe('WARC/1.1');
    expect(response.record.warcTargetURI).toBe(server.url('/story'));
    expect(response.record.warcHeader('WARC-IP-Address')).toBe('127.0.0.2');
    expect(response.record.warcPayloadDigest).toBe(`sha256:${sha256}`);
    expect(response.record.httpHeaders?.statusCode).toBe(200);
    expect(response.record.httpHeaders?.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(response.payload)).toEqual(GZIPPED_PAGE);
    const request = records[2].record;
    expect(request.warcConcurrentTo).toEqual([response.record.warcHeader('WARC-Record-ID')]);
    expect(request.httpHeaders?.statusline).toBe('GET /story HTTP/1.1');
    expect(request.httpHeaders?.headers.get('user-agent')).toContain(config.contactUrl);
    const metadata = JSON.parse(Buffer.from(records[3].payload).toString('utf8'));
    expect(metadata.redirects).toEqual(capture.redirects);
    expect(metadata.requestedUrl).toBe(server.url('/moved'));
  });

  it('stores an identical body once: the second capture is a revisit record pointing at the first', async () => {
    const first = await fetchPage(server.url('/story'), { config, captureStore: store });
    const before = listWarcFiles(dir).length;
    const second = await fetchPage(server.url('/copy'), { config, captureStore: store });
    expect(listWarcFiles(dir).length).toBe(before + 1);
    const capture = (await store.get(second.capture!.id))!;
    expect(capture.recordType).toBe('revisit');
    expect(capture.sha256).toBe(first.capture!.sha256);
    expect(await store.readBody(capture.id)).toEqual(GZIPPED_PAGE);

    const records = await readRecords(join(dir, capture.warcPath));
    const revisit = records.find((r) => r.record.warcType === 'revisit')!;
    expect(records.some((r) => r.record.warcType === 'response')).toBe(false);
    expect(revisit.record.warcHeader('WARC-Profile')).toBe('http://netpreserve.org/warc/1.1/revisit/identical-payload-digest');
    expect(revisit.record.warcRefersToTargetURI).toBe(server.url('/story'));
    expect(revisit.record.warcPayloadDigest).toBe(`sha256:${capture.sha256}`);
    expect(revisit.payload.length).toBe(0);
  });

  it('captures a 410 as evidence of removal', async () => {
    const page = await fetchPage(server.url('/gone'), { config, captureStore: store });
    expect(page.status).toBe(410);
    const capture = (await store.get(page.capture!.id))!;
    expect(capture.status).toBe(410);
    expect((await store.readBody(capture.id)).toString()).toBe('<h1>Gone</h1>');
  });

  it('exports chosen captures as one WARC that includes the body a revisit refers to', async () => {
    const original = await fetchPage(server.url('/story'), { config, captureStore: store });
    const again = await fetchPage(server.url('/story'), { config, captureStore: store });
    expect((await store.get(again.capture!.id))!.recordType).toBe('revisit');
    const out = join(dir, 'export', 'case-1.warc.gz');
    const result = await store.exportWarc([again.capture!.id], out);
    expect(result.files).toBe(2);
    expect(result.bytes).toBe(statSync(out).size);
    const records = await readRecords(out);
    const types = records.map((r) => r.record.warcType);
    expect(types.filter((t) => t === 'revisit')).toHaveLength(1);
    const response = records.find((r) => r.record.warcType === 'response')!;
    expect(Buffer.from(response.payload)).toEqual(GZIPPED_PAGE);
    expect(original.capture!.sha256).toBe(again.capture!.sha256);
  });

  it('finds the latest capture of a URL and its validators for a conditional re-fetch', async () => {
    const page = await fetchPage(server.url('/story'), { config, captureStore: store });
    const latest = (await store.latestForUrl(server.url('/story')))!;
    expect(latest.id).toBe(page.capture!.id);
    expect(conditionalFor(latest)).toEqual({ etag: '"v1"' });
    expect(await store.latestForUrl('https://never.example/')).toBeUndefined();
  });

  it('refuses to read a capture that does not exist', async () => {
    await expect(store.readBody(999_999)).rejects.toMatchObject({ code: 'not_found' });
  });
});
