import { BLOCK_TAGS, classAndId, foldedLength, isElement, isText, removeNode, type DomElement, type DomNode } from './dom.ts';
import {
  ARTICLE_BODY_HINT, FURNITURE_ROLES, hasBoilerplateHint, FURNITURE_TAGS, JUNK_TAGS, NEGATIVE_HINT, POSITIVE_HINT,
} from './hints.ts';

export interface ContentTuning {
  /** Shortest inline run (characters) that counts as a paragraph when scoring containers. */
  minParagraphChars: number;
  /** Link-text share above which a container block inside the article is treated as a link list. */
  maxBlockLinkDensity: number;
  /** Link-text share above which a single short paragraph is a "read also"-style link line. */
  maxParagraphLinkDensity: number;
}

export const DEFAULT_CONTENT_TUNING: ContentTuning = {
  minParagraphChars: 25,
  maxBlockLinkDensity: 0.5,
  maxParagraphLinkDensity: 0.8,
};

/** A boilerplate hint on an element holding more than this share of the page text is not trusted. */
const MAX_HINTED_SHARE = 0.5;
/** An inline run this long reads as a sentence or more. */
const PROSE_RUN_CHARS = 50;
/** Prose carries few links. */
const PROSE_MAX_LINK_SHARE = 0.3;
/** A hinted element with this much prose (characters) may be the article itself ... */
const MIN_PROTECTED_PROSE = 400;
/** ... if it also holds this share of the page's prose. */
const MIN_PROTECTED_PROSE_SHARE = 0.3;
const COMMENT_HINT = /(?:^|[^a-z])(?:comments?|kommentare?|commentaires?|comentarios?|komentarze?|disqus|respond|replies|commentlist)(?:$|[^a-z])/i;

function isCommentHint(el: DomElement): boolean {
  return COMMENT_HINT.test(el.attribs.id ?? '') || (el.attribs.class ?? '').split(/\s+/).some((t) => COMMENT_HINT.test(t) && !/^(?:has|no|is|with)[-_]/.test(t));
}

/** Paragraphs of a link line shorter than this are judged by link density alone. */
const SHORT_LINK_LINE_CHARS = 250;
/** Score change for a positive/negative class/id word: a hint, not proof. */
const HINT_WEIGHT = 0.25;
/** Explicit article-body markers (itemprop=articleBody, "article-body") are near-certain. */
const ARTICLE_BODY_BONUS = 0.5;
/** How many ancestor levels a paragraph's score reaches. */
const PROPAGATION_LEVELS = 5;

export interface Stats {
  /** Folded text length of the subtree. */
  text: number;
  /** Folded text length inside <a>. */
  link: number;
  /** Commas etc. in the subtree. */
  commas: number;
  /** Text directly inside this element, outside child blocks. */
  inline: number;
  inlineLink: number;
  inlineCommas: number;
  /** Prose: inline runs long enough to be sentences, with few links. */
  good: number;
}

/** Commas (Latin, Arabic, CJK) mark sentences with clauses: prose rather than labels. */
function countCommas(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 0x60c || c === 0x3001 || c === 0xff0c) n++;
  }
  return n;
}

export function computeStats(root: DomElement): Map<DomElement, Stats> {
  const stats = new Map<DomElement, Stats>();
  const visit = (el: DomElement, inLink: boolean): Stats => {
    const s: Stats = { text: 0, link: 0, commas: 0, inline: 0, inlineLink: 0, inlineCommas: 0, good: 0 };
    const linkHere = inLink || el.name === 'a';
    for (const child of el.children) {
      if (isText(child)) {
        const len = foldedLength(child.data);
        const commas = countCommas(child.data);
        s.text += len;
        s.inline += len;
        s.commas += commas;
        s.inlineCommas += commas;
        if (linkHere) (s.link += len), (s.inlineLink += len);
      } else if (isElement(child) && child.type === 'tag') {
        const cs = visit(child, linkHere);
        s.text += cs.text;
        s.link += cs.link;
        s.commas += cs.commas;
        s.good += cs.good;
        if (!BLOCK_TAGS.has(child.name) && child.name !== 'td' && child.name !== 'th') {
          s.inline += cs.inline;
          s.inlineLink += cs.inlineLink;
          s.inlineCommas += cs.inlineCommas;
        }
      }
    }
    const isBlock = BLOCK_TAGS.has(el.name) || el.name === 'td' || el.name === 'th';
    if (isBlock && s.inline >= PROSE_RUN_CHARS && s.inlineLink < s.inline * PROSE_MAX_LINK_SHARE) s.good += s.inline;
    stats.set(el, s);
    return s;
  };
  visit(root, false);
  return stats;
}

