/**
 * Charikar simhash over 64-bit feature hashes. Bit votes are counted eight at a time in byte
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

export class SimhashAccumulator {
  private readonly lanes = new Uint32Array(16);
  private readonly counts = new Int32Array(64);
  private inLanes = 0;
  private total = 0;
  /** Result of finish(): [hi, lo]. */
  readonly out = new Uint32Array(2);

  reset(): void {
    this.lanes.fill(0);
    this.counts.fill(0);
    this.inLanes = 0;
    this.total = 0;
  }

  add(hi: number, lo: number): void {
    const l = this.lanes;
    const sl = SPREAD_LO;
    const sh = SPREAD_HI;
    let b = lo & 255;
    l[0] += sl[b];
    l[1] += sh[b];
    b = (lo >>> 8) & 255;
    l[2] += sl[b];
    l[3] += sh[b];
    b = (lo >>> 16) & 255;
    l[4] += sl[b];
    l[5] += sh[b];
    b = lo >>> 24;
    l[6] += sl[b];
    l[7] += sh[b];
    b = hi & 255;
    l[8] += sl[b];
    l[9] += sh[b];
    b = (hi >>> 8) & 255;
    l[10] += sl[b];
    l[11] += sh[b];
    b = (hi >>> 16) & 255;
    l[12] += sl[b];
    l[13] += sh[b];
    b = hi >>> 24;
    l[14] += sl[b];
    l[15] += sh[b];
    this.total++;
    if (++this.inLanes === LANE_LIMIT) this.flush();
  }

  private flush(): void {
    const l = this.lanes;
    const c = this.counts;
    // Lane word w holds bits 4w..4w+3 of the 64-bit value (w even: low nibble of byte w/2).
    for (let w = 0; w < 16; w++) {
      const v = l[w];
      const base = w * 4;
      c[base] += v & 255;
      c[base + 1] += (v >>> 8) & 255;
      c[base + 2] += (v >>> 16) & 255;
      c[base + 3] += v >>> 24;
      l[w] = 0;
    }
    this.inLanes = 0;
  }

  /** Bit k is set when more than half of the features have bit k set. */
  finish(): Uint32Array {
    this.flush();
    const c = this.counts;
    const n = this.total;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < 32; k++) {
      if (2 * c[k] > n) lo |= 1 << k;
      if (2 * c[k + 32] > n) hi |= 1 << k;
    }
    this.out[0] = hi >>> 0;
    this.out[1] = lo >>> 0;
    return this.out;
  }
}

/** Reference simhash, one bit at a time (tests). Features as bigints. */
export function simhashReference(features: bigint[]): bigint {
  const counts = new Array<number>(64).fill(0);
  for (const f of features) for (let k = 0; k < 64; k++) if ((f >> BigInt(k)) & 1n) counts[k]++;
  let out = 0n;
  for (let k = 0; k < 64; k++) if (2 * counts[k] > features.length) out |= 1n << BigInt(k);
  return out;
}
