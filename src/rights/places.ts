import { ValidationError } from '../errors.ts';

/**
 * Where a consent lets a licensee publish, where a licensee publishes, and the publisher's own
 * sites, all written the same way:
 *   "example.com"                   that host only (not www.example.com)
 *   "*.example.com"                 the host and every sub-domain of it
 *   "https://example.com/partner/"  pages under that path on that host (http or https alike)
 * A path prefix ends at a segment boundary whether or not it is written with a trailing slash:
 * "/partner" and "/partner/" both cover "/partner" and "/partner/x", never "/partners".
 */
export type Place =
  | { kind: 'domain'; host: string; subdomains: boolean }
  | { kind: 'prefix'; host: string; path: string };

// Host names are at most 253 characters; a place is a host plus a path, bounded like a URL.
const MAX_PLACE_CHARS = 2000;

// A bare host (with an optional port) has none of these: URL parsing would silently drop what
// follows them ("example.com?id=1", "*.example.com/partner"), widening the place.
const NOT_IN_HOST = /[\s/?#@\\]/;

function hostOf(text: string, place: string): string {
  if (NOT_IN_HOST.test(text)) {
    throw new ValidationError(`Place "${place}": "${text}" is not a host name: a place has no query or fragment (nor a user name); write a URL prefix as https://host/path/`, { field: 'place', value: place });
  }
  let host: string;
  try {
    host = new URL(`http://${text}/`).hostname;
  } catch {
    throw new ValidationError(`Place "${place}": "${text}" is not a host name`, { field: 'place', value: place });
  }
  host = host.replace(/\.$/, '');
  if (!host.includes('.') && host !== 'localhost') {
    throw new ValidationError(`Place "${place}": "${host}" is not a full host name (expected e.g. example.com)`, { field: 'place', value: place });
  }
  return host;
}

/** Reads a place as written by a user or a document; throws ValidationError naming what is wrong. */
export function parsePlace(raw: string): Place {
  const place = raw.trim();
  if (place === '' || place.length > MAX_PLACE_CHARS) {
    throw new ValidationError(`Place "${place.slice(0, 80)}": must be 1-${MAX_PLACE_CHARS} characters`, { field: 'place' });
  }
  if (place.startsWith('*.')) return { kind: 'domain', host: hostOf(place.slice(2), place), subdomains: true };
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(place);
  if (hasScheme && !/^https?:\/\//i.test(place)) {
    throw new ValidationError(`Place "${place}": only http(s) URL prefixes are places`, { field: 'place', value: place });
  }
  if (!hasScheme && !place.includes('/')) return { kind: 'domain', host: hostOf(place, place), subdomains: false };
  let url: URL;
  try {
    url = new URL(hasScheme ? place : `https://${place}`);
  } catch {
    throw new ValidationError(`Place "${place}": not a URL prefix`, { field: 'place', value: place });
  }
  if (url.search !== '' || url.hash !== '' || place.includes('?') || place.includes('#') || url.username !== '' || url.password !== '') {
    throw new ValidationError(`Place "${place}": a URL prefix has no query or fragment (nor a user name)`, { field: 'place', value: place });
  }
  const host = hostOf(url.host, place);
  const path = url.pathname.replace(/\/+$/, '');
  return path === '' ? { kind: 'domain', host, subdomains: false } : { kind: 'prefix', host, path };
}

/** The one way a place is stored and shown, so equal places compare equal. */
export function formatPlace(place: Place): string {
  if (place.kind === 'domain') return place.subdomains ? `*.${place.host}` : place.host;
  return `https://${place.host}${place.path}/`;
}

/** Parses and re-formats a place (throws ValidationError when it is not one). */
export function normalisePlace(raw: string): string {
  return formatPlace(parsePlace(raw));
}

function parseUrl(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
  } catch {
    return null;
  }
}

/** The page URL's host as places compare it (lowercase, no trailing dot), or null for a non-http URL. */
export function hostOfUrl(url: string): string | null {
  const parsed = parseUrl(url);
  return parsed ? parsed.hostname.replace(/\.$/, '') : null;
}

function hostCovered(host: string, placeHost: string, subdomains: boolean): boolean {
  return host === placeHost || (subdomains && host.endsWith(`.${placeHost}`));
}

/** A page URL read once for many place tests: host as places compare it, decoded path. */
export interface PageLocation {
  host: string;
  path: string;
}

/** Reads a page URL for place tests (null for a URL that is not http(s)). */
export function locatePage(url: string): PageLocation | null {
  const parsed = parseUrl(url);
  if (!parsed) return null;
  let path: string;
  try {
    path = decodeURI(parsed.pathname);
  } catch {
    path = parsed.pathname;
  }
  return { host: parsed.hostname.replace(/\.$/, ''), path };
}

/** True when the page lies in the place. */
export function placeCovers(place: Place, page: string | PageLocation | null): boolean {
  const at = typeof page === 'string' ? locatePage(page) : page;
  if (!at) return false;
  if (place.kind === 'domain') return hostCovered(at.host, place.host, place.subdomains);
  if (at.host !== place.host) return false;
  const prefix = safeDecode(place.path);
  return at.path === prefix || at.path.startsWith(`${prefix}/`);
}

function safeDecode(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

// Decisions test the same stored places against thousands of pages; each is parsed once.
// Bounded: cleared when it grows past this many distinct places.
const MAX_CACHED_PLACES = 10_000;
const placeCache = new Map<string, Place>();

function parseStoredPlace(text: string): Place {
  let place = placeCache.get(text);
  if (!place) {
    place = parsePlace(text);
    if (placeCache.size >= MAX_CACHED_PLACES) placeCache.clear();
    placeCache.set(text, place);
  }
  return place;
}

/** The host a stored place's pages are on (or under, with sub-domains): for indexing places by host. */
export function hostOfStoredPlace(text: string): string {
  return parseStoredPlace(text).host;
}

/** The first of the places (as stored strings) that covers the page, or null. */
export function findCoveringPlace(places: readonly string[], page: string | PageLocation | null): string | null {
  const at = typeof page === 'string' ? locatePage(page) : page;
  if (!at) return null;
  for (const text of places) {
    if (placeCovers(parseStoredPlace(text), at)) return text;
  }
  return null;
}

/**
 * The host a place's pages can be found under, for a database range lookup: every page a place
 * covers has this host, or (sub-domains included) a host ending in "." plus it.
 */
export function placeHostRange(place: Place): { host: string; subdomains: boolean } {
  return { host: place.host, subdomains: place.kind === 'domain' && place.subdomains };
}

/** A page address as one document: host without "www." or trailing dot, path without trailing slash, query. */
function documentKey(url: string): string | null {
  const parsed = parseUrl(url);
  return parsed ? `${parsed.hostname.replace(/^www\./, '').replace(/\.$/, '')}${parsed.pathname.replace(/\/+$/, '')}${parsed.search}` : null;
}

/**
 * True when two addresses name the same document, scheme, "www.", trailing slash and fragment
 * aside: the article's own page (owner_site), a link back to it, a canonical URL pointing at it.
 */
export function isSameDocument(a: string, b: string): boolean {
  const key = documentKey(a);
  return key !== null && key === documentKey(b);
}
