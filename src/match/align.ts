import type { Config } from '../../config/index.ts';
import { markStopWords } from '../text/stop-words.ts';
import type { Tokens } from '../text/tokenize.ts';
import { chainRuns, type WordPassage } from './chain.ts';

export type AlignConfig = Pick<Config['match'], 'shingleWords' | 'minRunWords' | 'maxGapWords'>;
export type { WordEdit, WordPassage } from './chain.ts';

/** One verbatim run: `words` words from page word `pageWord` equal those from `articleWord`. */
export interface CopiedRun {
  pageWord: number;
  articleWord: number;
  words: number;
}

export interface Alignment {
  /** Exact runs that belong to a reported passage, in page order. */
  runs: CopiedRun[];
  passages: WordPassage[];
  /** Article words taken onto the page (each counted once): the runs plus agreeing words between them. */
  copiedWords: number;
  /** Page words that come from the article. */
  pageWords: number;
  /** Longest exact run (words). */
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

/** Maximal diagonal runs of shared shingles: [page shingle, article shingle, shingle count]. */
function findDiagonalRuns(page: Tokens, article: Tokens, n: number): { p: number[]; a: number[]; len: number[] } {
  const aHash = shingleHashes(article, n);
  const first = new Map<number, number>();
  const nextSame = new Int32Array(aHash.length).fill(-1);
  for (let j = aHash.length - 1; j >= 0; j--) {
    const prev = first.get(aHash[j]);
    if (prev !== undefined) nextSame[j] = prev;
    first.set(aHash[j], j);
  }
  const pHash = shingleHashes(page, n);
  const p: number[] = [];
  const a: number[] = [];
  const len: number[] = [];
  const open = new Map<number, number>();
  for (let i = 0; i < pHash.length; i++) {
    let j = first.get(pHash[i]);
    for (let seen = 0; j !== undefined && j >= 0 && seen < MAX_POSITIONS_PER_SHINGLE; j = nextSame[j], seen++) {
      if (!sameWords(page, i, article, j, n)) continue;
      const d = j - i;
      const r = open.get(d);
      if (r !== undefined && p[r] + len[r] === i) len[r]++;
      else {
        open.set(d, p.length);
        p.push(i);
        a.push(j);
        len.push(1);
      }
    }
  }
  return { p, a, len };
}

/**
 * Word alignment of a page against one article, tolerant of edits. Exact runs of at least
 * shingleWords words (not function words only) are taken longest first, each page and article
 * word used once (a page repeating a paragraph does not count it twice). Runs that follow each
 * other closely in both texts are chained into passages with the edits between them; a chain
 * with fewer than minChainWords copied words is a shared phrase, not a copy, and is dropped.
 */
export function alignTokens(page: Tokens, article: Tokens, config: AlignConfig): Alignment {
  const n = config.shingleWords;
  const articleCovered = new Uint8Array(article.count);
  const pageCovered = new Uint8Array(page.count);
  const empty: Alignment = { runs: [], passages: [], copiedWords: 0, pageWords: 0, longestRun: 0, articleCovered, pageCovered };
  if (page.count < n || article.count < n) return empty;
  const diag = findDiagonalRuns(page, article, n);
  if (diag.p.length === 0) return empty;

  const stop = markStopWords(article);
  const hasContent = (from: number, words: number) => {
    for (let k = from; k < from + words; k++) if (!stop[k]) return true;
    return false;
  };
  const order = diag.p.map((_, r) => r).sort((x, y) => diag.len[y] - diag.len[x] || diag.p[x] - diag.p[y]);
  const pageUsed = new Uint8Array(page.count);
  const articleUsed = new Uint8Array(article.count);
  const candidates: CopiedRun[] = [];
  const accept = (p: number, a: number, words: number) => {
    if (words < n || !hasContent(a, words)) return;
    candidates.push({ pageWord: p, articleWord: a, words });
    pageUsed.fill(1, p, p + words);
    articleUsed.fill(1, a, a + words);
  };
  // A run's words (not shingles) are claimed, so runs never overlap in either text.
  for (const r of order) {
    const words = diag.len[r] + n - 1;
    let from = -1;
    for (let k = 0; k <= words; k++) {
      const free = k < words && !pageUsed[diag.p[r] + k] && !articleUsed[diag.a[r] + k];
      if (free && from < 0) from = k;
      else if (!free && from >= 0) {
        accept(diag.p[r] + from, diag.a[r] + from, k - from);
        from = -1;
      }
    }
  }
  candidates.sort((x, y) => x.pageWord - y.pageWord);
  const chained = chainRuns(page, article, candidates, config, pageCovered, articleCovered);
  let longestRun = 0;
  for (const run of chained.runs) longestRun = Math.max(longestRun, run.words);
  let copiedWords = 0;
  for (let j = 0; j < articleCovered.length; j++) copiedWords += articleCovered[j];
  let pageWords = 0;
  for (let i = 0; i < pageCovered.length; i++) pageWords += pageCovered[i];
  return { runs: chained.runs, passages: chained.passages, copiedWords, pageWords, longestRun, articleCovered, pageCovered };
}
