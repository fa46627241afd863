import type { Tokens } from '../text/tokenize.ts';
import type { AlignConfig, CopiedRun } from './align.ts';

/** What a copier changed inside a passage (word spans, end exclusive; an empty span has from = to). */
export interface WordEdit {
  op: 'insert' | 'delete' | 'change';
  pageFrom: number;
  pageTo: number;
  articleFrom: number;
  articleTo: number;
}

/** Word spans of a reported passage (end exclusive), with the edits inside it. */
export interface WordPassage {
  pageFrom: number;
  pageTo: number;
  articleFrom: number;
  articleTo: number;
  /** Article words of the passage found on the page. */
  copiedWords: number;
  edits: WordEdit[];
}

/**
 * Chains runs (in page order, disjoint) whose gaps are at most maxGapWords in both texts and go
 * forward in both, keeping for each run the best-scoring predecessor (dynamic programming over
 * the runs near it), then takes chains best first. Chains of at least minRunWords words are
 * passages; their gaps are aligned word by word and what differs becomes edits.
 */
export function chainRuns(
  page: Tokens,
  article: Tokens,
  runs: CopiedRun[],
  config: AlignConfig,
  pageCovered: Uint8Array,
  articleCovered: Uint8Array,
): { runs: CopiedRun[]; passages: WordPassage[] } {
  const gap = config.maxGapWords;
  const m = runs.length;
  const best = new Float64Array(m);
  const pred = new Int32Array(m).fill(-1);
  for (let j = 0; j < m; j++) {
    const rj = runs[j];
    best[j] = rj.words;
    for (let i = j - 1; i >= 0; i--) {
      const ri = runs[i];
      const pageGap = rj.pageWord - (ri.pageWord + ri.words);
      // Runs are disjoint in the page and sorted, so earlier ones end earlier still.
      if (pageGap > gap) break;
      const articleGap = rj.articleWord - (ri.articleWord + ri.words);
      // Forward in both texts: a clause moved elsewhere starts a passage of its own.
      if (pageGap < 0 || articleGap < 0 || articleGap > gap) continue;
      if (best[i] + rj.words > best[j]) {
        best[j] = best[i] + rj.words;
        pred[j] = i;
      }
    }
  }
  const order = Array.from({ length: m }, (_, j) => j).sort((x, y) => best[y] - best[x] || x - y);
  const used = new Uint8Array(m);
  const kept: number[][] = [];
  for (const end of order) {
    if (used[end]) continue;
    const chain: number[] = [];
    let words = 0;
    for (let j = end; j >= 0 && !used[j]; j = pred[j]) {
      chain.push(j);
      words += runs[j].words;
    }
    for (const j of chain) used[j] = 1;
    if (words >= config.minRunWords) kept.push(chain.reverse());
  }
  kept.sort((x, y) => runs[x[0]].pageWord - runs[y[0]].pageWord);
  const outRuns: CopiedRun[] = [];
  const passages: WordPassage[] = [];
  for (const chain of kept) {
    const first = runs[chain[0]];
    const last = runs[chain[chain.length - 1]];
    const passage: WordPassage = {
      pageFrom: first.pageWord,
      pageTo: last.pageWord + last.words,
      articleFrom: first.articleWord,
      articleTo: last.articleWord + last.words,
      copiedWords: 0,
      edits: [],
    };
    for (let c = 0; c < chain.length; c++) {
      const run = runs[chain[c]];
      outRuns.push(run);
      passage.copiedWords += run.words;
      pageCovered.fill(1, run.pageWord, run.pageWord + run.words);
      articleCovered.fill(1, run.articleWord, run.articleWord + run.words);
      if (c > 0) {
        const prev = runs[chain[c - 1]];
        passage.copiedWords += alignGap(page, article, prev, run, passage.edits, pageCovered, articleCovered);
      }
    }
    passages.push(passage);
  }
  return { runs: outRuns, passages };
}

/**
 * The words between two chained runs: those that still agree (longest common subsequence of the
 * two short gaps, at most maxGap^2 cells) are copied too, only too short to form a run of their
 * own; the rest are edits. Returns the agreeing words.
 */
function alignGap(page: Tokens, article: Tokens, prev: CopiedRun, next: CopiedRun, edits: WordEdit[], pageCovered: Uint8Array, articleCovered: Uint8Array): number {
  const p0 = prev.pageWord + prev.words;
  const a0 = prev.articleWord + prev.words;
  const pg = next.pageWord - p0;
  const ag = Math.max(0, next.articleWord - a0);
  if (pg <= 0 && ag <= 0) return 0;
  const same = (i: number, j: number) => page.hashLo[p0 + i] === article.hashLo[a0 + j] && page.hashHi[p0 + i] === article.hashHi[a0 + j];
  const w = ag + 1;
  const lcs = new Uint8Array((pg + 1) * w);
  for (let i = pg - 1; i >= 0; i--) {
    for (let j = ag - 1; j >= 0; j--) {
      lcs[i * w + j] = same(i, j) ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  let agreed = 0;
  let i = 0;
  let j = 0;
  let editP = 0;
  let editA = 0;
  const flush = () => {
    if (i > editP || j > editA) {
      const op = i > editP && j > editA ? 'change' : i > editP ? 'insert' : 'delete';
      edits.push({ op, pageFrom: p0 + editP, pageTo: p0 + i, articleFrom: a0 + editA, articleTo: a0 + j });
    }
  };
  while (i < pg || j < ag) {
    if (i < pg && j < ag && same(i, j)) {
      flush();
      pageCovered[p0 + i] = 1;
      articleCovered[a0 + j] = 1;
      agreed++;
      i++;
      j++;
      editP = i;
      editA = j;
    } else if (j >= ag || (i < pg && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) i++;
    else j++;
  }
  flush();
  return agreed;
}
