/**
 * Unicode word-break classes (UAX #29) for the characters the fast tokenizer handles itself:
 * ASCII, Latin-1 and Latin Extended-A/B letters, and common typographic punctuation. Any other
 * character sends the chunk to Intl.Segmenter. test/match/tokenize.test.ts checks both agree.
 */

export const OTHER = 0;
export const A_LETTER = 1;
export const NUMERIC = 2;
export const EXTEND_NUM_LET = 3;
export const MID_LETTER = 4;
export const MID_NUM = 5;
export const MID_NUM_LET = 6;
export const UNSUPPORTED = 7;

const TABLE_SIZE = 0x250;
const table = new Uint8Array(TABLE_SIZE).fill(UNSUPPORTED);

function fill(from: number, to: number, cls: number): void {
  for (let c = from; c <= to; c++) table[c] = cls;
}

fill(0x00, 0x7f, OTHER);
fill(0x30, 0x39, NUMERIC);
fill(0x41, 0x5a, A_LETTER);
fill(0x61, 0x7a, A_LETTER);
table[0x5f] = EXTEND_NUM_LET;
table[0x3a] = MID_LETTER;
table[0x2c] = MID_NUM;
table[0x3b] = MID_NUM;
table[0x2e] = MID_NUM_LET;
table[0x27] = MID_NUM_LET;
// Latin-1 punctuation and symbols are plain boundaries, except the ones listed after.
fill(0xa0, 0xbf, OTHER);
table[0xaa] = A_LETTER;
table[0xb5] = A_LETTER;
table[0xba] = A_LETTER;
table[0xb7] = MID_LETTER;
// Soft hyphen (Format) and superscript digits have special rules: leave them to ICU.
table[0xad] = UNSUPPORTED;
table[0xb2] = UNSUPPORTED;
table[0xb3] = UNSUPPORTED;
table[0xb9] = UNSUPPORTED;
fill(0xc0, 0x24f, A_LETTER);
table[0xd7] = OTHER;
table[0xf7] = OTHER;

/** Typographic punctuation common in news text, all plain word boundaries. */
const EXTRA_OTHER = new Set([0x2013, 0x2014, 0x201c, 0x201d, 0x201e, 0x2026, 0x2022, 0x2009, 0x2002, 0x2003, 0x20ac, 0x2122]);

export function classifyChar(c: number): number {
  if (c < TABLE_SIZE) return table[c];
  return classifyRare(c);
}

function classifyRare(c: number): number {
  if (c === 0x2018 || c === 0x2019) return MID_NUM_LET;
  if (EXTRA_OTHER.has(c)) return OTHER;
  return UNSUPPORTED;
}
