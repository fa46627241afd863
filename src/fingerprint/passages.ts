import type { Config } from '../../config/index.ts';
import type { Tokens } from '../text/tokenize.ts';
import * as simhash from './simhash.ts';

// Module-level copies: imported bindings may compile to getters, too slow in per-passage loops.
const countBits = simhash.countBits;
const majorityBits = simhash.majorityBits;

/** MurmurHash3's 32-bit finaliser: full avalanche within 32 bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Fingerprints as typed arrays (index and benchmark path; no bigint per passage). */
export interface RawFingerprints {
  docHi: number;
  docLo: number;
  count: number;
  hi: Uint32Array;
  lo: Uint32Array;
  /** Char offsets into the text (first word start, last word end). */
  start: Uint32Array;
  end: Uint32Array;
  /** Word offsets (first word, one past the last). */
  firstWord: Uint32Array;
  endWord: Uint32Array;
}

export type FingerprintConfig = Pick<Config['match'], 'anchorRadius' | 'maxPassageWords' | 'minPassageWords'>;

const docCounts = new Int32Array(64);
const passageCounts = new Int32Array(64);
const bits = new Uint32Array(2);

/**
 * Features are word bigrams (order matters, so shuffled text differs). Feature i joins words i and
 * i+1; a one-word text has its word as the only feature. Word hashes are already uniform 64-bit
 * values (FNV-1a 64 + SplitMix64 finaliser), so two chained 32-bit finalisers, each fed by both
 * words and both halves, give uniform 64-bit bigram hashes at a fraction of a 64-bit multiply.
 */
export function computeFeatures(tokens: Tokens): { hi: Uint32Array; lo: Uint32Array; count: number } {
  const n = tokens.count;
  if (n === 1) return { hi: tokens.hashHi.slice(0, 1), lo: tokens.hashLo.slice(0, 1), count: 1 };
  const m = Math.max(0, n - 1);
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  const wh = tokens.hashHi;
  const wl = tokens.hashLo;
  for (let i = 0; i < m; i++) {
    const b = wl[i + 1];
    const x = wh[i] ^ ((b << 13) | (b >>> 19));
    const l = fmix32(wl[i] ^ wh[i + 1] ^ Math.imul(x, 0x9e3779b1));
    lo[i] = l;
    hi[i] = fmix32(x ^ Math.imul(l, 0x27d4eb2f));
  }
  return { hi, lo, count: m };
}

/**
 * Passage starts: word i starts a passage when its bigram hash is the smallest within `radius`
 * on both sides. The choice depends only on nearby words, so a copied stretch is cut at the
 * same places in the article and on the page, wherever the copy begins (content-defined chunks).
 */
function findCutPoints(features: Uint32Array, count: number, radius: number): number[] {
  // Ranked by a re-mixed value: ranking by the feature itself would make passage-initial features
  // small, biasing their bits (and the simhash bits) towards 0.
  const lo = new Uint32Array(count);
  for (let i = 0; i < count; i++) lo[i] = fmix32(features[i] ^ 0x6a09e667);
  const cuts = [0];
  for (let i = 1; i < count; i++) {
    const v = lo[i];
    let isMin = true;
    const from = Math.max(0, i - radius);
    for (let j = from; j < i && isMin; j++) if (lo[j] <= v) isMin = false;
    const to = Math.min(count - 1, i + radius);
    for (let j = i + 1; j <= to && isMin; j++) if (lo[j] < v) isMin = false;
    if (isMin) cuts.push(i);
  }
  return cuts;
}

export function fingerprintTokensRaw(tokens: Tokens, config: FingerprintConfig): RawFingerprints {
  const n = tokens.count;
  const f = computeFeatures(tokens);
  const cuts = findCutPoints(f.lo, f.count, config.anchorRadius);
  cuts.push(n);
  const capacity = cuts.length + Math.ceil(n / config.maxPassageWords) + 1;
  const out: RawFingerprints = {
    docHi: 0,
    docLo: 0,
    count: 0,
    hi: new Uint32Array(capacity),
    lo: new Uint32Array(capacity),
    start: new Uint32Array(capacity),
    end: new Uint32Array(capacity),
    firstWord: new Uint32Array(capacity),
    endWord: new Uint32Array(capacity),
  };
  // The document's bit votes are the passages' votes plus those of the features outside any
  // passage, so each feature is counted once: features [0, counted) are in docCounts.
  docCounts.fill(0);
  let counted = 0;
  for (let c = 0; c + 1 < cuts.length; c++) {
    // Over-long chunks are split in fixed steps from their (content-defined) start.
    for (let s = cuts[c]; s < cuts[c + 1]; s += config.maxPassageWords) {
      const e = Math.min(cuts[c + 1], s + config.maxPassageWords);
      if (e - s < config.minPassageWords) continue;
      if (s > counted) countBits(f.hi, f.lo, counted, s, docCounts);
      // Bigrams wholly inside the passage: its fingerprint depends on its own words only.
      passageCounts.fill(0);
      countBits(f.hi, f.lo, s, e - 1, passageCounts);
      for (let b = 0; b < 64; b++) docCounts[b] += passageCounts[b];
      counted = e - 1;
      majorityBits(passageCounts, e - 1 - s, bits, f.hi[s], f.lo[s]);
      const k = out.count++;
      out.hi[k] = bits[0];
      out.lo[k] = bits[1];
      out.start[k] = tokens.start[s];
      out.end[k] = tokens.end[e - 1];
      out.firstWord[k] = s;
      out.endWord[k] = e;
    }
  }
  if (counted < f.count) countBits(f.hi, f.lo, counted, f.count, docCounts);
  if (n > 0) {
    majorityBits(docCounts, f.count, bits, f.hi[0], f.lo[0]);
    out.docHi = bits[0];
    out.docLo = bits[1];
  }
  return out;
}

/**
 * The document fingerprint alone: the same value as fingerprintTokensRaw's docHi/docLo (every
 * feature counted once), without cutting passages (page lookups that search documents only).
 */
export function fingerprintDocumentRaw(tokens: Tokens): { docHi: number; docLo: number } {
  if (tokens.count === 0) return { docHi: 0, docLo: 0 };
  const f = computeFeatures(tokens);
  docCounts.fill(0);
  countBits(f.hi, f.lo, 0, f.count, docCounts);
  majorityBits(docCounts, f.count, bits, f.hi[0], f.lo[0]);
  return { docHi: bits[0], docLo: bits[1] };
}
