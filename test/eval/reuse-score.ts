/**
 * Metrics of a syndication-reuse set (see the set's README, "Results format and metrics").
 * Written independently of the set's score-reuse.mjs; eval-reuse.ts cross-checks both.
 */

export interface ReusePair {
  articleId: string;
  positive: boolean;
  trueCoverage: number;
  copiedWords?: number;
}
export interface ReusePage {
  file: string;
  class: string;
  template?: string;
  pairs: ReusePair[];
}
export interface ReuseLabels {
  name?: string;
  classes?: { positive?: string[]; negative?: string[] };
  pages: ReusePage[];
}
export interface ResultMatch {
  articleId: string;
  coverage?: number;
  kind?: string;
}

const UNFLAGGED_KINDS = new Set(['quotation', 'teaser']);
const POSITIVE_DEFAULT = ['full_verbatim', 'full_edited', 'partial', 'roundup'];
const NEGATIVE_DEFAULT = ['teaser', 'shared_quotes', 'unrelated'];

export interface ReuseScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  recallPerClass: Record<string, { pairs: number; tp: number; recall: number | null; coverageError: number | null }>;
  fprPerClass: Record<string, { pages: number; flaggedPages: number; fpr: number | null }>;
  coverageError: number | null;
}

const div = (a: number, b: number) => (b === 0 ? null : a / b);

/** Flagged articles of one page: articleId -> highest coverage among its flagged matches. */
function flaggedOf(matches: ResultMatch[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of matches) {
    if (typeof m?.articleId !== 'string' || UNFLAGGED_KINDS.has(m.kind ?? '')) continue;
    const c = typeof m.coverage === 'number' && Number.isFinite(m.coverage) ? m.coverage : 0;
    out.set(m.articleId, Math.max(out.get(m.articleId) ?? -Infinity, c));
  }
  return out;
}

export function scoreReuse(labels: ReuseLabels, results: Map<string, ResultMatch[]>): ReuseScore {
  const positives = labels.classes?.positive ?? POSITIVE_DEFAULT;
  const negatives = labels.classes?.negative ?? NEGATIVE_DEFAULT;
  const recallPerClass: ReuseScore['recallPerClass'] = {};
  const fprPerClass: ReuseScore['fprPerClass'] = {};
  const errSum: Record<string, number> = {};
  for (const c of positives) ((recallPerClass[c] = { pairs: 0, tp: 0, recall: null, coverageError: null }), (errSum[c] = 0));
  for (const c of negatives) fprPerClass[c] = { pages: 0, flaggedPages: 0, fpr: null };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let err = 0;
  for (const page of labels.pages) {
    const flagged = flaggedOf(results.get(page.file) ?? []);
    const truth = new Map(page.pairs.filter((p) => p.positive).map((p) => [p.articleId, p.trueCoverage]));
    const pos = recallPerClass[page.class];
    const neg = fprPerClass[page.class];
    if (neg) {
      neg.pages++;
      if (flagged.size > 0) neg.flaggedPages++;
    }
    for (const [id, coverage] of flagged) {
      const t = truth.get(id);
      if (t === undefined) {
        fp++;
        continue;
      }
      tp++;
      err += Math.abs(coverage - t);
      if (pos) {
        pos.tp++;
        errSum[page.class] += Math.abs(coverage - t);
      }
    }
    for (const id of truth.keys()) {
      if (pos) pos.pairs++;
      if (!flagged.has(id)) fn++;
    }
  }
  for (const c of positives) {
    recallPerClass[c].recall = div(recallPerClass[c].tp, recallPerClass[c].pairs);
    recallPerClass[c].coverageError = div(errSum[c], recallPerClass[c].tp);
  }
  for (const c of negatives) fprPerClass[c].fpr = div(fprPerClass[c].flaggedPages, fprPerClass[c].pages);
  const precision = div(tp, tp + fp);
  const recall = div(tp, tp + fn);
  const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1, recallPerClass, fprPerClass, coverageError: div(err, tp) };
}

const f3 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(3));

export function formatScore(s: ReuseScore): string {
  const lines = [
    `pairs: TP ${s.tp}  FP ${s.fp}  FN ${s.fn}   precision ${f3(s.precision)}  recall ${f3(s.recall)}  F1 ${f3(s.f1)}  coverage error ${f3(s.coverageError)}`,
    '',
    'positive class   pairs   recall   cov.err',
  ];
  for (const [c, v] of Object.entries(s.recallPerClass)) lines.push(`${c.padEnd(15)} ${String(v.pairs).padStart(6)}   ${f3(v.recall).padStart(6)}   ${f3(v.coverageError).padStart(7)}`);
  lines.push('', 'negative class   pages   FP rate  (flagged pages)');
  for (const [c, v] of Object.entries(s.fprPerClass)) lines.push(`${c.padEnd(15)} ${String(v.pages).padStart(6)}   ${f3(v.fpr).padStart(6)}  (${v.flaggedPages})`);
  return lines.join('\n');
}
