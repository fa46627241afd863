import type { Config } from '../../config/index.ts';
import * as hash from '../text/hash64.ts';
import type { Tokens } from '../text/tokenize.ts';
import { SimhashAccumulator } from './simhash.ts';

const mix64 = hash.mix64;
const MIX = hash.mixOut;

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

const acc = new SimhashAccumulator();

/**
 * Features are word bigrams (order matters, so shuffled text differs). Feature i joins words i and
 * i+1; a one-word text has its word as the only feature.
 */
function computeFeatures(tokens: Tokens): { hi: Uint32Array; lo: Uint32Array; count: number } {
  const n = tokens.count;
  if (n === 1) return { hi: tokens.hashHi.slice(0, 1), lo: tokens.hashLo.slice(0, 1), count: 1 };
  const m = Math.max(0, n - 1);
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  const wh = tokens.hashHi;
  const wl = tokens.hashLo;
  for (let i = 0; i < m; i++) {
    const b = wl[i + 1];
    mix64(wh[i] ^ ((b << 13) | (b >>> 19)), wl[i] ^ wh[i + 1]);
    hi[i] = MIX[0];
    lo[i] = MIX[1];
  }
  return { hi, lo, count: m };
}

/**
 * Passage starts: word i starts a passage when its bigram hash is the smallest within `radius`
 * on both sides. The choice depends only on nearby words, so a copied stretch is cut at the
 * same places in the article and on the page, wherever the copy begins (content-defined chunks).
 */
function findCutPoints(lo: Uint32Array, count: number, radius: number): number[] {
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
  acc.reset();
  for (let i = 0; i < f.count; i++) acc.add(f.hi[i], f.lo[i]);
  const doc = acc.finish();
  const docHi = n === 0 ? 0 : doc[0];
  const docLo = n === 0 ? 0 : doc[1];

  const cuts = findCutPoints(f.lo, f.count, config.anchorRadius);
  cuts.push(n);
  const capacity = cuts.length + Math.ceil(n / config.maxPassageWords) + 1;
  const out: RawFingerprints = {
    docHi,
    docLo,
    count: 0,
    hi: new Uint32Array(capacity),
    lo: new Uint32Array(capacity),
    start: new Uint32Array(capacity),
    end: new Uint32Array(capacity),
    firstWord: new Uint32Array(capacity),
    endWord: new Uint32Array(capacity),
  };
  for (let c = 0; c + 1 < cuts.length; c++) {
    // Over-long chunks are split in fixed steps from their (content-defined) start.
    for (let s = cuts[c]; s < cuts[c + 1]; s += config.maxPassageWords) {
      const e = Math.min(cuts[c + 1], s + config.maxPassageWords);
      if (e - s < config.minPassageWords) continue;
      acc.reset();
      // Bigrams wholly inside the passage: its fingerprint depends on its own words only.
      for (let i = s; i < e - 1; i++) acc.add(f.hi[i], f.lo[i]);
      const h = acc.finish();
      const k = out.count++;
      out.hi[k] = h[0];
      out.lo[k] = h[1];
      out.start[k] = tokens.start[s];
      out.end[k] = tokens.end[e - 1];
      out.firstWord[k] = s;
      out.endWord[k] = e;
    }
  }
  return out;
}
