import { isElement, textOf, type DomElement, type DomNode } from './dom.ts';
import { absoluteUrl } from './metadata.ts';

export interface ExtractedLink {
  href: string;
  text: string;
}

/** http(s) links inside the article text, absolute when the page URL is known, de-duplicated. */
export function collectLinks(roots: DomElement[], skip: (el: DomElement) => boolean, baseUrl: string | undefined): ExtractedLink[] {
  const links: ExtractedLink[] = [];
  const seen = new Set<string>();
  const walk = (node: DomNode) => {
    if (!isElement(node) || node.type !== 'tag') return;
    if (node.name === 'a') {
      const href = absoluteUrl(node.attribs.href, baseUrl);
      if (href) {
        const text = textOf(node);
        const key = `${href}\u0000${text}`;
        if (!seen.has(key)) {
          seen.add(key);
          links.push({ href, text });
        }
      }
      return;
    }
    if (skip(node)) return;
    for (const child of node.children) walk(child);
  };
  for (const root of roots) walk(root);
  return links;
}
