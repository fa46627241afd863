import type { Config } from '../../config/index.ts';
import type { Tokens } from '../text/tokenize.ts';

export type AlignConfig = Pick<Config['match'], 'shingleWords' | 'minRunWords' | 'maxGapWords'>;

/** One verbatim run: `words` words from page word `pageWord` equal those from `articleWord`. */
export interface CopiedRun {
  pageWord: number;
  articleWord: number;
  words: number;
}

/** Word spans of a reported passage (end exclusive); gaps of up to maxGapWords are bridged. */
export interface WordPassage {
  pageFrom: number;
  pageTo: number;
  articleFrom: number;
  articleTo: number;
}

export interface Alignment {
  runs: CopiedRun[];
  passages: WordPassage[];
  /** Article words inside some run (each article word counted once). */
  copiedWords: number;
  /** Page words inside some run. */
  pageWords: number;
  longestRun: number;
  articleCovered: Uint8Array;
  pageCovered: Uint8Array;
}

// A shingle shared by many article positions is repetitive text; following all is quadratic.
const MAX_POSITIONS_PER_SHINGLE = 64;

/** Hash of the n words from i (order-sensitive); equal words always give equal hashes. */
function shingleHashes(t: Tokens, n: number): Int32Array {
  const count = Math.max(0, t.count - n + 1);
  const out = new Int32Array(count);
  const w = t.hashLo;
  for (let i = 0; i < count; i++) {
    let h = w[i] | 0;
    for (let k = 1; k < n; k++) h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ w[i + k];
    out[i] = h;
  }
  return out;
}

function sameWords(a: Tokens, i: number, b: Tokens, j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a.hashLo[i + k] !== b.hashLo[j + k] || a.hashHi[i + k] !== b.hashHi[j + k]) return false;
  return true;
}

/**
 * Exact word-shingle alignment of a page against one article: maximal diagonal runs of shared
 * shingles, taken longest first so each page and article shingle is used once (a page that
 * repeats a paragraph does not count it twice; an article's repeated phrase is not double-counted).
 */
export function alignTokens(page: Tokens, article: Tokens, config: AlignConfig): Alignment {
  const n = config.shingleWords;
  const articleCovered = new Uint8Array(article.count);
  const pageCovered = new Uint8Array(page.count);
  const empty: Alignment = { runs: [], passages: [], copiedWords: 0, pageWords: 0, longestRun: 0, articleCovered, pageCovered };
  if (page.count < n || article.count < n) return empty;

  const aHash = shingleHashes(article, n);
  const first = new Map<number, number>();
  const nextSame = new Int32Array(aHash.length).fill(-1);
  for (let j = aHash.length - 1; j >= 0; j--) {
    const prev = first.get(aHash[j]);
    if (prev !== undefined) nextSame[j] = prev;
    first.set(aHash[j], j);
  }

  // Diagonal runs, found in page order: diagonal (j - i) -> index of its open run.
  const pHash = shingleHashes(page, n);
  const runP: number[] = [];
  const runA: number[] = [];
  const runL: number[] = [];
  const open = new Map<number, number>();
  for (let i = 0; i < pHash.length; i++) {
    let j = first.get(pHash[i]);
    for (let seen = 0; j !== undefined && j >= 0 && seen < MAX_POSITIONS_PER_SHINGLE; j = nextSame[j], seen++) {
      if (!sameWords(page, i, article, j, n)) continue;
      const d = j - i;
      const r = open.get(d);
      if (r !== undefined && runP[r] + runL[r] === i) runL[r]++;
      else {
        open.set(d, runP.length);
        runP.push(i);
        runA.push(j);
        runL.push(1);
      }
    }
  }
  if (runP.length === 0) return empty;

  const order = runP.map((_, r) => r).sort((x, y) => runL[y] - runL[x] || runP[x] - runP[y]);
  const pageUsed = new Uint8Array(pHash.length);
  const articleUsed = new Uint8Array(aHash.length);
  const runs: CopiedRun[] = [];
  const accept = (p: number, a: number, len: number) => {
    const words = len + n - 1;
    if (words < config.minRunWords) return;
    runs.push({ pageWord: p, articleWord: a, words });
    for (let k = 0; k < len; k++) {
      pageUsed[p + k] = 1;
      articleUsed[a + k] = 1;
    }
  };
  for (const r of order) {
    let from = -1;
    for (let k = 0; k <= runL[r]; k++) {
      const free = k < runL[r] && !pageUsed[runP[r] + k] && !articleUsed[runA[r] + k];
      if (free && from < 0) from = k;
      else if (!free && from >= 0) {
        accept(runP[r] + from, runA[r] + from, k - from);
        from = -1;
      }
    }
  }
  runs.sort((x, y) => x.pageWord - y.pageWord);

  let longestRun = 0;
  for (const run of runs) {
    longestRun = Math.max(longestRun, run.words);
    articleCovered.fill(1, run.articleWord, run.articleWord + run.words);
    pageCovered.fill(1, run.pageWord, run.pageWord + run.words);
  }
  fillGaps(page, article, runs, config.maxGapWords, pageCovered, articleCovered);
  let copiedWords = 0;
  for (let j = 0; j < articleCovered.length; j++) copiedWords += articleCovered[j];
  let pageWords = 0;
  for (let i = 0; i < pageCovered.length; i++) pageWords += pageCovered[i];
  return { runs, passages: mergeRuns(runs, config.maxGapWords), copiedWords, pageWords, longestRun, articleCovered, pageCovered };
}

