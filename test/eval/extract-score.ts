/** Snippet scoring as in trafilatura's tests/eval_common.py (see extraction-dev/README.md). */

/** Python's Unicode `\s` (str.isspace), which differs from JS `\s` (U+001C–U+001F, U+0085; no U+FEFF). */
const PY_WHITESPACE_RUN = /[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

export function foldWhitespace(text: string): string {
  return text.replace(PY_WHITESPACE_RUN, ' ').trim();
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Scores extends Counts {
  precision: number;
  recall: number;
  accuracy: number;
  f1: number;
}

export function scorePage(output: string, withSnippets: string[], withoutSnippets: string[]): Counts {
  const folded = foldWhitespace(output);
  const counts: Counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const s of withSnippets) {
    if (folded && folded.includes(foldWhitespace(s))) counts.tp++;
    else counts.fn++;
  }
  for (const s of withoutSnippets) {
    if (folded && folded.includes(foldWhitespace(s))) counts.fp++;
    else counts.tn++;
  }
  return counts;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function summarise(all: Counts[]): Scores {
  const c = all.reduce((acc, x) => ({ tp: acc.tp + x.tp, fp: acc.fp + x.fp, fn: acc.fn + x.fn, tn: acc.tn + x.tn }), {
    tp: 0,
    fp: 0,
    fn: 0,
    tn: 0,
  });
  return {
    ...c,
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    accuracy: ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
  };
}
