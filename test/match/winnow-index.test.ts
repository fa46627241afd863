import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { queryKgrams, winnowTokens } from '../../src/fingerprint/index.ts';
import { WinnowIndex } from '../../src/match/index.ts';
import { createSplitMix64, tokenize } from '../../src/text/index.ts';
import { makeText } from './match-helpers.ts';

const config = loadConfig().match;

/** Distinct sorted random hashes. */
function randomHashes(seed: number, n: number): Uint32Array {
  const next = createSplitMix64(seed, 1);
  const set = new Set<number>();
  while (set.size < n) set.add(next().lo >>> 0);
  return Uint32Array.from([...set]).sort();
}

describe('winnowing', () => {
  it('keeps a hash in every window, so a shared run of w + k - 1 words is always found', () => {
    const text = makeText(7, 400);
    const tokens = tokenize(text);
    const kept = winnowTokens(tokens, config);
    // Density ~2/(w+1) of the k-grams.
    expect(kept.length).toBeGreaterThan(400 / (config.winnowWindow + 1));
    expect(kept.length).toBeLessThan((3 * 400) / (config.winnowWindow + 1));
    const words = text.split(' ');
    const span = config.winnowWindow + config.winnowWords - 1;
    for (let from = 0; from + span <= words.length; from += 17) {
      const run = queryKgrams(tokenize(words.slice(from, from + span).join(' ')), config);
      expect(run.some((h) => kept.includes(h))).toBe(true);
    }
  });

  it('never keeps a k-gram of function words only', () => {
    expect(winnowTokens(tokenize('of the and to in on at by for with from of the and to'), config)).toHaveLength(0);
    expect(queryKgrams(tokenize('it is in the'), config)).toHaveLength(0);
    expect(queryKgrams(tokenize('it is rain'), config)).toHaveLength(1);
  });
});

describe('WinnowIndex', () => {
  it('finds articles by shared hashes across merged segments, with removal and re-adding', () => {
    const index = new WinnowIndex({ pendingLimit: 64 });
    const docs = Array.from({ length: 300 }, (_, i) => randomHashes(i + 1, 40));
    docs.forEach((h, i) => index.add(i + 1, h));
    expect(index.size).toBe(300);
    expect(index.segmentCount).toBeLessThanOrEqual(Math.ceil(Math.log2(300 * 40)) + 1);
    for (const key of [1, 77, 150, 300]) {
      const hits = index.countHits(docs[key - 1].subarray(0, 10), 32, 3);
      expect([...hits]).toEqual([[key, 10]]);
    }
    for (let key = 1; key <= 120; key++) index.remove(key);
    expect(index.size).toBe(180);
    expect(index.countHits(docs[10], 32, 1).size).toBe(0);
    expect([...index.countHits(docs[200], 32, 1)]).toEqual([[201, 40]]);
    // Re-adding a key replaces its hashes.
    index.add(201, docs[5]);
    expect(index.countHits(docs[200], 32, 1).size).toBe(0);
    expect([...index.countHits(docs[5], 32, 1)]).toEqual([[201, 40]]);
    index.optimize();
    expect(index.segmentCount).toBe(1);
    expect([...index.countHits(docs[5], 32, 1)]).toEqual([[201, 40]]);
    expect(index.memoryBytes()).toBeGreaterThan(0);
  });

  it('ignores a hash common to more than maxArticles articles and needs minHits shared hashes', () => {
    const index = new WinnowIndex({ pendingLimit: 16 });
    const common = 0xdeadbeef;
    for (let key = 1; key <= 10; key++) index.add(key, Uint32Array.from([common, key * 1000, key * 1000 + 1].sort((a, b) => a - b)));
    expect(index.countHits(Uint32Array.from([common]), 5, 1).size).toBe(0);
    expect(index.countHits(Uint32Array.from([common]), 10, 1).size).toBe(10);
    const page = Uint32Array.from([common, 3000, 3001, 4000]);
    expect([...index.countHits(page, 5, 2)]).toEqual([[3, 2]]);
    expect([...index.countHits(page, 5, 3)]).toEqual([]);
  });
});
