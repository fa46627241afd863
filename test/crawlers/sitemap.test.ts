import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import {
  discoverSitemapUrls,
  parseSitemap,
  sitemapLimitsFromConfig,
  type DiscoveredSitemapUrl,
  type SitemapLimits,
  type SitemapProblem,
} from '../../crawlers/sitemap.ts';
import { FetchError, ValidationError } from '../../src/errors.ts';
import { loopbackFetch, startLoopback, type Loopback } from './loopback.ts';

const newsXml = readFileSync(new URL('../fixtures/crawlers/news-sitemap.xml', import.meta.url), 'utf8');
const XML = { 'content-type': 'application/xml' };

const urlset = (...locs: string[]) =>
  `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<url><loc>${l}</loc></url>`).join('')}</urlset>`;
const index = (...locs: (string | [string, string])[]) =>
  `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs
    .map((l) => (Array.isArray(l) ? `<sitemap><loc>${l[0]}</loc><lastmod>${l[1]}</lastmod></sitemap>` : `<sitemap><loc>${l}</loc></sitemap>`))
    .join('')}</sitemapindex>`;

describe('parseSitemap', () => {
  it('reads a Google News urlset: loc, lastmod, news title and publication date', () => {
    const s = parseSitemap(newsXml, 'https://news.example/sitemap-news.xml');
    expect(s.kind).toBe('urlset');
    expect(s.sitemaps).toEqual([]);
    expect(s.urls[0]).toEqual({
      url: 'https://news.example/politics/council-budget',
      lastmod: '2025-06-10T04:00:00.000Z',
      newsTitle: 'Council approves budget & tax plan',
      newsPublishedAt: '2025-06-10T04:00:00.000Z',
    });
  });

  it('handles CDATA, relative locs, and drops entries without an http(s) loc', () => {
    const s = parseSitemap(newsXml, 'https://news.example/sitemap-news.xml');
    expect(s.urls.map((u) => u.url)).toEqual([
      'https://news.example/politics/council-budget',
      'https://news.example/sport/final-score',
      'https://news.example/relative/story',
      'https://news.example/bad-date',
    ]);
    expect(s.urls[1].lastmod).toBe('2025-06-09T00:00:00.000Z');
    expect(s.urls[3].lastmod).toBeUndefined();
  });

  it('reads a sitemap index', () => {
    const s = parseSitemap(index(['https://e.example/a.xml', '2025-01-02'], 'https://e.example/b.xml.gz'), 'https://e.example/');
    expect(s).toEqual({
      kind: 'index',
      urls: [],
      sitemaps: [{ url: 'https://e.example/a.xml', lastmod: '2025-01-02T00:00:00.000Z' }, { url: 'https://e.example/b.xml.gz' }],
    });
  });

  it('works with a single <url> and with other namespace prefixes', () => {
    const xml = `<ns:urlset xmlns:ns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:n="http://www.google.com/schemas/sitemap-news/0.9"><ns:url><ns:loc>https://e.example/1</ns:loc><n:news><n:title>One</n:title></n:news></ns:url></ns:urlset>`;
    expect(parseSitemap(xml, 'https://e.example/').urls).toEqual([{ url: 'https://e.example/1', newsTitle: 'One' }]);
  });

  it('decompresses gzip bytes and decodes plain UTF-8 bytes', () => {
    const xml = urlset('https://e.example/é');
    expect(parseSitemap(gzipSync(xml), 'https://e.example/').urls[0].url).toBe('https://e.example/%C3%A9');
    expect(parseSitemap(new TextEncoder().encode(`\uFEFF${xml}`), 'https://e.example/').urls).toHaveLength(1);
  });

  it('stops a gzip bomb at maxBytes', () => {
    const bomb = gzipSync(Buffer.alloc(5_000_000, 0x20));
    expect(() => parseSitemap(bomb, 'https://e.example/', { maxBytes: 1_000_000 })).toThrow(/larger than 1000000/);
  });

  it('refuses gzip that was wrongly decoded as text, and corrupt gzip', () => {
    const garbled = new TextDecoder().decode(gzipSync(urlset('https://e.example/1')));
    expect(() => parseSitemap(garbled, 'https://e.example/')).toThrow(/raw bytes/);
    expect(() => parseSitemap(Uint8Array.from([0x1f, 0x8b, 1, 2, 3]), 'https://e.example/')).toThrow(ValidationError);
  });

  it('keeps the complete entries of a truncated file', () => {
    const s = parseSitemap(urlset('https://e.example/1', 'https://e.example/2').slice(0, -30), 'https://e.example/');
    expect(s.urls.map((u) => u.url)).toEqual(['https://e.example/1']);
  });

  it('reads an RSS or Atom feed used as a sitemap', () => {
    const rss = '<rss version="2.0"><channel><title>x</title><item><title>Story</title><link>https://e.example/s?utm_medium=rss</link><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate></item></channel></rss>';
    expect(parseSitemap(rss, 'https://e.example/feed')).toEqual({
      kind: 'urlset',
      sitemaps: [],
      urls: [{ url: 'https://e.example/s', lastmod: '2025-06-10T04:00:00.000Z', newsTitle: 'Story', newsPublishedAt: '2025-06-10T04:00:00.000Z' }],
    });
    const atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>a</title><id>x</id><updated>2025-01-01T00:00:00Z</updated><entry><title>E</title><id>1</id><link href="/e"/><updated>2025-01-02T00:00:00Z</updated></entry></feed>';
    expect(parseSitemap(atom, 'https://e.example/atom').urls).toEqual([{ url: 'https://e.example/e', lastmod: '2025-01-02T00:00:00.000Z', newsTitle: 'E' }]);
    expect(() => parseSitemap('<rss version="2.0"><channel><item><title>x</ti', 'https://e.example/')).toThrow(ValidationError);
  });

  it('reads a plain-text sitemap', () => {
    const s = parseSitemap('https://e.example/1\n\nhttps://e.example/2\r\nnonsense\n', 'https://e.example/sitemap.txt');
    expect(s.urls.map((u) => u.url)).toEqual(['https://e.example/1', 'https://e.example/2']);
  });

  it.each([
    ['empty', ''],
    ['HTML', '<!doctype html><html><body>hi</body></html>'],
    ['text without URLs', 'hello world'],
    ['an entity declaration', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset><url><loc>https://e.example/&a;</loc></url></urlset>'],
  ])('throws ValidationError for %s', (_n, input) => {
    expect(() => parseSitemap(input, 'https://e.example/')).toThrow(ValidationError);
  });
});

