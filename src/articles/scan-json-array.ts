import { describeTooLarge, parseRecordBytes, type FileRecord } from './file-record.ts';

// Parser states: what the next significant byte may be.
const VALUE = 0; // a value (after ',' in an array, after ':')
const VALUE_OR_CLOSE = 1; // a value or ']' (just after '[')
const KEY = 2; // a property name (after ',' in an object)
const KEY_OR_CLOSE = 3; // a property name or '}' (just after '{')
const COLON = 4; // ':' after a property name
const AFTER = 5; // ',' or the closer of the open container, after a value
const STRING = 6; // inside a string
const TOKEN = 7; // inside a number or true/false/null
const CLOSED = 8; // after the array's closing ']': only whitespace may follow
const STOPPED = 9; // damage was reported; nothing more is read

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON_BYTE = 0x3a;
const NEWLINE = 0x0a;

function isSpace(b: number): boolean {
  return b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;
}

/** Letters, digits, '.', '+', '-': the bytes of numbers and literals (JSON.parse checks their spelling). */
function isTokenByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x2e || b === 0x2b || b === 0x2d;
}

function findOrEnd(chunk: Uint8Array, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at === -1 ? chunk.length : at;
}

function showByte(b: number): string {
  return b >= 0x21 && b <= 0x7e ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

/**
 * Splits the elements of a JSON array (the opening '[' already consumed) from a byte stream,
 * checking the array's structure as it goes: brackets, quotes, commas and colons, not the
 * spelling of numbers or escapes (JSON.parse of each element does that, and a bad one affects
 * only its element). At the first structural error it yields one `array_damaged` problem with
 * the line and column and stops: past a stray '}' or an unescaped '"', where the next element
 * begins is a guess, and guessing could cut one article in two or merge two.
 * Elements longer than maxRecordBytes are rejected and skipped without being held.
 */
export function createJsonArrayScanner(maxRecordBytes: number, firstLine: number, firstColumn = 1) {
  let line = firstLine;
  // Column of the byte being read, in characters (UTF-8 continuation bytes do not count).
  let column = firstColumn;
  let state = VALUE_OR_CLOSE;
  const stack: number[] = [OPEN_ARRAY];
  let stringIsKey = false;
  let escaped = false;
  let recordsRead = 0;
  // The top-level element being read.
  let inElement = false;
  let elementLine = 0;
  let from = 0;
  let parts: Uint8Array[] = [];
  let size = 0;
  let oversized = false;

  function damage(what: string): FileRecord {
    state = STOPPED;
    const ref = inElement && !oversized ? elementLine : line;
    const message = `the JSON array is damaged at line ${line}, column ${column}: ${what}; reading stopped there (${recordsRead} record(s) read before it)`;
    return { ref, problem: { reason: 'array_damaged', message }, stop: { line, column, recordsRead } };
  }

  function startElement(at: number): void {
    if (stack.length !== 1) return;
    inElement = true;
    elementLine = line;
    from = at;
    parts = [];
    size = 0;
    oversized = false;
  }

  /** Keeps the element's bytes [from, upTo) of this chunk; false when that makes it too large. */
  function keep(chunk: Uint8Array, upTo: number): boolean {
    if (oversized) return false;
    const piece = chunk.subarray(from, upTo);
    if (size + piece.length > maxRecordBytes) {
      oversized = true;
      parts = [];
      size = 0;
      return false;
    }
    parts.push(piece);
    size += piece.length;
    return true;
  }

  function tooLarge(): FileRecord {
    return { ref: elementLine, problem: { reason: 'record_too_large', message: describeTooLarge('the array element', maxRecordBytes, 'the next element') } };
  }

  /** A value ended just before `end`; at the top level that completes an element. */
  function* valueDone(chunk: Uint8Array, end: number): Generator<FileRecord> {
    state = AFTER;
    if (stack.length !== 1 || !inElement) return;
    const wasOversized = oversized;
    const kept = keep(chunk, end);
    inElement = false;
    recordsRead++;
    if (kept) yield parseRecordBytes(elementLine, parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
    else if (!wasOversized) yield tooLarge();
    parts = [];
  }

  function* close(chunk: Uint8Array, at: number): Generator<FileRecord> {
    stack.pop();
    if (stack.length === 0) state = CLOSED;
    else yield* valueDone(chunk, at + 1);
  }

  function closerName(): string {
    return stack[stack.length - 1] === OPEN_ARRAY ? "']'" : "'}'";
  }

  /** Counts lines and columns over bytes that need no other look (the inside of a string). */
  function countSpan(chunk: Uint8Array, from: number, to: number): void {
    for (let j = from; j < to; j++) {
      const c = chunk[j];
      if ((c & 0xc0) !== 0x80) column++;
      if (c === NEWLINE) {
        line++;
        column = 0;
      }
    }
  }

  function* scan(chunk: Uint8Array): Generator<FileRecord> {
    // Next quote and backslash at or after the scan position (chunk.length when none): inside a
    // string the scan jumps between them, and each is searched for once per chunk position.
    let nextQuote = -1;
    let nextBackslash = -1;
    for (let i = 0; i < chunk.length; i++) {
      if (state === STRING && !escaped) {
        if (nextQuote < i) nextQuote = findOrEnd(chunk, QUOTE, i);
        if (nextBackslash < i) nextBackslash = findOrEnd(chunk, BACKSLASH, i);
        const stop = nextQuote < nextBackslash ? nextQuote : nextBackslash;
        if (stop > i) {
          countSpan(chunk, i, stop);
          i = stop;
          if (i === chunk.length) break;
        }
      }
      const b = chunk[i];
      if ((b & 0xc0) !== 0x80) column++;
      if (state === STRING) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          if (stringIsKey) state = COLON;
          else yield* valueDone(chunk, i + 1);
        }
      } else if (state === TOKEN && isTokenByte(b)) {
        // still inside the number or literal
      } else {
        if (state === TOKEN) yield* valueDone(chunk, i);
        if (!isSpace(b)) {
          const problem = yield* step(chunk, i, b);
          if (problem) {
            yield problem;
            return;
          }
        }
      }
      if (b === NEWLINE) {
        line++;
        column = 0;
      }
    }
  }

  /** One significant byte outside strings and tokens; returns the damage it makes, if any. */
  function* step(chunk: Uint8Array, i: number, b: number): Generator<FileRecord, FileRecord | undefined> {
    switch (state) {
      case VALUE:
      case VALUE_OR_CLOSE:
        if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
          startElement(i);
          stack.push(b);
          state = b === OPEN_OBJECT ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
        } else if (b === QUOTE) {
          startElement(i);
          state = STRING;
          stringIsKey = false;
        } else if (isTokenByte(b)) {
          startElement(i);
          state = TOKEN;
        } else if (b === CLOSE_ARRAY && state === VALUE_OR_CLOSE) {
          yield* close(chunk, i);
        } else if (stack.length === 1 && b === COMMA) {
          return damage('an empty array element (two commas in a row, or a comma right after "[")');
        } else if (stack.length === 1 && b === CLOSE_ARRAY) {
          return damage('a comma before the closing "]"');
        } else {
          return damage(`expected a value, found ${showByte(b)}`);
        }
        return undefined;
      case KEY:
      case KEY_OR_CLOSE:
        if (b === QUOTE) {
          state = STRING;
          stringIsKey = true;
        } else if (b === CLOSE_OBJECT && state === KEY_OR_CLOSE) {
          yield* close(chunk, i);
        } else {
          return damage(`expected a property name in double quotes, found ${showByte(b)}`);
        }
        return undefined;
      case COLON:
        if (b !== COLON_BYTE) return damage(`expected ':' after a property name, found ${showByte(b)}`);
        state = VALUE;
        return undefined;
      case AFTER: {
        const top = stack[stack.length - 1];
        if (b === COMMA) state = top === OPEN_ARRAY ? VALUE : KEY;
        else if ((b === CLOSE_ARRAY && top === OPEN_ARRAY) || (b === CLOSE_OBJECT && top === OPEN_OBJECT)) yield* close(chunk, i);
        else if (stack.length === 1) return damage(`expected ',' or ']' after an array element, found ${showByte(b)}`);
        else return damage(`expected ',' or ${closerName()} after a value, found ${showByte(b)}`);
        return undefined;
      }
      case CLOSED:
        return damage(`unexpected ${showByte(b)} after the end of the array (the file must hold one array)`);
      default:
        return undefined;
    }
  }

  return {
    get line() {
      return line;
    },
    get stopped() {
      return state === STOPPED;
    },
    *push(chunk: Uint8Array): Generator<FileRecord> {
      if (state === STOPPED) return;
      from = 0;
      yield* scan(chunk);
      // Keep the unfinished element's tail of this chunk (or notice it is too large).
      if (inElement && state !== STOPPED) {
        const wasOversized = oversized;
        if (!keep(chunk, chunk.length) && !wasOversized) yield tooLarge();
      }
    },
    *end(): Generator<FileRecord> {
      if (state === STOPPED || state === CLOSED) return;
      if (state === TOKEN && stack.length === 1) yield* valueDone(new Uint8Array(0), 0);
      yield damage('the file ends before the array is closed with "]"');
    },
  };
}
