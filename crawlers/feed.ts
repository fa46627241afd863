/**
 * Feed parsing (RSS 2.0, Atom 1.0, RSS 1.0/RDF, and JSON Feed for free) into the entry list a
 * crawler needs: an absolute article URL plus the little metadata that helps matching.
 * Parsing is delegated to feedsmith (maintained, lenient, fast-xml-parser based).
 */
import { decodeHTML } from 'entities';
import { parseFeed as parseAnyFeed } from 'feedsmith';
import { ValidationError } from '../src/errors.ts';
import { formatUtcIso, parseAnyDate } from '../src/time/parse-date.ts';
import { decodeXmlBytes } from './xml-bytes.ts';

export interface FeedEntry {
  url: string;
  title?: string;
  /** ISO 8601 (UTC) when the feed's date could be read. */
  publishedAt?: string;
  updatedAt?: string;
  author?: string;
  /** Plain text (markup removed). */
  summary?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title?: string;
  entries: FeedEntry[];
  /** Entries dropped because they had no usable http(s) link. */
  skipped: number;
}

// A summary is a hint for matching and logs, not the article: keep it short.
const MAX_SUMMARY_CHARS = 1000;
// Atom rel values that never point at the article page itself.
const NON_ARTICLE_RELS = new Set(['self', 'edit', 'edit-media', 'replies', 'enclosure', 'related', 'via', 'license', 'hub']);

type Text = string | { value?: string } | undefined;

function textOf(t: Text): string | undefined {
  const raw = typeof t === 'string' ? t : t?.value;
  if (raw === undefined) return undefined;
  const plain = stripMarkup(String(raw));
  return plain === '' ? undefined : plain;
}

