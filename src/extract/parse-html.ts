import { DomHandler, type Document } from 'domhandler';
import { Parser } from 'htmlparser2';
import { flattenDeepNesting } from './flatten-nesting.ts';

/**
 * Parses HTML into the domhandler tree the extractor walks, with nesting bounded the way browsers
 * bound it. htmlparser2 keeps its open-element stack with `unshift`, so every start tag costs the
 * current depth: 2 MB of unclosed <div>s took 44 s, and the extractor's walks recurse once per
 * level, so 4,000 nested <div>s around an article overflowed the stack. Chromium places nothing
 * deeper than 512 levels; we do the same, and pages that would go deeper are rewritten first
 * (see flatten-nesting.ts) so their text is kept.
 */

/** Deepest element kept in the tree: Chromium's parser limit (kMaximumHTMLParserDOMTreeDepth). */
export const MAX_DOM_DEPTH = 512;

/** The options cheerio's htmlparser2 loader uses: HTML mode, entities decoded. */
const PARSER_OPTIONS = { xmlMode: false, decodeEntities: true } as const;

class DepthExceeded extends Error {}

/** A DomHandler that stops the parse as soon as an element would sit deeper than the limit. */
class DepthLimitedHandler extends DomHandler {
  override onopentag(name: string, attribs: Record<string, string>): void {
    // tagStack holds the document and every open element: its length is the new element's depth.
    if (this.tagStack.length > MAX_DOM_DEPTH) throw new DepthExceeded();
    super.onopentag(name, attribs);
  }
}

function parseWithLimit(html: string): Document | undefined {
  const handler = new DepthLimitedHandler(undefined, PARSER_OPTIONS);
  try {
    new Parser(handler, PARSER_OPTIONS).end(html);
  } catch (error) {
    if (error instanceof DepthExceeded) return undefined;
    throw error;
  }
  return handler.root;
}

/** The document tree of `html`, never deeper than MAX_DOM_DEPTH elements. */
export function parseHtmlDocument(html: string): Document {
  const direct = parseWithLimit(html);
  if (direct) return direct;
  const flattened = parseWithLimit(flattenDeepNesting(html, MAX_DOM_DEPTH));
  // The rewrite mirrors the parser's own stack rules, so this holds; if it ever did not, a named
  // failure beats a tree the walkers cannot handle.
  if (!flattened) throw new Error(`HTML nesting could not be bounded to ${MAX_DOM_DEPTH} levels`);
  return flattened;
}
