/**
 * Charikar simhash over 64-bit feature hashes. Bit votes are counted four at a time in byte
 * lanes of 32-bit words (SWAR), so one feature costs 16 additions instead of 64 branches.
 */

// Byte lanes overflow at 255: counts are flushed into 32-bit counters before that.
const LANE_LIMIT = 255;

/** SPREAD_LO[b] has byte lane k = bit k of b (k < 4); SPREAD_HI the same for bits 4-7. */
const SPREAD_LO = new Uint32Array(256);
const SPREAD_HI = new Uint32Array(256);
for (let b = 0; b < 256; b++) {
  for (let k = 0; k < 4; k++) {
    if (b & (1 << k)) SPREAD_LO[b] |= 1 << (8 * k);
    if (b & (1 << (k + 4))) SPREAD_HI[b] |= 1 << (8 * k);
  }
}

/**
 * Adds the bit votes of features [from, to) to counts[0..63] (bit k of the 64-bit value hi:lo).
 * Lanes live in local variables so the loop stays in registers.
 */
export function countBits(fHi: Uint32Array, fLo: Uint32Array, from: number, to: number, counts: Int32Array): void {
  const sl = SPREAD_LO;
  const sh = SPREAD_HI;
  let i = from;
  while (i < to) {
    const stop = Math.min(to, i + LANE_LIMIT);
    let l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0, l5 = 0, l6 = 0, l7 = 0;
    let l8 = 0, l9 = 0, l10 = 0, l11 = 0, l12 = 0, l13 = 0, l14 = 0, l15 = 0;
    for (; i < stop; i++) {
      const lo = fLo[i];
      const hi = fHi[i];
      let b = lo & 255;
      l0 += sl[b];
      l1 += sh[b];
      b = (lo >>> 8) & 255;
      l2 += sl[b];
      l3 += sh[b];
      b = (lo >>> 16) & 255;
      l4 += sl[b];
      l5 += sh[b];
      b = lo >>> 24;
      l6 += sl[b];
      l7 += sh[b];
      b = hi & 255;
      l8 += sl[b];
      l9 += sh[b];
      b = (hi >>> 8) & 255;
      l10 += sl[b];
      l11 += sh[b];
      b = (hi >>> 16) & 255;
      l12 += sl[b];
      l13 += sh[b];
      b = hi >>> 24;
      l14 += sl[b];
      l15 += sh[b];
    }
    const lanes = [l0, l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13, l14, l15];
    for (let w = 0; w < 16; w++) {
      const v = lanes[w];
      const base = w * 4;
      counts[base] += v & 255;
      counts[base + 1] += (v >>> 8) & 255;
      counts[base + 2] += (v >>> 16) & 255;
      counts[base + 3] += v >>> 24;
    }
  }
}

/**
 * Majority bits of counts over n features into out = [hi, lo]. Ties (common in short passages)
 * take the bit of a tie-break value (the first feature) so bits stay balanced instead of leaning to 0.
 */
export function majorityBits(counts: Int32Array, n: number, out: Uint32Array, tieHi = 0, tieLo = 0): void {
  let lo = 0;
  let hi = 0;
  for (let k = 0; k < 32; k++) {
    const a = 2 * counts[k];
    if (a > n || (a === n && (tieLo >>> k) & 1)) lo |= 1 << k;
    const b = 2 * counts[k + 32];
    if (b > n || (b === n && (tieHi >>> k) & 1)) hi |= 1 << k;
  }
  out[0] = hi >>> 0;
  out[1] = lo >>> 0;
}

/** Reference simhash, one bit at a time (tests). Features as bigints. */
export function simhashReference(features: bigint[]): bigint {
  const counts = new Array<number>(64).fill(0);
  for (const f of features) for (let k = 0; k < 64; k++) if ((f >> BigInt(k)) & 1n) counts[k]++;
  let out = 0n;
  for (let k = 0; k < 64; k++) if (2 * counts[k] > features.length) out |= 1n << BigInt(k);
  return out;
}
