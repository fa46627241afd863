/**
 * Text from files, pages and the database, made safe to print to a terminal in human output.
 * Stored titles, URLs and rejected import lines are data from strangers: a raw ESC can recolour
 * or clear the screen, set the window title or hide lines; a bidi override (U+202E) reorders what
 * follows so a line reads differently from what it holds. Such characters are shown as visible
 * escapes (`\x1b`, `\u202e`) instead. JSON output goes through jsonLine/escapeJsonText below:
 * JSON.stringify escapes C0 controls itself, and the rest is written as \uXXXX, which a JSON
 * reader reads back as the same string.
 */

/**
 * What is escaped everywhere: C0 controls (tab, LF, CR are handled by the caller's mode), DEL,
 * C1 controls (U+009B is a one-byte CSI on some terminals), U+2028/U+2029 (line breaks to some
 * renderers), bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, the
 * "Trojan Source" set), deprecated format controls (U+206A–U+206F), a BOM inside text (invisible),
 * interlinear annotation controls (U+FFF9–U+FFFB), and lone surrogates (invalid UTF-16).
 * Left alone on purpose: LRM/RLM/ALM (U+200E, U+200F, U+061C) and ZWJ/ZWNJ (U+200C, U+200D), which
 * real Arabic, Hebrew, Persian and Indic text needs and which cannot reorder text beyond what a
 * visible letter of the same script does.
 */
const UNSAFE_ALWAYS = '\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb';
const UNSAFE_INLINE = new RegExp(`[\\t\\n\\r${UNSAFE_ALWAYS}]|\\p{Cs}`, 'gu');
const UNSAFE_MULTILINE = new RegExp(`[\\r${UNSAFE_ALWAYS}]|\\p{Cs}`, 'gu');

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface TerminalTextOptions {
  /** Keep line breaks and tabs (an article body); otherwise they are escaped too (one-line fields). */
  multiline?: boolean;
  /** Cut after this many characters (counted before escaping) and mark the cut with "…". */
  maxChars?: number;
}

/** The text with every character that could act on a terminal shown as a visible escape. */
export function escapeTerminalText(text: string, options: TerminalTextOptions = {}): string {
  let value = String(text);
  let cut = false;
  if (options.maxChars !== undefined && value.length > options.maxChars) {
    // Never cut a surrogate pair in half (it would show as an escape of half a character).
    const end = /[\ud800-\udbff]/.test(value[options.maxChars - 1] ?? '') ? options.maxChars - 1 : options.maxChars;
    value = value.slice(0, end);
    cut = true;
  }
  if (options.multiline) {
    // A Windows line end is a line end, not a carriage return that could overwrite the line.
    value = value.replace(/\r\n/g, '\n').replace(UNSAFE_MULTILINE, escapeChar);
  } else {
    value = value.replace(UNSAFE_INLINE, escapeChar);
  }
  return cut ? `${value}…` : value;
}

/** One-line field (title, URL, id, message): escapes line breaks and tabs too. */
export function showInline(text: string | number | null | undefined, maxChars?: number): string {
  return escapeTerminalText(String(text ?? ''), maxChars === undefined ? {} : { maxChars });
}

// Characters JSON.stringify leaves raw that a terminal acts on (C1 controls, line separators, bidi
// controls, BOM): written as \uXXXX in JSON output, which reads back as the same string.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

/** JSON text (already serialised) with what could act on a terminal written as \uXXXX escapes. */
export function escapeJsonText(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** One --json output line: the value as JSON, safe to print to a terminal. */
export function jsonLine(value: unknown): string {
  return escapeJsonText(JSON.stringify(value));
}

/** One line of output on a stream (stdout for results, stderr for messages). */
export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}
