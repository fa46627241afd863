/**
 * Site crawl building blocks: link discovery in one HTML page, and a breadth-first frontier with
 * depth/page limits and trap avoidance whose whole state is plain JSON (the lead stores it in the
 * DB between runs).
 *
 * Decisions:
 * - Links come from <a href>, <area href>, <link rel=next> (pagination of section fronts leads to
 *   older articles) and <link rel=canonical> (a page's own identity; the frontier dedupes it).
 * - rel=nofollow / ugc / sponsored links and pages with <meta name=robots content=nofollow> are
 *   not followed by default: site owners use them for comments, ads and login/search areas, which
 *   are where crawler traps and spam live, and honouring them is the polite reading of robots hints.
 * - Same site = same host and port, any of http/https; `www.` is ignored when includeWww is on.
 */
import * as cheerio from 'cheerio';
import { parseHtmlDocument } from '../src/extract/parse-html.ts';
import type { Config } from '../config/index.ts';
import { ValidationError } from '../src/errors.ts';
import { detectUrlTrap, tryNormaliseUrl, type UrlTrap, type UrlTrapLimits, trapLimitsFromConfig } from './url-normalise.ts';

/** Files that are never article pages; fetching them wastes bandwidth and the page budget. */
export const ASSET_EXTENSIONS: ReadonlySet<string> = new Set([
  'jpg', 'jpeg', 'png', 'gif', 'webp', 'avif', 'svg', 'ico', 'bmp', 'tif', 'tiff', 'heic',
  'css', 'js', 'mjs', 'map', 'json', 'woff', 'woff2', 'ttf', 'otf', 'eot',
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'rtf', 'epub',
  'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'tar', 'dmg', 'exe', 'msi', 'apk', 'deb', 'rpm', 'iso', 'bin',
  'mp3', 'mp4', 'm4a', 'm4v', 'wav', 'ogg', 'oga', 'ogv', 'webm', 'mov', 'avi', 'mkv', 'flac', 'aac', 'wmv', 'flv', 'm3u8', 'ts',
  'xml', 'rss', 'atom', 'txt', 'csv', 'ics', 'vcf',
]);

const SKIP_RELS = new Set(['nofollow', 'ugc', 'sponsored']);

export interface DiscoverLinksOptions {
  /** Keep only links on the page's own site (default true). */
  sameHostOnly?: boolean;
  /** Treat www.example.com and example.com as one site (default true). */
  includeWww?: boolean;
  /** Skip rel=nofollow/ugc/sponsored links and honour meta robots nofollow (default true). */
  respectNofollow?: boolean;
  /** Remove every query string (site setting for query-string traps). */
  dropQuery?: boolean;
  extraStripParams?: readonly string[];
}

function siteKey(u: URL, includeWww: boolean): string {
  const host = includeWww ? u.hostname.replace(/^www\./, '') : u.hostname;
  return `${host}:${u.port}`;
}

/** Same host (and port), scheme ignored; `www.` optional when includeWww. */
export function isSameSite(a: string, b: string, includeWww = true): boolean {
  try {
    return siteKey(new URL(a), includeWww) === siteKey(new URL(b), includeWww);
  } catch {
    return false;
  }
}

export function hasAssetExtension(url: string): boolean {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return false;
  }
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  if (dot <= 0) return false;
  return ASSET_EXTENSIONS.has(last.slice(dot + 1).toLowerCase());
}

