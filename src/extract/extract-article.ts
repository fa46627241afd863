import type { Config } from '../../config/index.ts';
import { ExtractionError } from '../errors.ts';
import type { DomElement } from './dom.ts';
import { findCredits } from './credits.ts';
import { collectLinks, type ExtractedLink } from './links.ts';
import { DEFAULT_CONTENT_TUNING, findMainContent, makeInnerSkip, pruneBoilerplate, type ContentTuning } from './main-content.ts';
import { absoluteUrl, readMetadata, type PageMetadata } from './metadata.ts';
import { buildRights, findNotices, type RightsStatement } from './rights.ts';
import { serializeBlocks } from './serialize.ts';
import { decideArticle } from './article-check.ts';
import { indexPage, type PageIndex } from './page-index.ts';
import { parseHtmlDocument } from './parse-html.ts';

export type { ExtractedLink } from './links.ts';
export type { RightsStatement } from './rights.ts';

/** What a page says about its main article. Empty `text` means "no article found" — a result. */
export interface ExtractedArticle {
  /** Headline: og:title / JSON-LD headline without the site name, or the page's single <h1>. */
  title: string;
  /** Main text, paragraphs separated by a blank line; `<br>` inside a paragraph is a newline. */
  text: string;
  canonicalUrl: string | null;
  author: string | null;
  /** ISO 8601; the page's own time zone is kept, date-only values stay dates. */
  publishedAt: string | null;
  modifiedAt: string | null;
  /** BCP 47 tag as declared (html lang, JSON-LD inLanguage, meta), e.g. "de", "en-US". */
  language: string | null;
  /** og:site_name, else JSON-LD WebSite name, else the publisher's name. */
  siteName: string | null;
  /** JSON-LD publisher name (the company behind the site), when the page gives one. */
  publisher: string | null;
  /** Wire datelines, "Source:"/"Photo:" lines and reporting credits found in the text. */
  credits: string[];
  /** http(s) links inside the article text, absolute when the page URL is known. */
  links: ExtractedLink[];
  rights: RightsStatement;
  /** og:description / meta description. */
  description: string | null;
}

export interface ExtractOptions {
  /** The page's URL, to resolve relative links. */
  url?: string;
  /** The extract config section; defaults apply when absent. */
  config?: Partial<Config['extract']>;
}

/** An article with nothing found: the result for a page without one, and the base for plain text. */
export function createEmptyArticle(): ExtractedArticle {
  return {
    title: '',
    text: '',
    canonicalUrl: null,
    author: null,
    publishedAt: null,
    modifiedAt: null,
    language: null,
    siteName: null,
    publisher: null,
    credits: [],
    links: [],
    rights: { notices: [], license: null, holder: null },
    description: null,
  };
}

function rightsFromHead(page: PageIndex, meta: PageMetadata, pageNotices: string[], baseUrl: string | undefined): RightsStatement {
  const metaValue = (names: string[]) => {
    for (const n of names) {
      const v = page.meta.get(n.toLowerCase());
      if (v) return v.replace(/\s+/g, ' ').trim();
    }
    return null;
  };
  const relLicenseHref = page.rel.get('license');
  return buildRights({
    pageNotices,
    metaCopyright: metaValue(['copyright', 'dc.rights', 'DC.rights', 'dcterms.rights', 'rights']),
    metaLicense: metaValue(['license', 'dcterms.license', 'DC.license']),
    relLicense: absoluteUrl(relLicenseHref, baseUrl) ?? (relLicenseHref?.trim() || null),
    jsonLdArticle: meta.jsonLdArticle,
    jsonLdNodes: meta.jsonLdNodes,
  });
}

/**
 * Turns a page into its article: main text (block-aware, boilerplate left out) and the metadata
 * legal teams use. Malformed HTML yields whatever could be read, and a page without an article
 * yields empty `text`; an internal failure throws ExtractionError (extract_failed) and is never
 * passed off as "no article".
 */
export function extractArticle(html: string, options: ExtractOptions = {}): ExtractedArticle {
  try {
    return extractUnsafe(typeof html === 'string' ? html : String(html ?? ''), options);
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    throw new ExtractionError('extract_failed', `Extraction failed: ${(error as Error)?.message ?? String(error)}`, { url: options.url });
  }
}

