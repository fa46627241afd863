import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { FingerprintIndex } from '../../src/match/index.ts';
import { extractBits } from '../../src/match/block-tables.ts';
import { createSplitMix64, fromBigInt, popcount32, toBigInt, type U64 } from '../../src/text/index.ts';
import { encodeFingerprints, FINGERPRINT_VERSION, type TextFingerprints } from '../../src/fingerprint/index.ts';

const base = loadConfig().match;

function flipBits(v: U64, bits: number[]): U64 {
  let { hi, lo } = v;
  for (const b of bits) {
    if (b < 32) lo = (lo ^ (1 << b)) >>> 0;
    else hi = (hi ^ (1 << (b - 32))) >>> 0;
  }
  return { hi, lo };
}

describe('extractBits', () => {
  it('reads bit ranges inside and across the 32-bit halves', () => {
    const v = 0x0123456789abcdefn;
    const hi = Number(v >> 32n);
    const lo = Number(v & 0xffffffffn);
    for (const [from, width] of [[0, 8], [28, 8], [30, 4], [32, 16], [48, 16], [16, 32], [0, 32], [40, 22]]) {
      expect(extractBits(hi, lo, from, width)).toBe(Number((v >> BigInt(from)) & ((1n << BigInt(width)) - 1n)));
    }
  });
});

describe('FingerprintIndex', () => {
  for (const maxDistance of [0, 2, 3, 5]) {
    it(`finds exactly what a brute-force scan finds (maxDistance ${maxDistance}, random data)`, () => {
      const next = createSplitMix64(7, maxDistance);
      const index = new FingerprintIndex({ ...base, maxDistance, maxArticlesPerPassage: 1_000_000, maxCandidates: 1_000_000 });
      const stored: { key: number; hash: bigint }[] = [];
      const bases: U64[] = [];
      // ~5000 entries: crosses the linear-pending limit so segments and pending are both used.
      for (let key = 1; key <= 500; key++) {
        const fp: TextFingerprints = { version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: 0n, passages: [] };
        const d = next();
        fp.doc = toBigInt(d.hi, d.lo);
        for (let p = 0; p < 9; p++) {
          const h = next();
          bases.push(h);
          fp.passages.push({ hash: toBigInt(h.hi, h.lo), start: 0, end: 1 });
        }
        index.add(key, fp);
        stored.push({ key, hash: fp.doc }, ...fp.passages.map((p) => ({ key, hash: p.hash })));
      }
      const flat = stored.map((s) => ({ key: s.key, ...fromBigInt(s.hash) }));
      for (let q = 0; q < 300; q++) {
        const r = next();
        const b = bases[r.lo % bases.length];
        const flips = Array.from({ length: r.hi % (maxDistance + 3) }, (_, i) => (r.hi >>> (i * 3)) % 64 + (i % 2));
        const query = flipBits(b, flips);
        const qb = toBigInt(query.hi, query.lo);
        const expected = [...new Set(flat.filter((s) => popcount32(s.hi ^ query.hi) + popcount32(s.lo ^ query.lo) <= maxDistance).map((s) => s.key))].sort((x, y) => x - y);
        expect(index.lookup(qb).sort((x, y) => x - y)).toEqual(expected);
      }
    });
  }

  it('supports remove, re-add and compaction', () => {
    const next = createSplitMix64(99, 1);
    const index = new FingerprintIndex({ ...base, maxDistance: 3 });
    const hashes = new Map<number, bigint>();
    for (let key = 1; key <= 2000; key++) {
      const h = next();
      const hash = toBigInt(h.hi, h.lo);
      hashes.set(key, hash);
      index.add(key, { version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: hash, passages: [{ hash: hash ^ 1n, start: 0, end: 5 }] });
    }
    expect(index.size).toBe(2000);
    expect(index.lookup(hashes.get(17)!)).toEqual([17]);
    for (let key = 1; key <= 1500; key++) index.remove(key); // triggers compaction
    expect(index.size).toBe(500);
    expect(index.has(17)).toBe(false);
    expect(index.lookup(hashes.get(17)!)).toEqual([]);
    expect(index.lookup(hashes.get(1717)!)).toEqual([1717]);
    expect(index.entryCount).toBeLessThan(2000);
    index.add(17, { version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: hashes.get(17)!, passages: [] });
    index.add(1717, { version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: hashes.get(5)!, passages: [] }); // replaces the old entries
    expect(index.lookup(hashes.get(17)!)).toEqual([17]);
    expect(index.lookup(hashes.get(1717)!)).toEqual([]);
    expect(index.lookup(hashes.get(5)!)).toEqual([1717]);
    expect(index.size).toBe(501);
    expect(() => index.add(0, { version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: 1n, passages: [] })).toThrow(/positive/);
    expect(() => index.add(5, { version: 99, winnow: new Uint32Array(0), doc: 1n, passages: [] })).toThrow(/version 99/);
  });

  it('addEncoded (from a stored blob) indexes the same as add', () => {
    const next = createSplitMix64(5, 5);
    const a = new FingerprintIndex(base);
    const b = new FingerprintIndex(base);
    const queries: bigint[] = [];
    for (let key = 1; key <= 50; key++) {
      const hashes = Array.from({ length: 6 }, () => {
        const h = next();
        return toBigInt(h.hi, h.lo);
      });
      queries.push(...hashes);
      const fp: TextFingerprints = { version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: hashes[0], passages: hashes.slice(1).map((hash, i) => ({ hash, start: i, end: i + 1 })) };
      a.add(key, fp);
      b.addEncoded(key, encodeFingerprints(fp));
    }
    for (const q of queries) expect(b.lookup(q)).toEqual(a.lookup(q));
    expect(b.size).toBe(50);
    const old = encodeFingerprints({ version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: 1n, passages: [] });
    old[0] = 9;
    expect(() => b.addEncoded(51, old)).toThrow(/version 9/);
  });

  it('ranks candidates by shared passages and ignores passages common to many articles', () => {
    const index = new FingerprintIndex({ ...base, maxDistance: 1, maxArticlesPerPassage: 3, maxCandidates: 2 });
    const common = 0xabcdefn;
    const fp = (hashes: bigint[]): TextFingerprints => ({ version: FINGERPRINT_VERSION, winnow: new Uint32Array(0), doc: 0n, passages: hashes.map((hash) => ({ hash, start: 0, end: 1 })) });
    index.add(1, fp([common, 0x1111n << 40n, 0x2222n << 40n]));
    index.add(2, fp([common, 0x3333n << 40n]));
    index.add(3, fp([common]));
    index.add(4, fp([common, 0x4444n << 40n]));
    const page = fp([common, 0x1111n << 40n, 0x2222n << 40n, 0x3333n << 40n]);
    page.doc = 0x7777n << 20n;
    expect(index.findCandidates(page)).toEqual([1, 2]);
    expect(index.memoryBytes()).toBeGreaterThan(0);
  });
});