function isHidden(el: DomElement): boolean {
  const a = el.attribs;
  if (a.hidden !== undefined) return true;
  const style = a.style;
  return style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

function hasArticleBodyMarker(el: DomElement): boolean {
  const a = el.attribs;
  return a.itemprop === 'articleBody' || ARTICLE_BODY_HINT.test(classAndId(el));
}

/**
 * Removes what is never article text: scripts and forms controls, hidden elements, semantic page
 * furniture (nav/aside/footer, ARIA landmarks) and elements whose class/id names them as
 * comments, sharing, consent, related lists or ads — unless they hold most of the page text
 * (a wrapper named "has-sidebar" must not take the article with it).
 */
export function pruneBoilerplate(body: DomElement): void {
  const before = computeStats(body);
  const pageText = before.get(body)?.text ?? 0;
  const pageGood = before.get(body)?.good ?? 0;
  const protectedAncestors = new Set<DomElement>();
  const markProtected = (el: DomElement) => {
    for (let p: DomNode | null = el; p && isElement(p); p = p.parent) protectedAncestors.add(p as DomElement);
  };
  const findMarkers = (el: DomElement) => {
    for (const child of el.children) {
      if (isElement(child) && child.type === 'tag') {
        if (child.attribs.itemprop === 'articleBody') markProtected(child);
        findMarkers(child);
      }
    }
  };
  findMarkers(body);

  const visit = (el: DomElement) => {
    for (let i = el.children.length - 1; i >= 0; i--) {
      const child = el.children[i];
      if (child.type === 'comment' || child.type === 'directive' || child.type === 'cdata') {
        removeNode(child);
        continue;
      }
      if (!isElement(child)) continue;
      if (child.type !== 'tag' || JUNK_TAGS.has(child.name) || isHidden(child)) {
        removeNode(child);
        continue;
      }
      if (shouldDrop(child, before, pageText, pageGood, protectedAncestors) || (!protectedAncestors.has(child) && isTeaserList(child))) {
        removeNode(child);
        continue;
      }
      visit(child);
    }
  };
  visit(body);
}

/** A list of this many items or more can be a teaser rail. */
const MIN_TEASER_ITEMS = 3;
/** Share of items that must look like cards (a link plus a picture or a headline). */
const MIN_CARD_SHARE = 0.6;
const CARD_MARKS = new Set(['img', 'picture', 'h2', 'h3', 'h4', 'h5', 'h6']);

function cardMarks(el: DomElement, found: { link: boolean; mark: boolean }): void {
  for (const c of el.children) {
    if (!isElement(c) || c.type !== 'tag') continue;
    if (c.name === 'a' && c.attribs.href) found.link = true;
    if (CARD_MARKS.has(c.name)) found.mark = true;
    if (found.link && found.mark) return;
    cardMarks(c, found);
  }
}

/**
 * "More stories" rails: lists whose items each carry a link and a picture or headline. Article
 * lists hold sentences; even when their anchors are empty overlays, the cards give rails away.
 */
function isTeaserList(el: DomElement): boolean {
  if (el.name !== 'ul' && el.name !== 'ol') return false;
  let items = 0;
  let cards = 0;
  for (const c of el.children) {
    if (!isElement(c) || c.type !== 'tag' || c.name !== 'li') continue;
    items++;
    const found = { link: false, mark: false };
    cardMarks(c, found);
    if (found.link && found.mark) cards++;
  }
  return items >= MIN_TEASER_ITEMS && cards >= items * MIN_CARD_SHARE;
}

function shouldDrop(el: DomElement, stats: Map<DomElement, Stats>, pageText: number, pageGood: number, protectedEls: Set<DomElement>): boolean {
  if (protectedEls.has(el)) return false;
  const name = el.name;
  if (name === 'article' || name === 'main' || name === 'body') return false;
  const share = pageText > 0 ? (stats.get(el)?.text ?? 0) / pageText : 0;
  if (share > MAX_HINTED_SHARE) return false;
  if (FURNITURE_TAGS.has(name)) return true;
  // Subheadings carry anchor classes like "nav_section_2"; a heading alone is never furniture.
  if (HEADING_TAGS.has(name) || name === 'h1') return false;
  const role = el.attribs.role;
  if (role && FURNITURE_ROLES.has(role)) return true;
  if (!hasBoilerplateHint(el.attribs.class, el.attribs.id)) return false;
  // Comment threads are long prose too; everything else with a hint but holding much of the
  // page's prose is more likely a mislabelled wrapper than furniture.
  if (isCommentHint(el)) return true;
  const good = stats.get(el)?.good ?? 0;
  return !(good >= MIN_PROTECTED_PROSE && good >= pageGood * MIN_PROTECTED_PROSE_SHARE);
}

const TAG_WEIGHT: Record<string, number> = {
  article: 10, main: 5, div: 5, section: 3, pre: 3, td: 3, blockquote: 3,
  form: -3, ol: -3, ul: -3, dl: -3, dd: -3, dt: -3, li: -3, address: -3,
  h1: -5, h2: -5, h3: -5, h4: -5, h5: -5, h6: -5, th: -5,
};

/** Containers whose own loose text (br-separated pages) makes them a candidate themselves. */
const SELF_SCORING = new Set(['div', 'section', 'article', 'main', 'td', 'body', 'form', 'center', 'font']);
/** Elements that are parts of an article, never the article container. */
const NON_CANDIDATES = new Set([
  'p', 'span', 'a', 'li', 'ul', 'ol', 'dl', 'dd', 'dt', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'b', 'strong', 'em', 'i',
  'u', 'small', 'label', 'figcaption', 'figure', 'tr', 'tbody', 'thead', 'th', 'pre', 'code', 'sup', 'sub', 'time',
  'address', 'cite', 'q', 'abbr', 'mark', 'header', 'html',
]);
const NOT_PARAGRAPHS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'body', 'html']);

