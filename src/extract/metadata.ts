import { isElement, textOf, type DomElement } from './dom.ts';
import type { PageIndex } from './page-index.ts';
import { normalizeDate } from './dates.ts';
import { findArticleNode, namesOf, parseJsonLd, resolveRef, stringOf, type JsonObject } from './jsonld.ts';

export interface PageMetadata {
  title: string;
  canonicalUrl: string | null;
  author: string | null;
  publishedAt: string | null;
  modifiedAt: string | null;
  language: string | null;
  siteName: string | null;
  /** JSON-LD publisher name (the company; siteName is the publication). */
  publisher: string | null;
  description: string | null;
  /** og:type, lower-cased ("article", "website"). */
  ogType: string | null;
  /** articleBody from JSON-LD, a cross-check and fallback for the DOM extraction. */
  jsonLdBody: string | null;
  jsonLdArticle: JsonObject | null;
  jsonLdNodes: JsonObject[];
}

/** The page URL a JSON-LD mainEntityOfPage/isPartOf points at (a string, or a WebPage with url/@id). */
function urlOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as JsonObject;
    const types = o['@type'];
    if (typeof o.url === 'string') return o.url;
    if (typeof o['@id'] === 'string' && (types === 'WebPage' || (Array.isArray(types) && types.includes('WebPage')))) return (o['@id'] as string).replace(/#.*$/, '');
  }
  return null;
}

/** A byline longer than this is a bio paragraph, not a name. */
const MAX_AUTHOR_CHARS = 120;
/** Title separators between headline and site name ("Headline | Site", "Site – Headline"). */
const TITLE_SEPARATOR = /\s+[|–—·•:»-]{1,2}\s+|\s+::\s+/;
/** A title segment with at most this many words is taken for a site name. */
const MAX_SITE_SUFFIX_WORDS = 4;

