/**
 * XML sitemaps (sitemaps.org 0.9): <urlset>, nested <sitemapindex>, Google News extensions,
 * gzip-compressed files, plain-text sitemaps (one URL per line) and RSS/Atom feeds used as
 * sitemaps (entry title/date land in newsTitle/newsPublishedAt). Parsing uses fast-xml-parser
 * (lenient: a truncated file still yields the entries that were complete).
 */
import { gunzipSync } from 'node:zlib';
import { XMLParser } from 'fast-xml-parser';
import type { Config } from '../config/index.ts';
import { FetchError, ValidationError } from '../src/errors.ts';
import { formatUtcIso, millisOfIso, parseAnyDate } from '../src/time/parse-date.ts';
import type { FetchText } from './types.ts';
import { parseFeed } from './feed.ts';
import { tryNormaliseUrl } from './url-normalise.ts';
import { decodeXmlBytes } from './xml-bytes.ts';
import { GZIP_MAGIC, isGzip } from '../src/bytes/is-gzip.ts';

export interface SitemapUrl {
  url: string;
  /** ISO 8601 when <lastmod> was readable. */
  lastmod?: string;
  newsTitle?: string;
  /** ISO 8601 from <news:publication_date>. */
  newsPublishedAt?: string;
}

export interface SitemapRef {
  url: string;
  lastmod?: string;
}

export interface ParsedSitemap {
  kind: 'urlset' | 'index';
  urls: SitemapUrl[];
  sitemaps: SitemapRef[];
}

export interface ParseSitemapOptions {
  /** Largest decompressed size accepted; protects against gzip bombs. */
  maxBytes?: number;
}

// sitemaps.org: a sitemap file may be at most 50 MB uncompressed.
const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

const parser = new XMLParser({
  // Prefixes vary between publishers (news:, n:, ...); the local names are what matter.
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (_name, jpath) => jpath === 'urlset.url' || jpath === 'sitemapindex.sitemap',
});

function toText(input: Uint8Array | string, maxBytes: number, baseUrl: string): string {
  if (typeof input === 'string') {
    if (input.length > maxBytes) throw new ValidationError(`Sitemap is larger than ${maxBytes} bytes`, { url: baseUrl });
    // Gzip bytes decoded as text: ID1 survives, ID2 becomes itself (latin1) or U+FFFD (UTF-8).
    if (input.charCodeAt(0) === GZIP_MAGIC[0] && (input.charCodeAt(1) === GZIP_MAGIC[1] || input.charCodeAt(1) === 0xfffd)) {
      throw new ValidationError('Sitemap is gzip-compressed but was decoded as text; pass the raw bytes', { url: baseUrl });
    }
    return input;
  }
  let bytes = input;
  // A .xml.gz served with Content-Encoding: gzip arrives decoded once already; either way works.
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new ValidationError(`Sitemap is larger than ${maxBytes} bytes once decompressed`, { url: baseUrl });
      throw new ValidationError(`Sitemap is not valid gzip: ${(error as Error).message}`, { url: baseUrl });
    }
  }
  if (bytes.length > maxBytes) throw new ValidationError(`Sitemap is larger than ${maxBytes} bytes`, { url: baseUrl });
  // sitemaps.org requires UTF-8, but an honest encoding declaration costs nothing to honour.
  return decodeXmlBytes(bytes);
}

/**
 * <lastmod> and <news:publication_date> (W3C datetime; RFC 822 and English spellings from sloppy
 * generators too) → ISO 8601 UTC. Zone-less values are UTC; impossible dates are dropped.
 */
function isoDate(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const reading = parseAnyDate(raw);
  return reading.ok ? formatUtcIso(reading.date) : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  // <loc><![CDATA[...]]></loc> or a stray attribute may give an object with #text.
  if (v && typeof v === 'object' && '#text' in v) return str((v as { '#text': unknown })['#text']);
  return undefined;
}

/** Mangled documents can put a string or a lone object where a list belongs. */
function toArray(v: unknown): any[] {
  if (Array.isArray(v)) return v;
  return v === undefined || v === null || typeof v !== 'object' ? [] : [v];
}

function resolve(loc: unknown, baseUrl: string): string | undefined {
  const s = str(loc)?.trim();
  if (!s) return undefined;
  return tryNormaliseUrl(s, { base: baseUrl });
}