/**
 * Class/id hints scale a container's score rather than add to it, so a tiny box named
 * "article-content" cannot beat the real body on its name alone.
 */
function classFactor(el: DomElement): number {
  let f = 1;
  if (hasArticleBodyMarker(el)) f += ARTICLE_BODY_BONUS;
  const hint = classAndId(el);
  if (hint) {
    if (NEGATIVE_HINT.test(hint)) f -= HINT_WEIGHT;
    if (POSITIVE_HINT.test(hint)) f += HINT_WEIGHT;
  }
  return f;
}

export interface MainContent {
  /** Nodes to serialise, in document order. */
  nodes: DomElement[];
  /** The winning container. */
  top: DomElement | null;
  stats: Map<DomElement, Stats>;
}

/**
 * Picks the article container: paragraphs (runs of inline text) are scored by length and commas
 * and their score flows to their ancestors (readability's scheme); the best container, discounted
 * by its link density and weighted by class/id hints, wins, and its siblings that look like
 * article text (lead paragraphs, continued bodies) join it.
 */
export function findMainContent(body: DomElement, tuning: ContentTuning = DEFAULT_CONTENT_TUNING): MainContent {
  const stats = computeStats(body);
  const scores = new Map<DomElement, number>();
  const addScore = (el: DomElement, s: number) => {
    scores.set(el, (scores.get(el) ?? 0) + s);
  };

  const visit = (el: DomElement) => {
    const s = stats.get(el)!;
    if (s.inline >= tuning.minParagraphChars && !NOT_PARAGRAPHS.has(el.name)) {
      const linkShare = s.inline > 0 ? s.inlineLink / s.inline : 0;
      const score = (1 + s.inlineCommas + Math.min(Math.floor(s.inline / 100), 3)) * (1 - linkShare);
      if (score > 0) {
        if (SELF_SCORING.has(el.name)) addScore(el, score);
        let level = 0;
        for (let p = el.parent; p && isElement(p) && level < PROPAGATION_LEVELS; p = p.parent, level++) {
          const divider = level === 0 ? 1 : level === 1 ? 2 : level * 3;
          addScore(p as DomElement, score / divider);
        }
      }
    }
    for (const child of el.children) if (isElement(child) && child.type === 'tag') visit(child);
  };
  visit(body);

  let top: DomElement | null = null as DomElement | null;
  let topScore = -Infinity;
  const finalScores = new Map<DomElement, number>();
  for (const [el, raw] of scores) {
    const s = stats.get(el);
    if (!s || NON_CANDIDATES.has(el.name)) continue;
    const linkDensity = s.text > 0 ? s.link / s.text : 0;
    const final = (raw + (TAG_WEIGHT[el.name] ?? 0)) * classFactor(el) * (1 - linkDensity);
    finalScores.set(el, final);
    if (final > topScore) {
      topScore = final;
      top = el;
    }
  }
  if (!top) return { nodes: [], top: null, stats };
  top = widenToSplitBody(top, body, stats);
  topScore = Math.max(topScore, finalScores.get(top) ?? 0);

  const nodes = collectSiblings(top, topScore, finalScores, stats);
  const lead = findLeadBlock(nodes[0], body, stats);
  if (lead) nodes.unshift(lead);
  return { nodes, top, stats };
}