export function absoluteUrl(href: string | null | undefined, base: string | undefined): string | null {
  if (!href) return null;
  const value = href.trim();
  if (!value || value.startsWith('#') || /^(?:javascript|data|about):/i.test(value)) return null;
  try {
    const url = base ? new URL(value, base) : new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function metaContent(page: PageIndex, keys: string[]): string | null {
  for (const key of keys) {
    const value = page.meta.get(key.toLowerCase());
    if (value) return value;
  }
  return null;
}

function firstText(elements: DomElement[] | undefined): string | null {
  for (const el of elements ?? []) {
    const t = textOf(el);
    if (t) return t;
  }
  return null;
}

/** Value of an itemprop element: content/datetime attribute, else its text. */
function itempropValue(page: PageIndex, prop: string): string | null {
  for (const el of page.itemprop.get(prop) ?? []) {
    const v = el.attribs.content ?? el.attribs.datetime ?? (el.name === 'meta' ? undefined : textOf(el));
    if (v && v.trim()) return v.trim();
  }
  return null;
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Drops a site name from a document title: "Headline | Site" -> "Headline". */
export function stripSiteName(title: string, siteName: string | null): string {
  const t = fold(title);
  if (siteName) {
    const site = siteName.trim().toLowerCase();
    const parts = t.split(TITLE_SEPARATOR);
    if (parts.length > 1) {
      const kept = parts.filter((p) => p.trim().toLowerCase() !== site);
      if (kept.length < parts.length && kept.length > 0) return kept.join(' – ');
    }
  }
  const parts = t.split(TITLE_SEPARATOR);
  if (parts.length < 2) return t;
  const last = parts[parts.length - 1];
  const rest = parts.slice(0, -1).join(' – ');
  const words = (s: string) => s.split(/\s+/).filter(Boolean).length;
  if (words(last) <= MAX_SITE_SUFFIX_WORDS && words(rest) > words(last)) return fold(t.slice(0, t.lastIndexOf(last)).replace(/[\s|–—·•:»-]+$/, ''));
  return t;
}

function normalizeLanguage(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const first = raw.split(/[,;\s]/).find(Boolean);
  if (!first || !/^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$/i.test(first)) return null;
  const [lang, ...rest] = first.replace(/_/g, '-').split('-');
  return [lang.toLowerCase(), ...rest.map((p) => (p.length === 2 ? p.toUpperCase() : p))].join('-');
}

function firstDate(values: (string | null | undefined)[]): string | null {
  for (const v of values) {
    const d = normalizeDate(v);
    if (d) return d;
  }
  return null;
}

/** itemprop=author: its itemprop=name child, or a content attribute, or its text. */
function authorFromItemprop(page: PageIndex): string | null {
  for (const el of page.itemprop.get('author') ?? []) {
    if (el.attribs.content?.trim()) return el.attribs.content.trim();
    const named = findDescendant(el, (d) => /(?:^|\s)name(?:\s|$)/i.test(d.attribs.itemprop ?? ''));
    const text = named ? named.attribs.content ?? textOf(named) : textOf(el);
    if (text && text.length < MAX_AUTHOR_CHARS) return text.replace(/^(?:by|von|par|por|przez)\s+/i, '');
  }
  return null;
}

function findDescendant(el: DomElement, test: (d: DomElement) => boolean): DomElement | null {
  for (const c of el.children) {
    if (!isElement(c)) continue;
    if (test(c)) return c;
    const found = findDescendant(c, test);
    if (found) return found;
  }
  return null;
}

/** Author names from meta tags, skipping profile URLs (article:author often holds one). */
function metaAuthor(page: PageIndex): string | null {
  const raw = metaContent(page, ['author', 'article:author', 'dc.creator', 'DC.creator', 'dcterms.creator', 'byl', 'sailthru.author', 'parsely-author']);
  if (!raw || /^https?:\/\//.test(raw)) return null;
  return fold(raw.replace(/^(?:by|von|par|por|przez)\s+/i, ''));
}

export function readMetadata(page: PageIndex, baseUrl: string | undefined): PageMetadata {
  const jsonLdNodes = parseJsonLd(page.jsonLd);
  const article = findArticleNode(jsonLdNodes);
  const ld = (key: string) => (article ? resolveRef(article[key], jsonLdNodes) : undefined);

  const publisherName = stringOf(ld('publisher'));
  const siteName =
    metaContent(page, ['og:site_name']) ??
    stringOf(jsonLdNodes.find((n) => n['@type'] === 'WebSite')?.name) ??
    publisherName ??
    metaContent(page, ['application-name']) ??
    null;

  const docTitle = page.title ? textOf(page.title) : '';
  const h1 = page.h1.length === 1 ? textOf(page.h1[0]) : '';
  const ogTitle = metaContent(page, ['og:title', 'twitter:title']);
  const headline = stringOf(ld('headline')) ?? stringOf(ld('name'));
  let title = '';
  if (ogTitle) title = stripSiteName(ogTitle, siteName);
  else if (headline) title = fold(headline);
  else if (h1) title = h1;
  else title = stripSiteName(docTitle, siteName);
  // A single <h1> that the metadata title starts with is the cleaner headline (no kicker or suffix).
  if (h1 && title && title !== h1 && title.startsWith(h1) && h1.length >= title.length / 2) title = h1;

  const canonicalUrl =
    absoluteUrl(page.rel.get('canonical'), baseUrl) ??
    absoluteUrl(metaContent(page, ['og:url']), baseUrl) ??
    absoluteUrl(stringOf(ld('url')), baseUrl) ??
    absoluteUrl(urlOf(ld('mainEntityOfPage')), baseUrl) ??
    absoluteUrl(urlOf(ld('isPartOf')), baseUrl) ??
    null;

  const ldAuthors = namesOf(ld('author'));
  const author =
    (ldAuthors.length > 0 ? [...new Set(ldAuthors)].join(', ') : null) ??
    metaAuthor(page) ??
    authorFromItemprop(page) ??
    firstText(page.relAuthor);

  const pubTime = page.times.find((t) => t.attribs.pubdate !== undefined);
  const publishedAt = firstDate([
    metaContent(page, ['article:published_time', 'og:published_time', 'published_time', 'datePublished', 'date', 'pubdate', 'publishdate',
      'publish-date', 'DC.date.issued', 'dc.date.issued', 'dcterms.issued', 'dcterms.created', 'DC.date', 'dc.date', 'sailthru.date', 'parsely-pub-date', 'article.published']),
    stringOf(ld('datePublished')),
    stringOf(ld('dateCreated')),
    itempropValue(page, 'datepublished'),
    pubTime?.attribs.datetime,
    page.times[0]?.attribs.datetime,
  ]);
  const modifiedAt = firstDate([
    metaContent(page, ['article:modified_time', 'og:updated_time', 'modified_time', 'dateModified', 'last-modified', 'DC.date.modified', 'dcterms.modified', 'article.updated']),
    stringOf(ld('dateModified')),
    itempropValue(page, 'datemodified'),
  ]);

  const language =
    normalizeLanguage(page.html?.attribs.lang) ??
    normalizeLanguage(page.html?.attribs['xml:lang']) ??
    normalizeLanguage(stringOf(ld('inLanguage'))) ??
    normalizeLanguage(metaContent(page, ['language', 'content-language', 'dc.language', 'DC.language'])) ??
    normalizeLanguage(metaContent(page, ['og:locale']));

  const description = metaContent(page, ['og:description', 'description', 'twitter:description']) ?? stringOf(ld('description'));
  const body = ld('articleBody');
  return {
    title,
    canonicalUrl,
    author,
    publishedAt,
    modifiedAt,
    language,
    siteName: siteName ? fold(siteName) : null,
    publisher: publisherName ? fold(publisherName) : null,
    description,
    ogType: metaContent(page, ['og:type'])?.toLowerCase() ?? null,
    jsonLdBody: typeof body === 'string' && body.trim() ? body : null,
    jsonLdArticle: article,
    jsonLdNodes,
  };
}