function parseTextSitemap(text: string, baseUrl: string): ParsedSitemap {
  const urls: SitemapUrl[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    const t = line.trim();
    if (t === '') continue;
    const url = /^https?:\/\//i.test(t) ? resolve(t, baseUrl) : undefined;
    if (url) urls.push({ url });
  }
  if (urls.length === 0) throw new ValidationError('Not a sitemap: no XML root and no URLs', { url: baseUrl });
  return { kind: 'urlset', urls, sitemaps: [] };
}

function feedAsSitemap(text: string, baseUrl: string): ParsedSitemap {
  const feed = parseFeed(text, baseUrl);
  const urls = feed.entries.map((e) => {
    const u: SitemapUrl = { url: tryNormaliseUrl(e.url) ?? e.url };
    const lastmod = e.updatedAt ?? e.publishedAt;
    if (lastmod) u.lastmod = lastmod;
    if (e.title) u.newsTitle = e.title;
    if (e.publishedAt) u.newsPublishedAt = e.publishedAt;
    return u;
  });
  return { kind: 'urlset', urls, sitemaps: [] };
}

/**
 * Parses one sitemap file (bytes, gzip or not, or text). Entries whose <loc> is missing or not
 * http(s) are dropped. Throws ValidationError when the document is no sitemap at all.
 */
export function parseSitemap(input: Uint8Array | string, baseUrl: string, options: ParseSitemapOptions = {}): ParsedSitemap {
  const text = toText(input, options.maxBytes ?? DEFAULT_MAX_BYTES, baseUrl).replace(/^\uFEFF/, '').trimStart();
  if (text === '') throw new ValidationError('Sitemap is empty', { url: baseUrl });
  if (!text.startsWith('<')) return parseTextSitemap(text, baseUrl);
  // Sitemaps never need custom entities; refusing them shuts out entity-expansion bombs.
  if (/<!ENTITY/i.test(text.slice(0, 65_536))) throw new ValidationError('Sitemap declares XML entities; refused', { url: baseUrl });

  let doc: any;
  try {
    doc = parser.parse(text);
  } catch (error) {
    throw new ValidationError(`Sitemap is not readable XML: ${(error as Error).message}`, { url: baseUrl });
  }
  if (doc?.urlset !== undefined) {
    const urls: SitemapUrl[] = [];
    for (const u of toArray(doc.urlset?.url)) {
      const url = resolve(u?.loc, baseUrl);
      if (!url) continue;
      const entry: SitemapUrl = { url };
      const lastmod = isoDate(str(u.lastmod));
      if (lastmod) entry.lastmod = lastmod;
      const news = Array.isArray(u.news) ? u.news[0] : u.news;
      if (news && typeof news === 'object') {
        const title = str(news.title)?.trim();
        if (title) entry.newsTitle = title;
        const published = isoDate(str(news.publication_date));
        if (published) entry.newsPublishedAt = published;
      }
      urls.push(entry);
    }
    return { kind: 'urlset', urls, sitemaps: [] };
  }
  if (doc?.sitemapindex !== undefined) {
    const sitemaps: SitemapRef[] = [];
    for (const s of toArray(doc.sitemapindex?.sitemap)) {
      const url = resolve(s?.loc, baseUrl);
      if (!url) continue;
      const ref: SitemapRef = { url };
      const lastmod = isoDate(str(s.lastmod));
      if (lastmod) ref.lastmod = lastmod;
      sitemaps.push(ref);
    }
    return { kind: 'index', urls: [], sitemaps };
  }
  const root = Object.keys(doc ?? {}).find((k) => k !== '?xml');
  // Search engines accept RSS/Atom feeds as sitemaps, and robots.txt Sitemap: lines point at some.
  if (root === 'rss' || root === 'feed' || root === 'RDF') return feedAsSitemap(text, baseUrl);
  throw new ValidationError(`Not a sitemap: root element is ${root ? `<${root}>` : 'missing'}`, { url: baseUrl });
}

// ---------------------------------------------------------------------------------------------
// Discovery

export interface SitemapLimits {
  /** Index nesting followed below the root (0: the root only). */
  maxDepth: number;
  /** Files fetched in one walk, root included. */
  maxFiles: number;
  /** Page URLs yielded in one walk. */
  maxUrls: number;
  /** Largest decompressed file. */
  maxBytes: number;
}

