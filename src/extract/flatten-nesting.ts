import { Tokenizer } from 'htmlparser2';

/**
 * Rewrites HTML whose elements nest deeper than a limit so that, parsed by htmlparser2, no element
 * sits deeper than the limit and no text is lost. Two rules, applied only to pages that exceeded
 * the limit:
 * - past half the limit, wrappers, lists, tables and inline formatting (<div>, <li>, <td>, <b>, …)
 *   are left out with their end tags, so an article wrapped in thousands of <div>s keeps its
 *   headings and paragraphs;
 * - at the limit, a new element closes the deepest open one and takes its place, as Chromium does
 *   (it caps its tree at 512 levels and inserts deeper elements as siblings): paragraphs stay
 *   paragraphs with their text.
 *
 * To know the depth exactly it replays htmlparser2's own stack rules (implied closes, void
 * elements, self-closing tags in SVG/MathML, end tags that close everything above their match) on
 * the tags it emits, with O(1) work per tag.
 */

/** Tags whose start implies the end of an open element of these names (htmlparser2's table). */
const P = ['p'];
const FORM = ['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea'];
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>(
  (
    [
      ['tr', ['tr', 'th', 'td']], ['th', ['th']], ['td', ['thead', 'th', 'td']], ['body', ['head', 'link', 'script']],
      ['li', ['li']], ['select', FORM], ['input', FORM], ['output', FORM], ['button', FORM], ['datalist', FORM],
      ['textarea', FORM], ['option', ['option']], ['optgroup', ['optgroup', 'option']], ['dd', ['dd', 'dt']],
      ['dt', ['dd', 'dt']], ['rt', ['rt', 'rp']], ['rp', ['rt', 'rp']], ['tbody', ['thead', 'tbody']], ['tfoot', ['thead', 'tbody']],
      ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl',
        'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section',
        'table', 'ul'].map((name) => [name, P] as [string, string[]]),
    ] as [string, string[]][]
  ).map(([name, closes]) => [name, new Set(closes)]),
);

const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const FOREIGN = new Set(['math', 'svg']);
const INTEGRATION = new Set(['mi', 'mo', 'mn', 'ms', 'mtext', 'annotation-xml', 'foreignobject', 'desc', 'title']);
/** Elements whose content the tokenizer reads as raw text: dropped whole when too deep. */
const RAW_TEXT = new Set(['script', 'style', 'title', 'textarea', 'xmp']);
/**
 * Past half the limit only these keep their tags: the blocks that carry an article's text and the
 * landmarks that tell it from page furniture. Wrappers, lists, tables and inline formatting go;
 * their text stays.
 */
const KEPT_WHEN_DEEP = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'article', 'main', 'header', 'footer', 'nav', 'aside', 'form', 'pre', 'figure', 'figcaption', 'html', 'head', 'body', ...RAW_TEXT]);

/** Replace html[from, to) with `insert`. */
interface Edit {
  from: number;
  to: number;
  insert: string;
}

export function flattenDeepNesting(html: string, maxDepth: number): string {
  const wrapperDepth = Math.floor(maxDepth / 2);
  const stack: string[] = [];
  const openCount = new Map<string, number>();
  const foreign: boolean[] = [];
  /** End tags still to come for start tags that were left out or closed early: cut when they come. */
  const pendingEnds = new Map<string, number>();
  const edits: Edit[] = [];
  let tagStart = 0;
  let tagName = '';
  let dropRawUntilClose: string | null = null;
  let rawDropStart = 0;

  const bump = (map: Map<string, number>, name: string, by: number) => map.set(name, (map.get(name) ?? 0) + by);
  const push = (name: string) => {
    stack.push(name);
    bump(openCount, name, 1);
  };
  const pop = () => bump(openCount, stack.pop()!, -1);
  const cut = (from: number, to: number, insert = '') => edits.push({ from, to, insert });
  const nameAt = (start: number, end: number) => html.slice(start, end).toLowerCase();

  /** A start tag, as the parser would take it: kept, cut out, or kept in place of the deepest element. */
  const openTag = (selfClosing: boolean, end: number): void => {
    const name = tagName;
    const closes = IMPLIES_CLOSE.get(name);
    if (closes) while (stack.length > 0 && closes.has(stack[stack.length - 1])) pop();
    const pushes = !VOID.has(name) && !(selfClosing && foreign[foreign.length - 1]);
    const depth = stack.length + 1;
    if (pushes && depth > maxDepth && RAW_TEXT.has(name) && !selfClosing) {
      // Script, style and the like carry no article text; their raw content must not become markup.
      dropRawUntilClose = name;
      rawDropStart = tagStart;
      return;
    }
    if (pushes && depth > wrapperDepth && !KEPT_WHEN_DEEP.has(name)) {
      cut(tagStart, end + 1);
      bump(pendingEnds, name, 1);
      return;
    }
    if (pushes && depth > maxDepth) {
      const deepest = stack[stack.length - 1];
      cut(tagStart, tagStart, `</${deepest}>`);
      applyEnd(deepest);
      bump(pendingEnds, deepest, 1);
    }
    if (FOREIGN.has(name)) foreign.push(true);
    else if (INTEGRATION.has(name)) foreign.push(false);
    if (pushes) push(name);
  };

  /** An end tag the parser sees: pops up to the nearest open element of that name. */
  const applyEnd = (name: string): void => {
    if (FOREIGN.has(name) || INTEGRATION.has(name)) foreign.pop();
    if (VOID.has(name) || (openCount.get(name) ?? 0) === 0) return; // a stray </p> adds an empty <p>: same depth
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      pop();
      if (top === name) break;
    }
  };

  const closeTag = (name: string, nameStart: number, nameEnd: number): void => {
    const gt = html.indexOf('>', nameEnd);
    const end = gt === -1 ? html.length : gt + 1;
    if (dropRawUntilClose !== null) {
      if (name === dropRawUntilClose) {
        cut(rawDropStart, end);
        dropRawUntilClose = null;
      }
      return;
    }
    if ((pendingEnds.get(name) ?? 0) > 0) {
      bump(pendingEnds, name, -1);
      cut(html.lastIndexOf('<', nameStart), end);
      return;
    }
    applyEnd(name);
  };

  const tokenizer = new Tokenizer(
    { xmlMode: false, decodeEntities: true },
    {
      onopentagname(start, endIndex) {
        tagStart = html.lastIndexOf('<', start);
        tagName = nameAt(start, endIndex);
      },
      onopentagend(endIndex) {
        if (dropRawUntilClose === null) openTag(false, endIndex);
      },
      onselfclosingtag(endIndex) {
        if (dropRawUntilClose === null) openTag(true, endIndex);
      },
      onclosetag(start, endIndex) {
        closeTag(nameAt(start, endIndex), start, endIndex);
      },
      onattribdata() {},
      onattribentity() {},
      onattribend() {},
      onattribname() {},
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onend() {},
      onprocessinginstruction() {},
      ontext() {},
      ontextentity() {},
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  if (dropRawUntilClose !== null) cut(rawDropStart, html.length);
  return applyEdits(html, edits);
}

function applyEdits(html: string, edits: Edit[]): string {
  if (edits.length === 0) return html;
  // Edits come in document order; a stable sort keeps an insertion before the cut at its place.
  edits.sort((a, b) => a.from - b.from);
  const parts: string[] = [];
  let at = 0;
  for (const { from, to, insert } of edits) {
    if (from < at) continue; // inside a region already cut (raw text dropped whole)
    parts.push(html.slice(at, from), insert);
    at = to;
  }
  parts.push(html.slice(at));
  return parts.join('');
}