function relTokens(rel: string | undefined): string[] {
  return (rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
}

/** <base href> changes how every relative link resolves; it may itself be relative, or broken (ignored). */
function resolveBaseUrl($: cheerio.CheerioAPI, page: URL): string {
  const baseHref = $('base[href]').first().attr('href');
  if (!baseHref) return page.href;
  try {
    return new URL(baseHref.trim(), page).href;
  } catch {
    return page.href;
  }
}

/**
 * Crawlable links of one page, normalised (see url-normalise.ts), deduplicated, in document order,
 * without the page itself. Never throws on bad HTML; throws ValidationError for a bad pageUrl.
 */
export function discoverLinks(html: string, pageUrl: string, options: DiscoverLinksOptions = {}): string[] {
  const sameHostOnly = options.sameHostOnly ?? true;
  const includeWww = options.includeWww ?? true;
  const respectNofollow = options.respectNofollow ?? true;
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    throw new ValidationError(`Page URL is not a valid URL: ${pageUrl}`, { url: pageUrl });
  }
  const $ = cheerio.load(parseHtmlDocument(typeof html === 'string' ? html : ''));

  if (respectNofollow) {
    const robots = $('meta[name]')
      .filter((_i, el) => /^(robots|copyhoundbot)$/i.test($(el).attr('name') ?? ''))
      .map((_i, el) => ($(el).attr('content') ?? '').toLowerCase())
      .get()
      .join(',');
    if (/\b(nofollow|none)\b/.test(robots)) return [];
  }

  const base = resolveBaseUrl($, page);

  const candidates: string[] = [];
  $('a[href], area[href]').each((_i, el) => {
    const rel = relTokens($(el).attr('rel'));
    if (respectNofollow && rel.some((r) => SKIP_RELS.has(r))) return;
    if ($(el).attr('download') !== undefined) return;
    candidates.push($(el).attr('href')!);
  });
  $('link[href][rel]').each((_i, el) => {
    const rel = relTokens($(el).attr('rel'));
    if (rel.includes('next') || rel.includes('canonical')) candidates.push($(el).attr('href')!);
  });

  const self = tryNormaliseUrl(page.href, { dropQuery: options.dropQuery, extraStripParams: options.extraStripParams });
  const out: string[] = [];
  const seen = new Set<string>(self ? [self] : []);
  for (const raw of candidates) {
    const href = raw.trim();
    // Cheap early exits before URL parsing: in-page anchors and non-web schemes.
    if (href === '' || href.startsWith('#') || /^(mailto|javascript|tel|sms|data|ftp|file|about|blob):/i.test(href)) continue;
    const url = tryNormaliseUrl(href, { base, dropQuery: options.dropQuery, extraStripParams: options.extraStripParams });
    if (!url || seen.has(url)) continue;
    seen.add(url);
    if (sameHostOnly && !isSameSite(url, page.href, includeWww)) continue;
    if (hasAssetExtension(url)) continue;
    out.push(url);
  }
  return out;
}

const FEED_TYPES = /^application\/(rss|atom|rdf|feed)\+(xml|json)$|^application\/(rss|atom)$|^application\/json$|^text\/xml$|^application\/xml$/i;

/**
 * Feeds a page advertises (<link rel=alternate type=application/rss+xml|atom+xml|feed+json ...>),
 * absolute, deduplicated; any host (feeds are often served from a feed CDN).
 */
