/**
 * 64-bit hashing on pairs of 32-bit halves (no BigInt on the hot path).
 * FNV-1a 64 (over UTF-8 bytes) names words; the SplitMix64 finaliser spreads them and combines
 * shingles. Both are checked against published test vectors in test/match/hash64.test.ts.
 */

/** A 64-bit value as two unsigned 32-bit halves. */
export interface U64 {
  hi: number;
  lo: number;
}

/** High 32 bits of the 64-bit product of two unsigned 32-bit numbers. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

// Scratch output of the multiply: returning objects would allocate on every call.
let outHi = 0;
let outLo = 0;

/** (aHi:aLo) * (bHi:bLo) mod 2^64 into outHi/outLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = Math.imul(aLo, bLo) >>> 0;
  const hi = (mulHigh32(aLo, bLo) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
  outHi = hi;
  outLo = lo;
}

const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
const FNV_PRIME_HI = 0x00000100;
const FNV_PRIME_LO = 0x000001b3;

/** FNV-1a 64 of the UTF-8 encoding of `s`. */
export function fnv1a64(s: string): U64 {
  let hi = FNV_OFFSET_HI;
  let lo = FNV_OFFSET_LO;
  const step = (byte: number) => {
    lo = (lo ^ byte) >>> 0;
    mul64(hi, lo, FNV_PRIME_HI, FNV_PRIME_LO);
    hi = outHi;
    lo = outLo;
  };
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) step(c);
    else if (c < 0x800) {
      step(0xc0 | (c >> 6));
      step(0x80 | (c & 63));
    } else {
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          step(0xf0 | (c >> 18));
          step(0x80 | ((c >> 12) & 63));
          step(0x80 | ((c >> 6) & 63));
          step(0x80 | (c & 63));
          continue;
        }
      }
      step(0xe0 | (c >> 12));
      step(0x80 | ((c >> 6) & 63));
      step(0x80 | (c & 63));
    }
  }
  return { hi, lo };
}

/** Output of mix64: [hi, lo]. A shared scratch array, so hot loops allocate nothing. */
export const mixOut = new Uint32Array(2);

/** SplitMix64 finaliser (Stafford's Mix13): a bijection with full avalanche. Result in mixOut. */
export function mix64(hi: number, lo: number): void {
  // z ^= z >>> 30
  lo = (lo ^ ((lo >>> 30) | (hi << 2))) >>> 0;
  hi = (hi ^ (hi >>> 30)) >>> 0;
  mul64(hi, lo, 0xbf58476d, 0x1ce4e5b9);
  hi = outHi;
  lo = outLo;
  // z ^= z >>> 27
  lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0;
  hi = (hi ^ (hi >>> 27)) >>> 0;
  mul64(hi, lo, 0x94d049bb, 0x133111eb);
  hi = outHi;
  lo = outLo;
  // z ^= z >>> 31
  mixOut[1] = lo ^ ((lo >>> 31) | (hi << 1));
  mixOut[0] = hi ^ (hi >>> 31);
}

/** SplitMix64 generator: the standard test vectors pin down mix64 (seed 0 -> 0xe220a8397b1dcdaf). */
export function createSplitMix64(seedHi: number, seedLo: number): () => U64 {
  let hi = seedHi >>> 0;
  let lo = seedLo >>> 0;
  return () => {
    const sum = lo + 0x7f4a7c15;
    lo = sum >>> 0;
    hi = (hi + 0x9e3779b9 + (sum > 0xffffffff ? 1 : 0)) >>> 0;
    mix64(hi, lo);
    return { hi: mixOut[0], lo: mixOut[1] };
  };
}

/** 64-bit halves as a bigint (for storage and interfaces, not hot loops). */
export function toBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function fromBigInt(v: bigint): U64 {
  return { hi: Number((v >> 32n) & 0xffffffffn), lo: Number(v & 0xffffffffn) };
}

/** Number of differing bits between two 32-bit values. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
