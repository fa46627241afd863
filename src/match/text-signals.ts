import type { Tokens } from '../text/tokenize.ts';

// Opening -> closing quotation marks in common use (English, German, French, CJK).
const QUOTE_PAIRS: Record<string, string> = {
  '\u201c': '\u201d',
  '\u201e': '\u201c',
  '\u00ab': '\u00bb',
  '\u00bb': '\u00ab',
  '"': '"',
  '\u300c': '\u300d',
  '\u300e': '\u300f',
};
// A quotation left open runs to the end of its paragraph at most (news style reopens per paragraph).
const PARAGRAPH_BREAK = /\n/;

/** For each word: 1 when it sits between quotation marks. */
export function markQuotedWords(text: string, tokens: Tokens): Uint8Array {
  const quoted = new Uint8Array(tokens.count);
  const inside = new Uint8Array(text.length);
  let close: string | null = null;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (close !== null) {
      if (ch === close) {
        inside.fill(1, from, i);
        close = null;
      } else if (PARAGRAPH_BREAK.test(ch)) {
        inside.fill(1, from, i);
        close = null;
      }
    } else if (QUOTE_PAIRS[ch] !== undefined) {
      close = QUOTE_PAIRS[ch];
      from = i + 1;
    }
  }
  if (close !== null) inside.fill(1, from, text.length);
  for (let w = 0; w < tokens.count; w++) quoted[w] = inside[tokens.start[w]];
  return quoted;
}

// A full stop after one of these is not a sentence end ("Mr. Smith", "U.S. officials").
const ABBREVIATION = /(?:\b(?:mr|mrs|ms|dr|st|jr|sr|prof|gen|gov|sen|rep|no|vs|inc|corp|co|ltd)|\b\p{L})$/iu;

/**
 * Words of the first `sentences` sentences of a text (a teaser's usual extract). A line break
 * ends a sentence too, so a headline line at the top of a body counts as one.
 */
export function countLeadWords(text: string, tokens: Tokens, sentences = 1): number {
  const re = /[.!?\u3002\uff01\uff1f\u2026](?=["'\u201d\u2019)\]]*(?:\s|$))|\n/gu;
  let m: RegExpExecArray | null;
  let words = 0;
  let found = 0;
  while ((m = re.exec(text))) {
    if (m[0] === '.' && ABBREVIATION.test(text.slice(Math.max(0, m.index - 5), m.index))) continue;
    const end = m.index;
    const before = words;
    while (words < tokens.count && tokens.start[words] < end) words++;
    if (words > before && ++found === sentences) return words;
  }
  return tokens.count;
}
