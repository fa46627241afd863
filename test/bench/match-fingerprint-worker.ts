/**
 * Worker for bench:match: generates and fingerprints synthetic articles [from, to) and posts them
 * in batches as packed typed arrays (per article: document hash, then passage hashes).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../../config/index.ts';
import { fingerprintTokensRaw } from '../../src/fingerprint/passages.ts';
import { winnowTokens } from '../../src/fingerprint/winnow.ts';
import { articleTokens, createVocabulary, generateArticle } from './match-synth.ts';

export interface FingerprintBatch {
  firstKey: number;
  counts: Uint16Array;
  hi: Uint32Array;
  lo: Uint32Array;
  /** Winnowed k-gram hashes per article (distinct), packed. */
  winnowCounts: Uint16Array;
  winnow: Uint32Array;
  /** Wall time the worker spent on the batch (process CPU time would count all threads). */
  cpuMs: number;
}

const { from, to, batch, config } = workerData as { from: number; to: number; batch: number; config: Config['match'] };
const vocab = createVocabulary();
for (let start = from; start < to; start += batch) {
  const t0 = performance.now();
  const end = Math.min(to, start + batch);
  const counts = new Uint16Array(end - start);
  const his: Uint32Array[] = [];
  const los: Uint32Array[] = [];
  const winnowCounts = new Uint16Array(end - start);
  const winnows: Uint32Array[] = [];
  let total = 0;
  let winnowTotal = 0;
  for (let key = start; key < end; key++) {
    const tokens = articleTokens(vocab, generateArticle(vocab, key));
    const raw = fingerprintTokensRaw(tokens, config);
    const w = winnowTokens(tokens, config);
    winnows.push(w);
    winnowCounts[key - start] = w.length;
    winnowTotal += w.length;
    const n = raw.count + 1;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    hi[0] = raw.docHi;
    lo[0] = raw.docLo;
    hi.set(raw.hi.subarray(0, raw.count), 1);
    lo.set(raw.lo.subarray(0, raw.count), 1);
    his.push(hi);
    los.push(lo);
    counts[key - start] = n;
    total += n;
  }
  const hi = new Uint32Array(total);
  const lo = new Uint32Array(total);
  let o = 0;
  his.forEach((h, i) => {
    hi.set(h, o);
    lo.set(los[i], o);
    o += h.length;
  });
  const winnow = new Uint32Array(winnowTotal);
  o = 0;
  for (const w of winnows) {
    winnow.set(w, o);
    o += w.length;
  }
  const msg: FingerprintBatch = { firstKey: start, counts, hi, lo, winnowCounts, winnow, cpuMs: performance.now() - t0 };
  parentPort!.postMessage(msg, [counts.buffer, hi.buffer, lo.buffer, winnowCounts.buffer, winnow.buffer]);
}