describe('parseSitemap: truncated and mangled input never crashes', () => {
  it('gives a result or a ValidationError for every cut of the news sitemap', () => {
    for (let cut = 0; cut < newsXml.length; cut += 23) {
      for (const input of [newsXml.slice(0, cut), newsXml.slice(cut), newsXml.slice(0, cut) + newsXml.slice(cut + 15)]) {
        try {
          const s = parseSitemap(input, 'https://news.example/');
          for (const u of s.urls) expect(u.url).toMatch(/^https?:\/\//);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }
    }
  });
});

describe('discoverSitemapUrls (loopback HTTP)', () => {
  let server: Loopback | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const limits: SitemapLimits = { maxDepth: 3, maxFiles: 50, maxUrls: 1000, maxBytes: 1_000_000 };

  async function collect(root: string, l: SitemapLimits = limits, extra: { modifiedSince?: Date } = {}) {
    const problems: SitemapProblem[] = [];
    const urls: DiscoveredSitemapUrl[] = [];
    for await (const u of discoverSitemapUrls(root, loopbackFetch, l, { ...extra, onProblem: (p) => problems.push(p) })) urls.push(u);
    return { urls, problems };
  }

  it('walks nested indexes, gzip with and without Content-Encoding, and dedupes URLs', async () => {
    server = await startLoopback();
    const o = server.origin;
    server.routes.set('/sitemap.xml', { headers: XML, body: index(`${o}/sub-index.xml`, `${o}/plain.xml.gz`) });
    server.routes.set('/sub-index.xml', { headers: XML, body: index(`${o}/encoded.xml`, `${o}/double.xml.gz`) });
    server.routes.set('/plain.xml.gz', { headers: { 'content-type': 'application/gzip' }, body: gzipSync(urlset(`${o}/a`, `${o}/b`)) });
    server.routes.set('/encoded.xml', { headers: { ...XML, 'content-encoding': 'gzip' }, body: gzipSync(urlset(`${o}/c`, `${o}/a`)) });
    // A .xml.gz file served with Content-Encoding: gzip on top: gzip twice on the wire.
    server.routes.set('/double.xml.gz', {
      headers: { 'content-type': 'application/x-gzip', 'content-encoding': 'gzip' },
      body: gzipSync(gzipSync(urlset(`${o}/d`))),
    });
    const { urls, problems } = await collect(`${o}/sitemap.xml`);
    expect(urls.map((u) => u.url.slice(o.length)).sort()).toEqual(['/a', '/b', '/c', '/d']);
    expect(urls.find((u) => u.url === `${o}/c`)?.sitemapUrl).toBe(`${o}/encoded.xml`);
    expect(problems).toEqual([]);
  });

  it('cuts cycles and reports them, fetching each file once', async () => {
    server = await startLoopback();
    const o = server.origin;
    server.routes.set('/a.xml', { headers: XML, body: index(`${o}/b.xml`, `${o}/a.xml`) });
    server.routes.set('/b.xml', { headers: XML, body: index(`${o}/a.xml`, `${o}/leaf.xml`) });
    server.routes.set('/leaf.xml', { headers: XML, body: urlset(`${o}/page`) });
    const { urls, problems } = await collect(`${o}/a.xml`);
    expect(urls.map((u) => u.url)).toEqual([`${o}/page`]);
    expect(problems.filter((p) => p.reason === 'cycle')).toHaveLength(2);
    expect(server.hits('/a.xml')).toBe(1);
    expect(server.hits('/b.xml')).toBe(1);
  });

  it('respects maxDepth, maxFiles and maxUrls', async () => {
    server = await startLoopback();
    const o = server.origin;
    server.routes.set('/d0.xml', { headers: XML, body: index(`${o}/d1.xml`, `${o}/u1.xml`, `${o}/u2.xml`) });
    server.routes.set('/d1.xml', { headers: XML, body: index(`${o}/d2.xml`) });
    server.routes.set('/d2.xml', { headers: XML, body: urlset(`${o}/deep`) });
    server.routes.set('/u1.xml', { headers: XML, body: urlset(`${o}/1`, `${o}/2`, `${o}/3`) });
    server.routes.set('/u2.xml', { headers: XML, body: urlset(`${o}/4`) });

    const shallow = await collect(`${o}/d0.xml`, { ...limits, maxDepth: 1 });
    expect(shallow.urls.map((u) => u.url)).not.toContain(`${o}/deep`);
    expect(shallow.problems).toContainEqual(expect.objectContaining({ url: `${o}/d2.xml`, reason: 'too_deep' }));
    expect(server.hits('/d2.xml')).toBe(0);

    const deep = await collect(`${o}/d0.xml`);
    expect(deep.urls.map((u) => u.url)).toContain(`${o}/deep`);

    const fewFiles = await collect(`${o}/d0.xml`, { ...limits, maxFiles: 2 });
    expect(fewFiles.problems.filter((p) => p.reason === 'file_limit').length).toBeGreaterThan(0);

    const fewUrls = await collect(`${o}/d0.xml`, { ...limits, maxUrls: 2 });
    expect(fewUrls.urls).toHaveLength(2);
    expect(fewUrls.problems).toContainEqual(expect.objectContaining({ reason: 'url_limit' }));
  });

  it('reports failing children and goes on; a failing root throws', async () => {
    server = await startLoopback();
    const o = server.origin;
    server.routes.set('/root.xml', { headers: XML, body: index(`${o}/missing.xml`, `${o}/broken.xml`, `${o}/ok.xml`) });
    server.routes.set('/broken.xml', { headers: { 'content-type': 'text/html' }, body: '<html><body>oops</body></html>' });
    server.routes.set('/ok.xml', { headers: XML, body: urlset(`${o}/fine`) });
    const { urls, problems } = await collect(`${o}/root.xml`);
    expect(urls.map((u) => u.url)).toEqual([`${o}/fine`]);
    expect(problems.map((p) => [p.url, p.reason])).toEqual([
      [`${o}/missing.xml`, 'bad_status'],
      [`${o}/broken.xml`, 'invalid'],
    ]);

    await expect(collect(`${o}/nope.xml`)).rejects.toBeInstanceOf(FetchError);
    await expect(collect(`${o}/broken.xml`)).rejects.toBeInstanceOf(ValidationError);
    await expect(collect('ftp://x/')).rejects.toBeInstanceOf(ValidationError);
  });

  it('follows redirects and resolves relative locs against the final URL', async () => {
    server = await startLoopback();
    const o = server.origin;
    server.routes.set('/old.xml', { status: 301, headers: { location: '/new/sitemap.xml' } });
    server.routes.set('/new/sitemap.xml', { headers: XML, body: urlset('story-1') });
    const { urls } = await collect(`${o}/old.xml`);
    expect(urls.map((u) => u.url)).toEqual([`${o}/new/story-1`]);
  });

  it('skips children older than modifiedSince', async () => {
    server = await startLoopback();
    const o = server.origin;
    server.routes.set('/idx.xml', { headers: XML, body: index([`${o}/old.xml`, '2020-01-01'], [`${o}/new.xml`, '2025-06-01'], `${o}/undated.xml`) });
    server.routes.set('/old.xml', { headers: XML, body: urlset(`${o}/old`) });
    server.routes.set('/new.xml', { headers: XML, body: urlset(`${o}/new`) });
    server.routes.set('/undated.xml', { headers: XML, body: urlset(`${o}/undated`) });
    const { urls } = await collect(`${o}/idx.xml`, limits, { modifiedSince: new Date('2025-01-01') });
    expect(urls.map((u) => u.url)).toEqual([`${o}/new`, `${o}/undated`]);
    expect(server.hits('/old.xml')).toBe(0);
  });

  it('takes its limits from config', () => {
    const l = sitemapLimitsFromConfig(loadConfig({ COPYHOUND_CRAWL_SITEMAP_MAX_DEPTH: '1' }).crawl);
    expect(l.maxDepth).toBe(1);
    expect(l.maxBytes).toBe(52_428_800);
  });
});