/** Class/id words of a lead paragraph (standfirst) that CMSs place in the article header. */
const LEAD_HINT = /(?:^|[^a-z])(?:lead|intro|introtext|intro-?text|standfirst|teaser-?text|summary|excerpt|subtitle|sub-?headline|deck|dek|abstract|vorspann|chapeau|entradilla|bajada|zajawka|lid)(?:$|[^a-z])/i;
/** Ancestor levels searched for a lead before the article body. */
const LEAD_SEARCH_LEVELS = 4;
/** A lead is prose: at least a sentence. */
const MIN_LEAD_PROSE = 50;

/**
 * The lead often sits in the article header, outside the body container chosen by the scores;
 * a block named as a lead just before the body, a few levels up, is the article's opening.
 */
function findLeadBlock(first: DomElement | undefined, body: DomElement, stats: Map<DomElement, Stats>): DomElement | null {
  if (!first) return null;
  let branch: DomElement = first;
  for (let level = 0; level < LEAD_SEARCH_LEVELS && branch !== body; level++) {
    const parent = branch.parent;
    if (!parent || !isElement(parent)) return null;
    const siblings = (parent as DomElement).children;
    for (let i = siblings.indexOf(branch) - 1; i >= 0; i--) {
      const sib = siblings[i];
      if (!isElement(sib) || sib.type !== 'tag') continue;
      const found = findLeadIn(sib, stats);
      if (found) return found;
    }
    branch = parent as DomElement;
  }
  return null;
}

function findLeadIn(el: DomElement, stats: Map<DomElement, Stats>): DomElement | null {
  const s = stats.get(el);
  if (!s || s.good < MIN_LEAD_PROSE) return null;
  const hint = classAndId(el);
  if (hint && LEAD_HINT.test(hint) && s.link < s.text * PROSE_MAX_LINK_SHARE) return el;
  for (let i = el.children.length - 1; i >= 0; i--) {
    const c = el.children[i];
    if (!isElement(c) || c.type !== 'tag') continue;
    const found = findLeadIn(c, stats);
    if (found) return found;
  }
  return null;
}

