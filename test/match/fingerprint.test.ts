import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { describeFingerprintMethod, decodeFingerprintHashes, decodeFingerprints, encodeFingerprints, fingerprintText, FINGERPRINT_VERSION, countBits, majorityBits, simhashReference } from '../../src/fingerprint/index.ts';
import { createSplitMix64, toBigInt, tokenize } from '../../src/text/index.ts';
import { computeFeatures, fingerprintDocumentRaw, fingerprintTokensRaw } from '../../src/fingerprint/passages.ts';
import { makeText } from './match-helpers.ts';

const config = loadConfig().match;
const hamming = (a: bigint, b: bigint) => {
  let x = a ^ b;
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
};

describe('simhash', () => {
  it('equals the bit-by-bit reference, also past the 255-feature lane flush', () => {
    const next = createSplitMix64(1, 2);
    for (const size of [1, 2, 7, 254, 255, 256, 1000]) {
      const features: bigint[] = [];
      const hi = new Uint32Array(size + 3);
      const lo = new Uint32Array(size + 3);
      for (let i = 0; i < size; i++) {
        const f = next();
        features.push(toBigInt(f.hi, f.lo));
        hi[i + 3] = f.hi;
        lo[i + 3] = f.lo;
      }
      const counts = new Int32Array(64);
      countBits(hi, lo, 3, size + 3, counts);
      const out = new Uint32Array(2);
      majorityBits(counts, size, out);
      expect(toBigInt(out[0], out[1])).toBe(simhashReference(features));
    }
  });
});

describe('majorityBits', () => {
  it('breaks ties with the given bits instead of always 0', () => {
    const counts = new Int32Array(64).fill(1);
    counts[0] = 2;
    const out = new Uint32Array(2);
    majorityBits(counts, 2, out, 0x80000000, 0x00000002);
    expect([out[0], out[1]]).toEqual([0x80000000, 0x00000003]);
  });
});

describe('fingerprintText', () => {
  const text = makeText(1, 600);

  it('gives a document hash and passages with offsets into the text', () => {
    const fp = fingerprintText(text, config);
    expect(fp.version).toBe(FINGERPRINT_VERSION);
    expect(fp.passages.length).toBeGreaterThan(20);
    for (const p of fp.passages) {
      expect(p.end).toBeGreaterThan(p.start);
      expect(text[p.start]).toMatch(/\p{L}/u);
      expect(text[p.end - 1]).toMatch(/[\p{L}\p{N}]/u);
    }
    expect(fingerprintText('', config)).toEqual({ version: FINGERPRINT_VERSION, doc: 0n, passages: [], winnow: new Uint32Array(0) });
  });

  it('the document hash is the simhash of all bigram features (passage votes reused exactly)', () => {
    for (const t of [text, makeText(4, 37), 'one', 'one two', '']) {
      const tokens = tokenize(t);
      const f = computeFeatures(tokens);
      const counts = new Int32Array(64);
      countBits(f.hi, f.lo, 0, f.count, counts);
      const out = new Uint32Array(2);
      majorityBits(counts, f.count, out, f.hi[0], f.lo[0]);
      const raw = fingerprintTokensRaw(tokens, config);
      expect([raw.docHi, raw.docLo]).toEqual(tokens.count ? [out[0], out[1]] : [0, 0]);
    }
  });

  it('cuts a copied stretch at the same places wherever the copy starts', () => {
    const inner = text.slice(text.indexOf(' ', 800) + 1, text.indexOf(' ', 2500));
    const page = `${makeText(2, 100)}\n\n${inner}\n\n${makeText(3, 100)}`;
    const a = new Set(fingerprintText(text, config).passages.map((p) => p.hash));
    const pagePassages = fingerprintText(page, config).passages;
    const shared = pagePassages.filter((p) => a.has(p.hash));
    expect(shared.length).toBeGreaterThan(5);
    const offset = page.indexOf(inner);
    for (const p of shared) expect(page.slice(p.start, p.end)).toBe(text.slice(text.indexOf(page.slice(p.start, p.end)), text.indexOf(page.slice(p.start, p.end)) + p.end - p.start));
    expect(shared.every((p) => p.start >= offset)).toBe(true);
  });

  it('document hashes of a lightly edited copy are close, of unrelated texts far', () => {
    const edited = text.replace(/\bw1\b/g, 'zz').replace(/\bw7\b/g, 'yy');
    const d1 = hamming(fingerprintText(text, config).doc, fingerprintText(edited, config).doc);
    const d2 = hamming(fingerprintText(text, config).doc, fingerprintText(makeText(9, 600), config).doc);
    expect(d1).toBeLessThan(d2);
    expect(d2).toBeGreaterThan(16);
  });

  it('the document fingerprint alone equals the one computed with the passages', () => {
    for (const t of [text, makeText(4, 37), makeText(9, 2500), 'one', 'one two', '']) {
      const tokens = tokenize(t);
      const all = fingerprintTokensRaw(tokens, config);
      expect(fingerprintDocumentRaw(tokens)).toEqual({ docHi: all.docHi, docLo: all.docLo });
    }
  });

  it('names the method and settings the stored fingerprints depend on', () => {
    expect(describeFingerprintMethod(config)).toBe(`v${FINGERPRINT_VERSION}:r6:p6-40:k3w8`);
    expect(describeFingerprintMethod({ ...config, anchorRadius: 8 })).not.toBe(describeFingerprintMethod(config));
    expect(describeFingerprintMethod({ ...config, winnowWords: 4 })).not.toBe(describeFingerprintMethod(config));
    expect(describeFingerprintMethod({ ...config, winnowWindow: 6 })).not.toBe(describeFingerprintMethod(config));
  });

  it('encodes and decodes losslessly and rejects truncated blobs', () => {
    const fp = fingerprintText(text, config);
    const buf = encodeFingerprints(fp);
    expect(decodeFingerprints(new Uint8Array(buf))).toEqual(fp);
    const packed = decodeFingerprintHashes(buf);
    expect(packed.count).toBe(fp.passages.length + 1);
    expect(toBigInt(packed.hi[0], packed.lo[0])).toBe(fp.doc);
    expect(toBigInt(packed.hi[3], packed.lo[3])).toBe(fp.passages[2].hash);
    expect(() => decodeFingerprints(buf.subarray(0, buf.length - 3))).toThrow(/wrong length/);
  });
});
