import { isElement, type DomElement, type DomNode } from './dom.ts';
import type { ContentTuning, MainContent } from './main-content.ts';
import type { PageMetadata } from './metadata.ts';

/** A listing shows at least this many linked headlines ... */
const MIN_TEASER_HEADINGS = 3;
/** ... and no more than this many prose paragraphs per linked headline (an article has many). */
const MAX_PARAGRAPHS_PER_TEASER = 2;
/** A paragraph this long is prose rather than a label. */
const PROSE_PARAGRAPH_CHARS = 80;
/** Headline text that is mostly link text is a teaser headline. */
const TEASER_LINK_SHARE = 0.6;
/** Extracted text under this share of the JSON-LD articleBody missed most of the article. */
const MIN_SHARE_OF_JSONLD_BODY = 0.5;
/** JSON-LD bodies shorter than this are summaries, not a usable fallback. */
const MIN_JSONLD_BODY_CHARS = 200;

const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

export interface ArticleDecision {
  paragraphs: string[];
  /** False when the text came from JSON-LD instead of the DOM (no links can be read then). */
  fromDom: boolean;
}

function countTeaserHeadings(roots: DomElement[], stats: MainContent['stats']): number {
  let count = 0;
  const walk = (node: DomNode) => {
    if (!isElement(node) || node.type !== 'tag') return;
    if (HEADINGS.has(node.name)) {
      const s = stats.get(node);
      if (s && s.text > 0 && s.link / s.text >= TEASER_LINK_SHARE) count++;
      return;
    }
    for (const child of node.children) walk(child);
  };
  for (const root of roots) walk(root);
  return count;
}

function hasArticleSignal(meta: PageMetadata): boolean {
  return meta.jsonLdArticle !== null || meta.ogType === 'article';
}

/**
 * Decides whether the extracted container is an article: a listing (many linked headlines, little
 * prose under each) gives empty text; a DOM extraction that missed most of a JSON-LD articleBody
 * is replaced by that body.
 */
export function decideArticle(paragraphs: string[], main: MainContent, meta: PageMetadata, _tuning: ContentTuning): ArticleDecision {
  const domChars = paragraphs.reduce((n, p) => n + p.length, 0);
  const ldBody = meta.jsonLdBody?.trim() ?? '';
  if (ldBody.length >= MIN_JSONLD_BODY_CHARS && domChars < ldBody.length * MIN_SHARE_OF_JSONLD_BODY) {
    const ldParagraphs = ldBody.split(/\s*\n\s*\n\s*|\s*\n\s*/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
    return { paragraphs: ldParagraphs, fromDom: false };
  }
  if (main.nodes.length === 0 || domChars === 0) return { paragraphs: [], fromDom: true };
  if (!hasArticleSignal(meta)) {
    const teasers = countTeaserHeadings(main.nodes, main.stats);
    const prose = paragraphs.filter((p) => p.length >= PROSE_PARAGRAPH_CHARS).length;
    if (teasers >= MIN_TEASER_HEADINGS && prose <= teasers * MAX_PARAGRAPHS_PER_TEASER) return { paragraphs: [], fromDom: true };
  }
  return { paragraphs, fromDom: true };
}
