import { isElement, type DomElement, type DomNode } from './dom.ts';

/**
 * Everything metadata reading needs, gathered in one walk over the document: css-select queries
 * per meta key would each traverse the whole tree and cost more than the extraction itself.
 */
export interface PageIndex {
  html: DomElement | null;
  body: DomElement | null;
  /** meta property/name/itemprop (lower-cased key) -> first non-empty content. */
  meta: Map<string, string>;
  /** link/a rel token -> first href. */
  rel: Map<string, string>;
  /** <a rel=author> / <link rel=author> elements. */
  relAuthor: DomElement[];
  title: DomElement | null;
  h1: DomElement[];
  jsonLd: string[];
  /** itemprop (lower-cased) -> elements, for author/datePublished/dateModified. */
  itemprop: Map<string, DomElement[]>;
  /** <time datetime> elements in document order, and those marked pubdate. */
  times: DomElement[];
}

const ITEMPROPS_KEPT = new Set(['author', 'datepublished', 'datemodified', 'name']);

function scriptText(el: DomElement): string {
  let s = '';
  for (const c of el.children) if (c.type === 'text') s += (c as unknown as { data: string }).data;
  return s;
}

export function indexPage(root: DomNode): PageIndex {
  const index: PageIndex = {
    html: null,
    body: null,
    meta: new Map(),
    rel: new Map(),
    relAuthor: [],
    title: null,
    h1: [],
    jsonLd: [],
    itemprop: new Map(),
    times: [],
  };
  const walk = (node: DomNode) => {
    if (!isElement(node)) {
      const children = (node as unknown as { children?: DomNode[] }).children;
      if (children) for (const c of children) walk(c);
      return;
    }
    const a = node.attribs;
    switch (node.name) {
      case 'html':
        index.html ??= node;
        break;
      case 'body':
        index.body ??= node;
        break;
      case 'title':
        index.title ??= node;
        break;
      case 'h1':
        index.h1.push(node);
        break;
      case 'meta': {
        const content = a.content?.trim();
        if (content) {
          for (const key of [a.property, a.name, a.itemprop, a['http-equiv']]) {
            if (key) {
              const k = key.trim().toLowerCase();
              if (!index.meta.has(k)) index.meta.set(k, content);
            }
          }
        }
        break;
      }
      case 'link':
      case 'a':
        if (a.rel && a.href !== undefined) {
          for (const token of a.rel.toLowerCase().split(/\s+/)) {
            if (token && !index.rel.has(token)) index.rel.set(token, a.href);
            if (token === 'author') index.relAuthor.push(node);
          }
        }
        break;
      case 'script':
        if (a.type && a.type.trim().toLowerCase() === 'application/ld+json') index.jsonLd.push(scriptText(node));
        return;
      case 'style':
        return;
      case 'time':
        if (a.datetime) index.times.push(node);
        break;
    }
    if (a.itemprop) {
      for (const prop of a.itemprop.toLowerCase().split(/\s+/)) {
        if (!ITEMPROPS_KEPT.has(prop)) continue;
        const list = index.itemprop.get(prop);
        if (list) list.push(node);
        else index.itemprop.set(prop, [node]);
      }
    }
    for (const c of node.children) walk(c);
  };
  walk(root);
  return index;
}