function extractUnsafe(html: string, options: ExtractOptions): ExtractedArticle {
  const tuning: ContentTuning = { ...DEFAULT_CONTENT_TUNING, ...pickTuning(options.config) };
  const baseUrl = validBase(options.url);
  const root = parseHtmlDocument(html) as unknown as DomElement;
  const page = indexPage(root);
  const meta = readMetadata(page, baseUrl);
  const body = page.body ?? root;
  const rights = rightsFromHead(page, meta, findNotices(body), baseUrl);
  const content = extractContent(body, meta, tuning, baseUrl);
  const text = content.paragraphs.join('\n\n');
  const minChars = options.config?.minArticleChars ?? 0;
  const kept = text.length >= minChars && text.length > 0;
  return {
    title: meta.title,
    text: kept ? text : '',
    canonicalUrl: meta.canonicalUrl,
    author: meta.author,
    publishedAt: meta.publishedAt,
    modifiedAt: meta.modifiedAt,
    language: meta.language,
    siteName: meta.siteName,
    publisher: meta.publisher,
    credits: kept ? content.credits : [],
    links: kept ? content.links : [],
    rights,
    description: meta.description,
  };
}

/** Main text as paragraphs, and the links inside it. Mutates the tree (boilerplate is removed). */
function extractContent(body: DomElement, meta: PageMetadata, tuning: ContentTuning, baseUrl: string | undefined) {
  pruneBoilerplate(body);
  const main = findMainContent(body, tuning);
  let skip = makeInnerSkip(main.stats, tuning);
  let paragraphs = serializeBlocks(main.nodes, skip);
  const containerChars = main.nodes.reduce((n, el) => n + (main.stats.get(el)?.text ?? 0), 0);
  if (charsOf(paragraphs) < containerChars * MIN_KEPT_SHARE) {
    // The article itself is a link collection (a link roll, a list of sources): keep it whole.
    skip = () => false;
    paragraphs = serializeBlocks(main.nodes, skip);
  }
  const decision = decideArticle(trimLabels(paragraphs), main, meta, tuning);
  const found = decision.paragraphs.length > 0;
  const links = decision.fromDom && found ? collectLinks(main.nodes, skip, baseUrl) : [];
  // Credits are read before captions and credit lines are trimmed from the text.
  const credits = found ? findCredits(decision.fromDom ? paragraphs : decision.paragraphs) : [];
  return { paragraphs: decision.paragraphs, links, credits };
}

/** When the link-list rules drop more than this share of the chosen container, the container is the list. */
const MIN_KEPT_SHARE = 0.3;

/** A paragraph that is only a date (and time): a dateline stamp, not article text. */
const DATE_ONLY =
  /^(?:[\p{L} ]{2,25}:\s*)?(?:[\p{L}]{2,10},?\s+)?(?:\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2,4}|\d{4}-\d{2}-\d{2})(?:[,\s|–-]+\d{1,2}[:.]\d{2}(?:\s*(?:uhr|h|am|pm))?)?$/iu;
/** Trailing paragraphs shorter than this without closing punctuation are labels ("Kontakt:", "Share"). */
const TRAILING_LABEL_CHARS = 60;
const SENTENCE_END = /[.!?…"“”»«)\]]$/;

/** "Advertisement:", "Release Date:" alone on a line: a label whose value was elsewhere. */
const LABEL_ONLY = /^[\p{L}][\p{L}\p{N} .'’-]{0,28}:$/u;
/** Image credits and captions left outside <figcaption>: short and carrying a © or a photo credit. */
const CAPTION_CREDIT = /©|^(?:photo|foto|bild|image|credit|picture|fotos|photos|abbildung)s?\s*:/i;
/** Paragraphs up to this length can be a caption; longer ones are prose that mentions a photo. */
const MAX_CAPTION_CHARS = 200;

/** Drops date stamps, lone labels and captions anywhere, and label-like leftovers after the last sentence. */
function trimLabels(paragraphs: string[]): string[] {
  const out = paragraphs.filter(
    (p) => !DATE_ONLY.test(p) && !LABEL_ONLY.test(p) && !(p.length <= MAX_CAPTION_CHARS && CAPTION_CREDIT.test(p)),
  );
  while (out.length > 1) {
    const last = out[out.length - 1];
    if (last.length >= TRAILING_LABEL_CHARS || SENTENCE_END.test(last)) break;
    out.pop();
  }
  return out;
}

function charsOf(paragraphs: string[]): number {
  return paragraphs.reduce((n, p) => n + p.length, 0);
}

function pickTuning(config: Partial<Config['extract']> | undefined): Partial<ContentTuning> {
  if (!config) return {};
  const out: Partial<ContentTuning> = {};
  if (config.minParagraphChars !== undefined) out.minParagraphChars = config.minParagraphChars;
  if (config.maxBlockLinkDensity !== undefined) out.maxBlockLinkDensity = config.maxBlockLinkDensity;
  if (config.maxParagraphLinkDensity !== undefined) out.maxParagraphLinkDensity = config.maxParagraphLinkDensity;
  return out;
}

function validBase(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}