/** Feeds often carry HTML (escaped or in CDATA) in titles/summaries; we want readable text. */
function stripMarkup(s: string): string {
  return decodeHTML(s.replace(/<!\[CDATA\[|\]\]>/g, '').replace(/<!--[\s\S]*?-->|<\/?[a-zA-Z][^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}

function truncate(s: string | undefined, max: number): string | undefined {
  if (s === undefined || s.length <= max) return s;
  return `${s.slice(0, max - 1)}…`;
}

/**
 * RSS's RFC 822 dates, Atom's and dc:date's ISO 8601 (feedsmith hands both over as the feed's own
 * text) → ISO 8601 UTC. A date without a zone is UTC, not the server's zone; an unreadable or
 * impossible date (30 February) is dropped rather than guessed.
 */
function toIso(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const reading = parseAnyDate(raw);
  return reading.ok ? formatUtcIso(reading.date) : undefined;
}

function absoluteHttpUrl(raw: unknown, base: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  try {
    const u = new URL(trimmed, base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u.href;
  } catch {
    return undefined;
  }
}

/** xml:base may itself be relative; resolve it against the outer base. */
function withBase(xmlBase: unknown, outer: string): string {
  if (typeof xmlBase !== 'string' || xmlBase.trim() === '') return outer;
  try {
    return new URL(xmlBase.trim(), outer).href;
  } catch {
    return outer;
  }
}

function firstString(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const v of list) if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

function personName(p: { name?: string; email?: string } | undefined): string | undefined {
  if (!p) return undefined;
  const name = p.name?.trim();
  if (name) return name;
  return p.email?.trim() || undefined;
}

interface RawEntry {
  link?: string;
  permalink?: string;
  title?: string;
  published?: unknown;
  updated?: unknown;
  author?: string;
  summary?: string;
}

function pickAtomLink(links: { href?: string; rel?: string; type?: string }[] | undefined): string | undefined {
  if (!links) return undefined;
  const usable = links.filter((l) => typeof l.href === 'string' && !NON_ARTICLE_RELS.has((l.rel ?? 'alternate').toLowerCase()));
  const html = usable.find((l) => !l.type || /html/i.test(l.type));
  return (html ?? usable[0])?.href;
}

function fromRssLike(item: any): RawEntry {
  // RSS: <guid> is a permalink unless isPermaLink="false" (RSS 2.0 spec); RDF: rdf:about is the item URI.
  const guid = item.guid;
  const permalink =
    guid && typeof guid.value === 'string' && guid.isPermaLink !== false ? guid.value : item.rdf?.about ?? item.atom?.links?.[0]?.href;
  return {
    link: item.link,
    permalink,
    title: item.title ?? firstString(item.dc?.titles),
    published: item.pubDate ?? item.dc?.dates?.[0] ?? item.dcterms?.issued?.[0] ?? item.atom?.published,
    updated: item.dcterms?.modified?.[0] ?? item.atom?.updated,
    author: personName(item.authors?.[0]) ?? firstString(item.dc?.creators),
    summary: item.description ?? item.content?.encoded,
  };
}

function fromAtom(entry: any): RawEntry {
  const link = pickAtomLink(entry.links);
  return {
    link,
    permalink: typeof entry.id === 'string' && /^https?:/i.test(entry.id.trim()) ? entry.id : undefined,
    title: entry.title,
    published: entry.published ?? entry.dc?.dates?.[0],
    updated: entry.updated,
    author: personName(entry.authors?.[0]) ?? firstString(entry.dc?.creators),
    summary: entry.summary ?? entry.content,
  };
}

function fromJson(item: any): RawEntry {
  return {
    link: item.url,
    permalink: item.external_url,
    title: item.title,
    published: item.date_published,
    updated: item.date_modified,
    author: item.authors?.[0]?.name,
    summary: item.summary ?? item.content_text,
  };
}

/**
 * Parses a feed document (text, or raw bytes decoded per BOM / XML declaration). Relative links resolve against xml:base (entry, then feed) and then
 * `baseUrl` (the URL the feed was fetched from). Entries without an http(s) link are skipped and
 * counted; the same URL twice is kept once. Throws ValidationError for anything that is not a feed.
 */
export function parseFeed(input: string | Uint8Array, baseUrl: string): ParsedFeed {
  // Raw bytes are decoded per the XML declaration (ISO-8859-1 feeds exist); prefer passing them.
  const xml = input instanceof Uint8Array ? decodeXmlBytes(input) : input;
  if (typeof xml !== 'string' || xml.trim() === '') throw new ValidationError('Feed is empty', { baseUrl });
  let base: string;
  try {
    base = new URL(baseUrl).href;
  } catch {
    throw new ValidationError(`Feed base URL is not a valid URL: ${baseUrl}`, { baseUrl });
  }
  let parsed: ReturnType<typeof parseAnyFeed>;
  try {
    // A BOM or leading blank lines before <?xml trip the format detection of some parsers.
    parsed = parseAnyFeed(xml.replace(/^\uFEFF/, '').trimStart());
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`Not a readable RSS/Atom/RDF/JSON feed: ${why}`, { baseUrl, cause: why });
  }

  const feed = parsed.feed as any;
  const feedBase = withBase(feed.xml?.base, base);
  let raws: { raw: RawEntry; base: string }[];
  let title: string | undefined;
  switch (parsed.format) {
    case 'rss':
    case 'rdf':
      title = textOf(feed.title);
      raws = (feed.items ?? []).map((i: any) => ({ raw: fromRssLike(i), base: withBase(i.xml?.base, feedBase) }));
      break;
    case 'atom':
      title = textOf(feed.title);
      raws = (feed.entries ?? []).map((e: any) => ({ raw: fromAtom(e), base: withBase(e.xml?.base, feedBase) }));
      break;
    case 'json':
      title = textOf(feed.title);
      raws = (feed.items ?? []).map((i: any) => ({ raw: fromJson(i), base: feedBase }));
      break;
  }

  const entries: FeedEntry[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const { raw, base: entryBase } of raws) {
    const url = absoluteHttpUrl(raw.link, entryBase) ?? absoluteHttpUrl(raw.permalink, entryBase);
    if (url === undefined) {
      skipped++;
      continue;
    }
    if (seen.has(url)) continue;
    seen.add(url);
    const entry: FeedEntry = { url };
    const t = textOf(raw.title as Text);
    if (t !== undefined) entry.title = t;
    const published = toIso(raw.published);
    if (published !== undefined) entry.publishedAt = published;
    const updated = toIso(raw.updated);
    if (updated !== undefined) entry.updatedAt = updated;
    if (raw.author) entry.author = stripMarkup(raw.author);
    const summary = truncate(textOf(raw.summary as Text), MAX_SUMMARY_CHARS);
    if (summary !== undefined) entry.summary = summary;
    entries.push(entry);
  }
  const result: ParsedFeed = { format: parsed.format, entries, skipped };
  if (title !== undefined) result.title = title;
  return result;
}