/** Prose an ancestor must add (characters) to be worth widening to. */
const MIN_ADDED_PROSE = 100;
/** A wrapper adding less text than this (a caption, a date) neither qualifies nor stops widening. */
const NEUTRAL_ADDED_CHARS = 30;
/** Share of the added text that must be prose: the rest of a split article, not a teaser rail. */
const MIN_ADDED_PROSE_SHARE = 0.5;
/** Link share the added text may carry. */
const MAX_ADDED_LINK_SHARE = 0.15;

/**
 * CMSs that build pages from "content elements" split one article over sibling boxes (text, image,
 * text); the best-scoring box is then only part of it. Widen to the ancestor while what it adds
 * is mostly prose with few links.
 */
function widenToSplitBody(top: DomElement, body: DomElement, stats: Map<DomElement, Stats>): DomElement {
  let current = top;
  while (current !== body && current.parent && isElement(current.parent)) {
    const parent = current.parent as DomElement;
    const ps = stats.get(parent);
    const cs = stats.get(current);
    if (!ps || !cs) break;
    const addedText = ps.text - cs.text;
    const addedGood = ps.good - cs.good;
    const addedLink = ps.link - cs.link;
    if (addedText < NEUTRAL_ADDED_CHARS) {
      // A wrapper adding a caption or a date at most: neutral, keep looking further up.
      current = parent;
      continue;
    }
    if (addedGood < MIN_ADDED_PROSE || addedGood < addedText * MIN_ADDED_PROSE_SHARE || addedLink > addedText * MAX_ADDED_LINK_SHARE) break;
    current = parent;
  }
  return current;
}

/** Share of the best score a sibling container needs to join the article (readability: 0.2). */
const SIBLING_SCORE_SHARE = 0.2;
/** Minimum absolute score for a sibling container. */
const SIBLING_MIN_SCORE = 10;
/** A sibling paragraph this long with few links is article text (lead, continuation). */
const SIBLING_PARAGRAPH_CHARS = 80;
/** Link share a sibling paragraph may carry. */
const SIBLING_MAX_LINK_DENSITY = 0.25;