export function sitemapLimitsFromConfig(crawl: Config['crawl']): SitemapLimits {
  return { maxDepth: crawl.sitemapMaxDepth, maxFiles: crawl.sitemapMaxFiles, maxUrls: crawl.sitemapMaxUrls, maxBytes: crawl.sitemapMaxBytes };
}

export interface DiscoveredSitemapUrl extends SitemapUrl {
  /** The sitemap file that listed it. */
  sitemapUrl: string;
}

export interface SitemapProblem {
  url: string;
  reason: 'fetch_failed' | 'bad_status' | 'robots_disallowed' | 'invalid' | 'cycle' | 'too_deep' | 'file_limit' | 'url_limit';
  message: string;
}

export interface DiscoverSitemapOptions {
  signal?: AbortSignal;
  /** Called for every child sitemap skipped or failed; the walk goes on. */
  onProblem?: (problem: SitemapProblem) => void;
  /** Skip child sitemaps whose index <lastmod> is older than this (incremental runs). */
  modifiedSince?: Date;
}

async function fetchSitemap(url: string, fetch: FetchText, limits: SitemapLimits, signal?: AbortSignal): Promise<ParsedSitemap> {
  const res = await fetch(url, { headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.5' }, ...(signal ? { signal } : {}) });
  if (res.status < 200 || res.status > 299) {
    throw new FetchError('bad_status', url, `Sitemap ${url} answered HTTP ${res.status}`, { status: res.status });
  }
  return parseSitemap(res.body ?? res.text, res.finalUrl || url, { maxBytes: limits.maxBytes });
}

/**
 * Walks a sitemap (or sitemap index tree) breadth-first and yields every page URL once. A failing
 * root throws (FetchError / ValidationError); failing children are reported through onProblem.
 * Cycles (an index listing itself or an ancestor) are cut by remembering every file seen.
 */
export async function* discoverSitemapUrls(
  rootUrl: string,
  fetch: FetchText,
  limits: SitemapLimits,
  options: DiscoverSitemapOptions = {},
): AsyncGenerator<DiscoveredSitemapUrl, void, undefined> {
  const root = tryNormaliseUrl(rootUrl);
  if (!root) throw new ValidationError(`Sitemap URL is not a valid http(s) URL: ${rootUrl}`, { url: rootUrl });
  const seenFiles = new Set<string>([root]);
  const seenUrls = new Set<string>();
  const queue: { url: string; depth: number }[] = [{ url: root, depth: 0 }];
  let filesFetched = 0;
  const problem = (p: SitemapProblem) => options.onProblem?.(p);

  while (queue.length > 0) {
    const { url, depth } = queue.shift()!;
    if (filesFetched >= limits.maxFiles) {
      problem({ url, reason: 'file_limit', message: `Sitemap file limit (${limits.maxFiles}) reached` });
      continue;
    }
    options.signal?.throwIfAborted();
    filesFetched++;
    let parsed: ParsedSitemap;
    try {
      parsed = await fetchSitemap(url, fetch, limits, options.signal);
    } catch (error) {
      if (url === root || options.signal?.aborted) throw error;
      const reason: SitemapProblem['reason'] =
        error instanceof FetchError && (error.reason === 'bad_status' || error.reason === 'robots_disallowed')
          ? error.reason
          : error instanceof ValidationError
            ? 'invalid'
            : 'fetch_failed';
      problem({ url, reason, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    for (const entry of parsed.urls) {
      if (seenUrls.has(entry.url)) continue;
      if (seenUrls.size >= limits.maxUrls) {
        problem({ url, reason: 'url_limit', message: `Sitemap URL limit (${limits.maxUrls}) reached; the rest is skipped` });
        return;
      }
      seenUrls.add(entry.url);
      yield { ...entry, sitemapUrl: url };
    }
    for (const child of parsed.sitemaps) {
      if (seenFiles.has(child.url)) {
        problem({ url: child.url, reason: 'cycle', message: `Sitemap ${child.url} already visited (listed again by ${url})` });
        continue;
      }
      seenFiles.add(child.url);
      if (depth + 1 > limits.maxDepth) {
        problem({ url: child.url, reason: 'too_deep', message: `Sitemap index nesting deeper than ${limits.maxDepth}` });
        continue;
      }
      if (options.modifiedSince && child.lastmod && (millisOfIso(child.lastmod) ?? Infinity) < options.modifiedSince.getTime()) continue;
      queue.push({ url: child.url, depth: depth + 1 });
    }
  }
}
