/**
 * Minimal structural view of the htmlparser2/domhandler nodes cheerio builds, so the hot loops can
 * walk the tree directly (cheerio wrappers per node would cost most of the time budget).
 */
export interface DomNode {
  type: string;
  parent: DomNode | null;
}

export interface DomText extends DomNode {
  data: string;
}

export interface DomElement extends DomNode {
  name: string;
  attribs: Record<string, string>;
  children: DomNode[];
}

export function isElement(node: DomNode): node is DomElement {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

export function isText(node: DomNode): node is DomText {
  return node.type === 'text';
}

/** Tags that start a new line of text when rendered; everything else is inline. */
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'dir',
  'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'header', 'hgroup', 'hr', 'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section',
  'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'article', 'noscript',
]);

export function classAndId(el: DomElement): string {
  const cls = el.attribs.class;
  const id = el.attribs.id;
  if (cls && id) return `${cls} ${id}`;
  return cls ?? id ?? '';
}

/** Length of the text once whitespace runs are folded to one character; cheap, no allocation. */
export function foldedLength(text: string): number {
  let length = 0;
  let inSpace = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || (c >= 9 && c <= 13) || c === 160;
    if (space) {
      if (!inSpace) length++;
      inSpace = true;
    } else {
      length++;
      inSpace = false;
    }
  }
  return length;
}

export function removeNode(node: DomNode): void {
  const parent = node.parent as DomElement | null;
  if (!parent) return;
  const index = parent.children.indexOf(node);
  if (index >= 0) parent.children.splice(index, 1);
  node.parent = null;
}

/** Text of a subtree, whitespace folded, inline tags adding nothing. */
export function textOf(node: DomNode): string {
  const parts: string[] = [];
  const walk = (n: DomNode) => {
    if (isText(n)) parts.push(n.data);
    else if (isElement(n) && n.type === 'tag') {
      if (n.name === 'br') parts.push(' ');
      for (const child of n.children) walk(child);
    }
  };
  walk(node);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