function collectSiblings(top: DomElement, topScore: number, scores: Map<DomElement, number>, stats: Map<DomElement, Stats>): DomElement[] {
  const parent = top.parent;
  if (!parent || !isElement(parent) || top.name === 'body') return [top];
  const threshold = Math.max(SIBLING_MIN_SCORE, topScore * SIBLING_SCORE_SHARE);
  const out: DomElement[] = [];
  for (const sib of parent.children) {
    if (!isElement(sib) || sib.type !== 'tag') continue;
    if (sib === top) {
      out.push(sib);
      continue;
    }
    const s = stats.get(sib);
    if (!s || s.text === 0) continue;
    const score = scores.get(sib) ?? 0;
    const bonus = sib.attribs.class && sib.attribs.class === top.attribs.class ? topScore * SIBLING_SCORE_SHARE : 0;
    if (score + bonus >= threshold) {
      out.push(sib);
      continue;
    }
    const linkDensity = s.link / s.text;
    if (sib.name === 'p' || !BLOCK_TAGS.has(sib.name)) {
      if (s.text > SIBLING_PARAGRAPH_CHARS && linkDensity < SIBLING_MAX_LINK_DENSITY) out.push(sib);
      else if (s.text > 0 && s.text <= SIBLING_PARAGRAPH_CHARS && linkDensity === 0 && /[.!?…"»“”]\s*$/.test(lastText(sib))) out.push(sib);
    }
  }
  return out;
}

function lastText(el: DomElement): string {
  for (let i = el.children.length - 1; i >= 0; i--) {
    const c = el.children[i];
    if (isText(c) && c.data.trim()) return c.data;
    if (isElement(c)) {
      const t = lastText(c);
      if (t) return t;
    }
  }
  return '';
}

/** Headings that introduce a following link list ("Weitere Artikel", "Mehr zum Thema") go with it. */
const HEADING_TAGS = new Set(['h2', 'h3', 'h4', 'h5', 'h6']);
/** A text block this short right before a link list is that list's title. */
const LIST_TITLE_CHARS = 80;

function nextElementSibling(el: DomElement): DomElement | null {
  const parent = el.parent as DomElement | null;
  if (!parent) return null;
  const siblings = parent.children;
  for (let i = siblings.indexOf(el) + 1; i < siblings.length; i++) {
    const sib = siblings[i];
    if (isElement(sib) && sib.type === 'tag') return sib;
    if (isText(sib) && sib.data.trim()) return null;
  }
  return null;
}

const TEASER_TAGS = new Set(['div', 'li', 'section', 'article', 'aside']);
/** A teaser card is short: a linked headline and a sentence or two. */
const MAX_TEASER_CHARS = 300;
/** Its linked headline is a real headline, not a word ... */
const MIN_TEASER_LINK_CHARS = 25;
/** ... and a good part of the card. */
const MIN_TEASER_LINK_SHARE = 0.25;

function firstTextLink(el: DomElement): DomElement | null {
  for (const child of el.children) {
    if (isText(child)) {
      if (child.data.trim()) return null;
      continue;
    }
    if (!isElement(child) || child.type !== 'tag') continue;
    if (child.name === 'a') return child;
    if (child.name === 'img' || child.name === 'picture' || child.name === 'figure') continue;
    const inner = firstTextLink(child);
    if (inner) return inner;
    if (textOfLength(child) > 0) return null;
  }
  return null;
}

function textOfLength(el: DomElement): number {
  let n = 0;
  for (const c of el.children) {
    if (isText(c)) n += c.data.trim().length;
    else if (isElement(c) && c.type === 'tag') n += textOfLength(c);
    if (n > 0) return n;
  }
  return n;
}

/** "Related story" cards inside the article: they open with a linked headline and stay short. */
function isTeaser(el: DomElement, stats: Map<DomElement, Stats>): boolean {
  const s = stats.get(el);
  if (!s || s.text === 0 || s.text > MAX_TEASER_CHARS) return false;
  const link = firstTextLink(el);
  if (!link) return false;
  const ls = stats.get(link);
  return !!ls && ls.text >= MIN_TEASER_LINK_CHARS && ls.text >= s.text * MIN_TEASER_LINK_SHARE;
}

const LIST_HOLDERS = new Set(['ul', 'ol', 'div', 'section', 'aside', 'nav']);

/** A box whose children are all teaser cards. */
function isTeaserGroup(el: DomElement, stats: Map<DomElement, Stats>): boolean {
  let cards = 0;
  for (const child of el.children) {
    if (!isElement(child) || child.type !== 'tag') {
      if (isText(child) && child.data.trim()) return false;
      continue;
    }
    if (!TEASER_TAGS.has(child.name) || !isTeaser(child, stats)) return false;
    cards++;
  }
  return cards > 0;
}

/** Boilerplate inside the chosen container: link lists, "read also" lines, captions. */
export function makeInnerSkip(stats: Map<DomElement, Stats>, tuning: ContentTuning = DEFAULT_CONTENT_TUNING) {
  const isLinkList = (el: DomElement): boolean => {
    const s = stats.get(el);
    if (!s || s.text === 0) return false;
    const linkDensity = s.link / s.text;
    if (BLOCK_TAGS.has(el.name) && el.name !== 'p' && el.name !== 'blockquote') return linkDensity > tuning.maxBlockLinkDensity;
    if (el.name === 'p') return s.text < SHORT_LINK_LINE_CHARS && linkDensity > tuning.maxParagraphLinkDensity;
    return false;
  };
  return (el: DomElement): boolean => {
    if (el.name === 'figcaption') return true;
    if (el.name === 'a') return false;
    if (isLinkList(el)) return true;
    if (TEASER_TAGS.has(el.name) && isTeaser(el, stats)) return true;
    if (HEADING_TAGS.has(el.name) || el.name === 'p') {
      const s = stats.get(el);
      if (s && s.text <= LIST_TITLE_CHARS) {
        const next = nextElementSibling(el);
        if (next && LIST_HOLDERS.has(next.name) && (isLinkList(next) || isTeaserGroup(next, stats))) return true;
      }
    }
    return false;
  };
}
