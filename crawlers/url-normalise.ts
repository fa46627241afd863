/**
 * Canonical URL form for dedupe, and crawler-trap detection. WHATWG URL does the heavy lifting
 * (lower-case scheme/host, IDN → punycode, default ports, dot segments); on top we drop fragments
 * and tracking parameters, sort the query and tidy percent-encoding so one page has one key.
 */
import type { Config } from '../config/index.ts';
import { ValidationError } from '../src/errors.ts';

/** Parameters that only identify a campaign or click, never the page. utm_* is matched by prefix. */
export const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'li_fat_id',
  'igshid', 'mc_cid', 'mc_eid', '_ga', '_gl', '_hsenc', '_hsmi', 'hsctatracking', 'mkt_tok', 'oly_anon_id',
  'oly_enc_id', 'vero_id', 'vero_conv', 'rb_clickid', 's_cid', 'ncid', 'ocid', 'cmpid', 'spm', 'ref_src', 'ref_url',
  'smid', 'xtor', 'at_medium', 'at_campaign', 'at_custom1', 'at_custom2', 'at_custom3', 'at_custom4',
]);
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_', 'itm_', 'hmb_'];

export interface NormaliseUrlOptions {
  /** Resolves relative input. */
  base?: string;
  /** Drop the whole query string (site crawls of sites that only use it for sorting/paging). */
  dropQuery?: boolean;
  /** More parameter names to strip, compared case-insensitively. */
  extraStripParams?: readonly string[];
}

export function isTrackingParam(name: string, extra: readonly string[] = []): boolean {
  const key = name.toLowerCase();
  if (TRACKING_PARAMS.has(key)) return true;
  if (TRACKING_PREFIXES.some((p) => key.startsWith(p))) return true;
  return extra.some((e) => e.toLowerCase() === key);
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Upper-case %xx escapes and decode the ones that stand for unreserved characters (RFC 3986 §6.2.2). */
function tidyPercentEncoding(s: string): string {
  return s.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

function normaliseQuery(search: string, extra: readonly string[]): string {
  if (search === '' || search === '?') return '';
  const parts = search
    .slice(1)
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const rawKey = eq === -1 ? p : p.slice(0, eq);
      return { key: decodeKey(rawKey), text: tidyPercentEncoding(p) };
    })
    .filter((p) => !isTrackingParam(p.key, extra));
  // Stable sort: repeated keys keep their order, which can matter (a=1&a=2).
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return parts.length === 0 ? '' : `?${parts.map((p) => p.text).join('&')}`;
}

/**
 * Canonical form of an http(s) URL. Throws ValidationError (with a reason) for anything that is
 * not an absolute (or base-resolvable) http(s) URL or that carries credentials.
 */
export function normaliseUrl(raw: string, options: NormaliseUrlOptions = {}): string {
  const input = typeof raw === 'string' ? raw.trim() : '';
  if (input === '') throw new ValidationError('URL is empty', { url: raw });
  let u: URL;
  try {
    u = options.base !== undefined ? new URL(input, options.base) : new URL(input);
  } catch {
    throw new ValidationError(`Not a valid URL: ${input}`, { url: raw, reason: 'invalid' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ValidationError(`Only http and https URLs are supported, got ${u.protocol}`, { url: raw, reason: 'scheme' });
  }
  if (u.username !== '' || u.password !== '') {
    throw new ValidationError('URLs with credentials are not crawled', { url: raw, reason: 'credentials' });
  }
  if (u.hostname === '') throw new ValidationError('URL has no host', { url: raw, reason: 'invalid' });
  // "example.com." and "example.com" are the same host for DNS and for us.
  if (u.hostname.endsWith('.') && !u.hostname.startsWith('[')) u.hostname = u.hostname.replace(/\.+$/, '');
  u.hash = '';
  const query = options.dropQuery ? '' : normaliseQuery(u.search, options.extraStripParams ?? []);
  const path = tidyPercentEncoding(u.pathname);
  return `${u.protocol}//${u.host}${path}${query}`;
}

/** Like normaliseUrl, but undefined instead of an exception (for bulk link discovery). */
export function tryNormaliseUrl(raw: string, options: NormaliseUrlOptions = {}): string | undefined {
  try {
    return normaliseUrl(raw, options);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Traps

export type UrlTrap = 'too_long' | 'too_deep' | 'repeated_segment' | 'calendar';

export interface UrlTrapLimits {
  maxLength: number;
  maxPathDepth: number;
  maxSegmentRepeats: number;
  calendarMinYear: number;
  /** Calendar years past now+1 are traps; injectable for tests. */
  now?: Date;
}

export function trapLimitsFromConfig(crawl: Config['crawl'], now?: Date): UrlTrapLimits {
  return {
    maxLength: crawl.urlMaxLength,
    maxPathDepth: crawl.urlMaxPathDepth,
    maxSegmentRepeats: crawl.urlMaxSegmentRepeats,
    calendarMinYear: crawl.urlCalendarMinYear,
    ...(now ? { now } : {}),
  };
}

// Short numbers (days, months, page numbers) legitimately repeat: /2025/01/01/.
const REPEAT_EXEMPT = /^\d{1,2}$/;
// YYYY-MM or YYYY-MM-DD (also with _ . / separators) inside a segment or value.
const DATE_TOKEN = /(?:^|[^0-9])(\d{4})[-_.](0?[1-9]|1[0-2])(?:[-_.](0?[1-9]|[12]\d|3[01]))?(?![0-9])/g;
// Query keys whose value is a year or date in calendar widgets.
const DATE_KEYS = /^(?:y|yr|year|month|date|day|d|from|to|start|end|cal|calendar|tribe-bar-date|ical)$/i;
const YEAR_ONLY = /^(\d{4})(?:[-_.]?\d{1,2}){0,2}$/;

function yearsIn(url: URL): number[] {
  const years: number[] = [];
  const segments = url.pathname.split('/').filter(Boolean).map(safeDecode);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    for (const m of seg.matchAll(DATE_TOKEN)) years.push(Number(m[1]));
    // /2031/04/ : a 4-digit segment followed by a month segment is a date path.
    if (/^\d{4}$/.test(seg) && /^(0?[1-9]|1[0-2])$/.test(segments[i + 1] ?? '')) years.push(Number(seg));
  }
  for (const [key, value] of url.searchParams) {
    for (const m of value.matchAll(DATE_TOKEN)) years.push(Number(m[1]));
    const y = YEAR_ONLY.exec(value);
    if (y && DATE_KEYS.test(key)) years.push(Number(y[1]));
  }
  return years;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The first trap this URL falls into, or undefined when it looks crawlable. */
export function detectUrlTrap(url: string, limits: UrlTrapLimits): UrlTrap | undefined {
  if (url.length > limits.maxLength) return 'too_long';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined; // not ours to judge: normaliseUrl reports invalid URLs
  }
  const segments = u.pathname.split('/').filter(Boolean);
  if (segments.length > limits.maxPathDepth) return 'too_deep';
  const counts = new Map<string, number>();
  for (const seg of segments) {
    if (REPEAT_EXEMPT.test(seg)) continue;
    const key = safeDecode(seg).toLowerCase();
    const n = (counts.get(key) ?? 0) + 1;
    if (n > limits.maxSegmentRepeats) return 'repeated_segment';
    counts.set(key, n);
  }
  const maxYear = (limits.now ?? new Date()).getUTCFullYear() + 1;
  if (yearsIn(u).some((y) => y < limits.calendarMinYear || y > maxYear)) return 'calendar';
  return undefined;
}