/**
 * Between two consecutive runs close in both texts (a word swapped, misspelt, added or dropped),
 * the gap's words that still agree are copied too: they were only too short to form a shingle run
 * of their own. Same-length gaps are compared position by position, others by their longest common
 * subsequence.
 */
function fillGaps(page: Tokens, article: Tokens, runs: CopiedRun[], maxGap: number, pageCovered: Uint8Array, articleCovered: Uint8Array): void {
  const same = (i: number, j: number) => page.hashLo[i] === article.hashLo[j] && page.hashHi[i] === article.hashHi[j];
  const mark = (i: number, j: number) => {
    pageCovered[i] = 1;
    articleCovered[j] = 1;
  };
  for (let r = 1; r < runs.length; r++) {
    const prev = runs[r - 1];
    const next = runs[r];
    const p0 = prev.pageWord + prev.words;
    const a0 = prev.articleWord + prev.words;
    const pageGap = next.pageWord - p0;
    const articleGap = next.articleWord - a0;
    if (pageGap <= 0 || articleGap <= 0 || pageGap > maxGap || articleGap > maxGap) continue;
    if (pageGap === articleGap) {
      for (let k = 0; k < pageGap; k++) if (same(p0 + k, a0 + k)) mark(p0 + k, a0 + k);
      continue;
    }
    // Longest common subsequence of the two short gaps (at most maxGap^2 cells).
    const w = articleGap + 1;
    const lcs = new Uint8Array((pageGap + 1) * w);
    for (let i = pageGap - 1; i >= 0; i--) {
      for (let j = articleGap - 1; j >= 0; j--) {
        lcs[i * w + j] = same(p0 + i, a0 + j) ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    for (let i = 0, j = 0; i < pageGap && j < articleGap; ) {
      if (same(p0 + i, a0 + j)) mark(p0 + i++, a0 + j++);
      else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) i++;
      else j++;
    }
  }
}

/** Runs in page order become passages; a run continuing the previous one in both texts joins it. */
export function mergeRuns(runs: CopiedRun[], maxGap: number): WordPassage[] {
  const out: WordPassage[] = [];
  for (const run of runs) {
    const last = out[out.length - 1];
    const pageGap = last ? run.pageWord - last.pageTo : Infinity;
    const articleGap = last ? run.articleWord - last.articleTo : Infinity;
    if (last && pageGap <= maxGap && articleGap <= maxGap && run.articleWord >= last.articleFrom && articleGap >= -maxGap) {
      last.pageTo = Math.max(last.pageTo, run.pageWord + run.words);
      last.articleTo = Math.max(last.articleTo, run.articleWord + run.words);
    } else {
      out.push({ pageFrom: run.pageWord, pageTo: run.pageWord + run.words, articleFrom: run.articleWord, articleTo: run.articleWord + run.words });
    }
  }
  return out;
}
