import { BLOCK_TAGS, isElement, isText, type DomElement, type DomNode } from './dom.ts';

const CELL_TAGS = new Set(['td', 'th']);

/**
 * Block-aware text: every block element ends a paragraph, inline tags add nothing (so
 * `<a>Zeiger</a>!` stays `Zeiger!`), `<br>` is a line break and a double `<br>` a paragraph break.
 * `skip` prunes subtrees (boilerplate inside the chosen container).
 */
export function serializeBlocks(roots: DomNode[], skip: (el: DomElement) => boolean = () => false): string[] {
  const paragraphs: string[] = [];
  let parts: string[] = [];

  const flush = () => {
    if (parts.length === 0) return;
    const raw = parts.join('');
    parts = [];
    let blank = 0;
    const lines: string[] = [];
    for (const line of raw.split('\n')) {
      const clean = line.replace(/\s+/g, ' ').trim();
      if (clean) {
        if (blank >= 1 && lines.length > 0) {
          paragraphs.push(lines.join('\n'));
          lines.length = 0;
        }
        lines.push(clean);
        blank = 0;
      } else blank++;
    }
    if (lines.length > 0) paragraphs.push(lines.join('\n'));
  };

  const walk = (node: DomNode) => {
    if (isText(node)) {
      parts.push(node.data.replace(/[\r\n]+/g, ' '));
      return;
    }
    if (!isElement(node) || node.type !== 'tag') return;
    const name = node.name;
    if (name === 'br') {
      parts.push('\n');
      return;
    }
    if (skip(node)) return;
    const block = BLOCK_TAGS.has(name);
    if (block) flush();
    else if (CELL_TAGS.has(name)) parts.push(' ');
    for (const child of node.children) walk(child);
    if (block) flush();
    else if (CELL_TAGS.has(name)) parts.push(' ');
  };

  for (const root of roots) walk(root);
  flush();
  return paragraphs;
}
