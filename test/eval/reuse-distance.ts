/**
 * Why COPYHOUND_MATCH_MAX_DISTANCE has its default: for every labelled pair of a reuse set,
 * how many page passages lie within distance d (0..8) of one of the article's passages, and how
 * many unrelated (page, article) pairs do.   npx tsx test/eval/reuse-distance.ts --set DIR
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.ts';
import { extractArticle } from '../../src/extract/extract-article.ts';
import { fingerprintText } from '../../src/fingerprint/index.ts';
import { fromBigInt, popcount32 } from '../../src/text/hash64.ts';
import { loadLabels, loadOwned, readPage } from './reuse-set.ts';

const MAX_D = 8;
const { values } = parseArgs({ options: { set: { type: 'string' } } });
if (!values.set) throw new Error('usage: tsx test/eval/reuse-distance.ts --set DIR');
const config = loadConfig(process.env).match;
const owned = loadOwned(values.set);
const ownedFp = new Map(owned.map((o) => [o.id, fingerprintText(o.body, config).passages.map((p) => fromBigInt(p.hash))]));
const labels = loadLabels(values.set);

// byClass[class][d] = pairs whose best page passage hit count at distance <= d is zero (missed by the index).
const missed: Record<string, number[]> = {};
const pairs: Record<string, number> = {};
const hits: Record<string, number[]> = {};
const unrelatedHits = new Array<number>(MAX_D + 1).fill(0);
let unrelatedPairs = 0;
for (const page of labels.pages) {
  const pp = fingerprintText(extractArticle(readPage(values.set, page.file), {}).text, config).passages.map((p) => fromBigInt(p.hash));
  const listed = new Set(page.pairs.map((p) => p.articleId));
  const countWithin = (ap: { hi: number; lo: number }[]) => {
    const best = pp.map((q) => Math.min(...ap.map((a) => popcount32(a.hi ^ q.hi) + popcount32(a.lo ^ q.lo))));
    return Array.from({ length: MAX_D + 1 }, (_, d) => best.filter((b) => b <= d).length);
  };
  for (const pair of page.pairs) {
    const c = countWithin(ownedFp.get(pair.articleId) ?? []);
    const key = `${page.class}`;
    missed[key] ??= new Array(MAX_D + 1).fill(0);
    hits[key] ??= new Array(MAX_D + 1).fill(0);
    pairs[key] = (pairs[key] ?? 0) + 1;
    c.forEach((n, d) => {
      if (n === 0) missed[key][d]++;
      hits[key][d] += n;
    });
  }
  // Unrelated pairs: owned articles not on the page (a sample of 5 per page).
  for (const o of owned.filter((o) => !listed.has(o.id)).slice(0, 5)) {
    const c = countWithin(ownedFp.get(o.id)!);
    unrelatedPairs++;
    c.forEach((n, d) => (unrelatedHits[d] += n));
  }
}
console.log(`d = ${Array.from({ length: MAX_D + 1 }, (_, d) => d).join(' / ')}`);
for (const c of Object.keys(pairs)) {
  console.log(`${c.padEnd(14)} ${pairs[c]} pairs; pairs with no passage hit: ${missed[c].join(' / ')}; mean hits per pair: ${hits[c].map((h) => (h / pairs[c]).toFixed(1)).join(' / ')}`);
}
console.log(`unrelated pairs (${unrelatedPairs}): mean passage hits ${unrelatedHits.map((h) => (h / unrelatedPairs).toFixed(3)).join(' / ')}`);
