import { describe, expect, it } from 'vitest';
import { createSplitMix64, fnv1a64, popcount32, toBigInt, fromBigInt } from '../../src/text/index.ts';

const hex = (v: { hi: number; lo: number }) => toBigInt(v.hi, v.lo).toString(16).padStart(16, '0');

describe('64-bit hashes', () => {
  it('FNV-1a 64 matches the published test vectors', () => {
    expect(hex(fnv1a64(''))).toBe('cbf29ce484222325');
    expect(hex(fnv1a64('a'))).toBe('af63dc4c8601ec8c');
    expect(hex(fnv1a64('foobar'))).toBe('85944171f73967e8');
  });

  it('FNV-1a 64 hashes UTF-8 bytes (BMP and astral characters)', () => {
    const M = (1n << 64n) - 1n;
    const reference = (s: string) => {
      let h = 0xcbf29ce484222325n;
      for (const b of Buffer.from(s, 'utf8')) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M;
      return h.toString(16).padStart(16, '0');
    };
    for (const s of ['café', '日本語', 'naïve 😀 x', 'ﬁ']) expect(hex(fnv1a64(s))).toBe(reference(s));
  });

  it('SplitMix64 (seed 0) yields the reference sequence, so mix64 is exact', () => {
    const next = createSplitMix64(0, 0);
    expect(hex(next())).toBe('e220a8397b1dcdaf');
    expect(hex(next())).toBe('6e789e6aa1b965f4');
    expect(hex(next())).toBe('06c45d188009454f');
  });

  it('SplitMix64 matches a bigint reference from other seeds (carry across halves)', () => {
    const M = (1n << 64n) - 1n;
    let s = 0xfffffffffffffff0n;
    const ref = () => {
      s = (s + 0x9e3779b97f4a7c15n) & M;
      let z = s;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
      return (z ^ (z >> 31n)).toString(16).padStart(16, '0');
    };
    const next = createSplitMix64(0xffffffff, 0xfffffff0);
    for (let i = 0; i < 100; i++) expect(hex(next())).toBe(ref());
  });

  it('bigint round trip and popcount', () => {
    const v = 0x8000000100000001n;
    const u = fromBigInt(v);
    expect(toBigInt(u.hi, u.lo)).toBe(v);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    expect(popcount32(0)).toBe(0);
  });
});
