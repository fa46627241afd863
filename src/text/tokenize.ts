import { fnv1a64, mix64, mixOut } from './hash64.ts';
import { normalizeWord } from './normalize.ts';
import * as wc from './word-classes.ts';

// Local copies: imported bindings can compile to getters, too slow for a per-character loop.
const { A_LETTER, EXTEND_NUM_LET, MID_LETTER, MID_NUM, MID_NUM_LET, NUMERIC, UNSUPPORTED } = wc;
const classifyChar = wc.classifyChar;
const MIX = mixOut;

/**
 * Words of a text as parallel typed arrays. `start`/`end` are UTF-16 offsets into the ORIGINAL
 * text; `hashLo`/`hashHi` are the 64-bit hash of the normalised word.
 */
export interface Tokens {
  count: number;
  hashLo: Uint32Array;
  hashHi: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
}

// Intl.Segmenter gets slower than linear on long strings (Node 20): 50 kB takes 0.5 s. Chunks of
// at most this many characters keep it linear; cutting at whitespace keeps word boundaries intact.
const MAX_SEGMENT_CHUNK = 2000;
// When no whitespace or sentence mark is found (e.g. CJK), the chunk is cut anyway.
const MIN_SEGMENT_CHUNK = 1000;
// A bounded word cache: news vocabulary repeats, and the hash of a word is the costly part.
const WORD_CACHE_LIMIT = 200_000;

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
const cacheIndex = new Map<string, number>();
const cacheLo = new Uint32Array(WORD_CACHE_LIMIT);
const cacheHi = new Uint32Array(WORD_CACHE_LIMIT);

class TokenBuilder {
  count = 0;
  hashLo: Uint32Array;
  hashHi: Uint32Array;
  start: Uint32Array;
  end: Uint32Array;
  constructor(capacity: number) {
    this.hashLo = new Uint32Array(capacity);
    this.hashHi = new Uint32Array(capacity);
    this.start = new Uint32Array(capacity);
    this.end = new Uint32Array(capacity);
  }
  push(raw: string, start: number, end: number): void {
    if (this.count === this.start.length) this.grow();
    let slot = cacheIndex.get(raw);
    if (slot === undefined) {
      if (cacheIndex.size >= WORD_CACHE_LIMIT) cacheIndex.clear();
      slot = cacheIndex.size;
      const h = fnv1a64(normalizeWord(raw));
      mix64(h.hi, h.lo);
      cacheLo[slot] = MIX[1];
      cacheHi[slot] = MIX[0];
      cacheIndex.set(raw, slot);
    }
    const i = this.count++;
    this.hashLo[i] = cacheLo[slot];
    this.hashHi[i] = cacheHi[slot];
    this.start[i] = start;
    this.end[i] = end;
  }
  private grow(): void {
    const size = Math.max(16, this.start.length * 2);
    const copy = (a: Uint32Array) => {
      const b = new Uint32Array(size);
      b.set(a);
      return b;
    };
    this.hashLo = copy(this.hashLo);
    this.hashHi = copy(this.hashHi);
    this.start = copy(this.start);
    this.end = copy(this.end);
  }
}

const isWordChar = (cls: number) => cls === A_LETTER || cls === NUMERIC || cls === EXTEND_NUM_LET;

/**
 * UAX #29 word rules for the classes in word-classes.ts. Returns false (having pushed nothing)
 * when the chunk holds a character it does not handle.
 */
function scanFast(text: string, from: number, to: number, out: TokenBuilder): boolean {
  for (let i = from; i < to; i++) if (classifyChar(text.charCodeAt(i)) === UNSUPPORTED) return false;
  let i = from;
  while (i < to) {
    let cls = classifyChar(text.charCodeAt(i));
    if (!isWordChar(cls)) {
      i++;
      continue;
    }
    const start = i;
    let last = cls;
    i++;
    while (i < to) {
      cls = classifyChar(text.charCodeAt(i));
      if (isWordChar(cls)) {
        last = cls;
        i++;
        continue;
      }
      if (i + 1 < to && (cls === MID_LETTER || cls === MID_NUM || cls === MID_NUM_LET)) {
        const next = classifyChar(text.charCodeAt(i + 1));
        const letters = last === A_LETTER && next === A_LETTER && (cls === MID_LETTER || cls === MID_NUM_LET);
        const digits = last === NUMERIC && next === NUMERIC && (cls === MID_NUM || cls === MID_NUM_LET);
        if (letters || digits) {
          last = next;
          i += 2;
          continue;
        }
      }
      break;
    }
    // ICU quirk: a lone "_" is not word-like, though "__" and "_1" are.
    if (i - start > 1 || last !== EXTEND_NUM_LET) out.push(text.slice(start, i), start, i);
  }
  return true;
}

function scanSegmenter(text: string, from: number, to: number, out: TokenBuilder): void {
  const chunk = text.slice(from, to);
  for (const s of segmenter.segment(chunk)) {
    if (s.isWordLike) out.push(s.segment, from + s.index, from + s.index + s.segment.length);
  }
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xa0 || c === 0x3000;
const isSentenceMark = (c: number) => c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff0c || c === 0x3001;

/** End of the chunk starting at `from`: a line end, else whitespace or a CJK stop in range. */
function findChunkEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_SEGMENT_CHUNK);
  for (let i = from; i < limit; i++) if (text.charCodeAt(i) === 0x0a) return i + 1;
  if (limit === text.length) return limit;
  for (let i = limit - 1; i >= from + MIN_SEGMENT_CHUNK; i--) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) return i + 1;
    if (isSentenceMark(c)) return i + 1;
  }
  // Do not split a surrogate pair.
  const c = text.charCodeAt(limit - 1);
  return c >= 0xd800 && c < 0xdc00 ? limit - 1 : limit;
}

/** Words of `text` for every script; Latin text takes a fast path that agrees with ICU. */
export function tokenize(text: string): Tokens {
  const out = new TokenBuilder(Math.max(16, (text.length >> 2) + 16));
  let from = 0;
  while (from < text.length) {
    const to = findChunkEnd(text, from);
    if (!scanFast(text, from, to, out)) scanSegmenter(text, from, to, out);
    from = to;
  }
  return { count: out.count, hashLo: out.hashLo, hashHi: out.hashHi, start: out.start, end: out.end };
}

/** Words via Intl.Segmenter only: the reference the fast path is tested against. */
export function tokenizeWithSegmenter(text: string): Tokens {
  const out = new TokenBuilder(Math.max(16, (text.length >> 2) + 16));
  let from = 0;
  while (from < text.length) {
    const to = findChunkEnd(text, from);
    scanSegmenter(text, from, to, out);
    from = to;
  }
  return { count: out.count, hashLo: out.hashLo, hashHi: out.hashHi, start: out.start, end: out.end };
}

/** The normalised words (tests, debugging). */
export function listWords(text: string, tokens: Tokens): string[] {
  const words: string[] = [];
  for (let i = 0; i < tokens.count; i++) words.push(normalizeWord(text.slice(tokens.start[i], tokens.end[i])));
  return words;
}
