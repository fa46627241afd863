import type { Config } from '../../config/index.ts';
import { markStopWords } from '../text/stop-words.ts';
import type { Tokens } from '../text/tokenize.ts';

/**
 * Winnowing (Schleimer, Wilkerson & Aiken 2003, the method behind MOSS) over hashed word k-grams:
 * in every window of `w` consecutive k-grams the smallest hash is kept. Any run of at least
 * w + k - 1 words shared by two texts yields a kept hash in both (the guarantee threshold), and
 * shorter runs often do, so a copy edited every few words still shares many of them.
 */
export type WinnowConfig = Pick<Config['match'], 'winnowWords' | 'winnowWindow'>;

/** A k-gram of function words only: never selected, never queried (it says nothing). */
const SKIP = 0xffffffff;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * 32-bit hash of each word k-gram (order-sensitive), SKIP for k-grams of function words only.
 * SKIP is excluded from real hashes (a real one equal to it becomes SKIP - 1).
 */
export function hashKgrams(tokens: Tokens, k: number): Uint32Array {
  const n = Math.max(0, tokens.count - k + 1);
  const out = new Uint32Array(n);
  const stop = markStopWords(tokens);
  const lo = tokens.hashLo;
  const hi = tokens.hashHi;
  for (let i = 0; i < n; i++) {
    let content = false;
    let h = 0x9e3779b9;
    for (let j = 0; j < k; j++) {
      if (!stop[i + j]) content = true;
      h = fmix32(Math.imul(h ^ lo[i + j], 0x01000193) ^ hi[i + j]);
    }
    out[i] = !content ? SKIP : h === SKIP ? SKIP - 1 : h;
  }
  return out;
}

/** Sorted distinct values, SKIP dropped. */
function sortedUnique(values: Uint32Array, count: number): Uint32Array {
  const v = values.slice(0, count).sort();
  let m = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== SKIP && (m === 0 || v[m - 1] !== v[i])) v[m++] = v[i];
  return v.slice(0, m);
}

/** The winnowed fingerprints of a text: distinct selected k-gram hashes, sorted. */
export function winnowTokens(tokens: Tokens, config: WinnowConfig): Uint32Array {
  const h = hashKgrams(tokens, config.winnowWords);
  const w = Math.min(config.winnowWindow, h.length);
  if (h.length === 0) return new Uint32Array(0);
  const picked = new Uint32Array(h.length);
  let count = 0;
  let last = -1;
  for (let start = 0; start + w <= h.length; start++) {
    // Rightmost minimum of the window: the same choice as the paper's robust winnowing.
    let min = start;
    for (let j = start + 1; j < start + w; j++) if (h[j] <= h[min]) min = j;
    if (min !== last && h[min] !== SKIP) picked[count++] = h[min];
    last = min;
  }
  return sortedUnique(picked, count);
}

/** Every k-gram hash of a page, distinct and sorted: the page side of a lookup. */
export function queryKgrams(tokens: Tokens, config: WinnowConfig): Uint32Array {
  const h = hashKgrams(tokens, config.winnowWords);
  return sortedUnique(h, h.length);
}
