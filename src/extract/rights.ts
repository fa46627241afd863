import { isElement, isText, textOf, BLOCK_TAGS, type DomElement, type DomNode } from './dom.ts';
import { resolveRef, stringOf, type JsonObject } from './jsonld.ts';

export interface RightsStatement {
  /** Copyright notices found in the page (e.g. "© 2016, Newstime News. All rights reserved."). */
  notices: string[];
  /** schema.org / meta / rel=license licence URL or text. */
  license: string | null;
  /** schema.org copyrightHolder, or the owner named in a meta copyright or a © notice. */
  holder: string | null;
}

/** A text node is worth a closer look when it holds one of these markers. */
const RIGHTS_MARKER =
  /©|\(c\)\s*\d{4}|copyright|all rights reserved|alle rechte vorbehalten|todos los derechos reservados|tous droits réservés|wszelkie prawa zastrzeżone|tutti i diritti riservati|todos os direitos reservados/i;
/** Notices are one or two sentences; longer text around a © is prose that mentions copyright. */
const MAX_NOTICE_CHARS = 400;
/** Legal pages talk about copyright at length; only the first few notices matter. */
const MAX_NOTICES = 5;
/** "© 2016, Newstime News." / "Copyright 2016 Newstime News" -> "Newstime News". */
const HOLDER_AFTER_MARK = /(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*[,.]?\s*)?(?:by\s+)?([^.|–—\n]{2,80}?)(?=\s*(?:[.|–—]|all rights|alle rechte|todos los|tous droits|wszelkie|$))/i;

function blockAncestor(node: DomNode): DomElement | null {
  for (let p = node.parent; p && isElement(p); p = p.parent) {
    if (BLOCK_TAGS.has((p as DomElement).name) || (p as DomElement).name === 'td') return p as DomElement;
  }
  return null;
}

/** Copyright notices in the whole page (footers included: that is where publishers put them). */
export function findNotices(root: DomElement): string[] {
  const notices: string[] = [];
  const seenBlocks = new Set<DomElement>();
  const walk = (node: DomNode) => {
    if (notices.length >= MAX_NOTICES) return;
    if (isText(node)) {
      if (!RIGHTS_MARKER.test(node.data)) return;
      const block = blockAncestor(node);
      if (!block || seenBlocks.has(block)) return;
      seenBlocks.add(block);
      let text = textOf(block);
      if (text.length > MAX_NOTICE_CHARS) {
        const at = text.search(RIGHTS_MARKER);
        const sentenceStart = Math.max(text.lastIndexOf('. ', at) + 2, 0);
        text = text.slice(sentenceStart, sentenceStart + MAX_NOTICE_CHARS).trim();
      }
      if (text && !notices.includes(text)) notices.push(text);
      return;
    }
    if (isElement(node) && node.type === 'tag') for (const child of node.children) walk(child);
  };
  walk(root);
  return notices;
}

export function holderFromNotice(notice: string): string | null {
  const m = HOLDER_AFTER_MARK.exec(notice);
  if (!m) return null;
  const holder = m[1].replace(/^[\s,:]+|[\s,:]+$/g, '');
  if (!holder || /^\d+$/.test(holder) || /^(?:all rights|alle rechte)/i.test(holder)) return null;
  return holder;
}

export interface RightsSources {
  pageNotices: string[];
  metaCopyright: string | null;
  metaLicense: string | null;
  relLicense: string | null;
  jsonLdArticle: JsonObject | null;
  jsonLdNodes: JsonObject[];
}

export function buildRights(src: RightsSources): RightsStatement {
  const notices = [...src.pageNotices];
  const ld = src.jsonLdArticle;
  const fromLd = (key: string) => (ld ? stringOf(resolveRef(ld[key], src.jsonLdNodes)) : null);
  const ldNotice = fromLd('copyrightNotice');
  for (const extra of [ldNotice, src.metaCopyright]) {
    if (extra && !notices.some((n) => n.includes(extra))) notices.push(extra);
  }
  const license = src.relLicense ?? fromLd('license') ?? src.metaLicense ?? null;
  let holder = fromLd('copyrightHolder');
  if (holder === null && src.metaCopyright) holder = holderFromNotice(src.metaCopyright) ?? (/^[^©\d]{2,80}$/.test(src.metaCopyright) ? src.metaCopyright : null);
  if (holder === null) {
    for (const n of notices) {
      holder = holderFromNotice(n);
      if (holder) break;
    }
  }
  return { notices, license, holder };
}