export function discoverFeedLinks(html: string, pageUrl: string): string[] {
  let page: URL;
  try {
    page = new URL(pageUrl);
  } catch {
    throw new ValidationError(`Page URL is not a valid URL: ${pageUrl}`, { url: pageUrl });
  }
  const $ = cheerio.load(parseHtmlDocument(typeof html === 'string' ? html : ''));
  const base = resolveBaseUrl($, page);
  const out: string[] = [];
  $('link[href][rel]').each((_i, el) => {
    if (!relTokens($(el).attr('rel')).includes('alternate')) return;
    const type = ($(el).attr('type') ?? '').trim();
    if (!FEED_TYPES.test(type)) return;
    const url = tryNormaliseUrl($(el).attr('href')!, { base });
    if (url && !out.includes(url)) out.push(url);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Frontier

export interface FrontierOptions {
  maxDepth: number;
  maxPages: number;
  maxQueryVariantsPerPath: number;
  trapLimits: UrlTrapLimits;
  /** When set, only URLs on this site (see isSameSite) are accepted. */
  site?: string;
  includeWww?: boolean;
  dropQuery?: boolean;
  extraStripParams?: readonly string[];
}

export function frontierOptionsFromConfig(crawl: Config['crawl'], site?: string, now?: Date): FrontierOptions {
  return {
    maxDepth: crawl.siteMaxDepth,
    maxPages: crawl.siteMaxPages,
    maxQueryVariantsPerPath: crawl.siteMaxQueryVariantsPerPath,
    trapLimits: trapLimitsFromConfig(crawl, now),
    includeWww: crawl.siteIncludeWww,
    dropQuery: crawl.siteDropQuery,
    extraStripParams: crawl.extraStripParams,
    ...(site !== undefined ? { site } : {}),
  };
}

export interface FrontierEntry {
  url: string;
  depth: number;
}

/** Everything a frontier knows, as plain JSON: store it, load it, resume. */
export interface FrontierState {
  version: 1;
  queue: FrontierEntry[];
  /** Every URL ever accepted (queued or taken), normalised. */
  seen: string[];
  /** Pages handed out by next(). */
  taken: number;
  /** Distinct query strings accepted per origin+path. */
  queryVariants: Record<string, number>;
  /** Count of refusals by reason, for run reports. */
  rejected: Record<string, number>;
}

export type AddResult = 'queued' | 'seen' | 'invalid' | 'off_site' | 'too_deep' | 'query_variants' | UrlTrap;

export class SiteFrontier {
  private readonly options: FrontierOptions;
  private readonly queue: FrontierEntry[];
  private head = 0;
  private readonly seen: Set<string>;
  private taken: number;
  private readonly queryVariants: Map<string, number>;
  private readonly rejected: Map<string, number>;

  constructor(options: FrontierOptions, state?: FrontierState) {
    if (state !== undefined && state.version !== 1) throw new ValidationError(`Unknown frontier state version ${String(state.version)}`);
    this.options = options;
    this.queue = state ? state.queue.map((e) => ({ url: e.url, depth: e.depth })) : [];
    this.seen = new Set(state?.seen ?? []);
    this.taken = state?.taken ?? 0;
    this.queryVariants = new Map(Object.entries(state?.queryVariants ?? {}));
    this.rejected = new Map(Object.entries(state?.rejected ?? {}));
  }

  /** A frontier seeded with start pages at depth 0. */
  static start(startUrls: readonly string[], options: FrontierOptions): SiteFrontier {
    const f = new SiteFrontier(options);
    for (const u of startUrls) f.add(u, 0);
    return f;
  }

  static fromJSON(state: FrontierState, options: FrontierOptions): SiteFrontier {
    return new SiteFrontier(options, state);
  }

  /** Offers one URL found at `depth`; says why when it is not queued. */
  add(rawUrl: string, depth: number): AddResult {
    const result = this.tryAdd(rawUrl, depth);
    if (result !== 'queued' && result !== 'seen') this.rejected.set(result, (this.rejected.get(result) ?? 0) + 1);
    return result;
  }

  private tryAdd(rawUrl: string, depth: number): AddResult {
    const o = this.options;
    const url = tryNormaliseUrl(rawUrl, { dropQuery: o.dropQuery, extraStripParams: o.extraStripParams });
    if (!url) return 'invalid';
    if (this.seen.has(url)) return 'seen';
    if (o.site !== undefined && !isSameSite(url, o.site, o.includeWww ?? true)) return 'off_site';
    if (depth > o.maxDepth) return 'too_deep';
    const trap = detectUrlTrap(url, o.trapLimits);
    if (trap) return trap;
    const q = url.indexOf('?');
    if (q !== -1) {
      const path = url.slice(0, q);
      const n = this.queryVariants.get(path) ?? 0;
      if (n >= o.maxQueryVariantsPerPath) return 'query_variants';
      this.queryVariants.set(path, n + 1);
    }
    this.seen.add(url);
    this.queue.push({ url, depth });
    return 'queued';
  }

  /** Offers the links of a page taken at `parentDepth`; returns how many were queued. */
  addLinks(urls: readonly string[], parentDepth: number): number {
    let n = 0;
    for (const u of urls) if (this.add(u, parentDepth + 1) === 'queued') n++;
    return n;
  }

  /** Next page to fetch (breadth-first), or undefined when empty or the page budget is spent. */
  next(): FrontierEntry | undefined {
    if (this.taken >= this.options.maxPages || this.head >= this.queue.length) return undefined;
    const entry = this.queue[this.head++];
    this.taken++;
    // Compact now and then so a long crawl does not keep every taken entry alive.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return entry;
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  get pagesTaken(): number {
    return this.taken;
  }

  get done(): boolean {
    return this.pending === 0 || this.taken >= this.options.maxPages;
  }

  toJSON(): FrontierState {
    return {
      version: 1,
      queue: this.queue.slice(this.head).map((e) => ({ url: e.url, depth: e.depth })),
      seen: [...this.seen],
      taken: this.taken,
      queryVariants: Object.fromEntries(this.queryVariants),
      rejected: Object.fromEntries(this.rejected),
    };
  }
}
