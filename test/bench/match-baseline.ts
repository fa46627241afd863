/**
 * Quality on a labelled reuse set of (1) our engine, (2) simhash-js document hashes and (3) our
 * own 64-bit document simhash alone, each flagging a pair when the distance is <= 3 bits.
 * simhash-js is only a baseline here: 32 bits, and not used anywhere for matching.
 */
import { createRequire } from 'node:module';
import type { Config } from '../../config/index.ts';
import { extractArticle } from '../../src/extract/extract-article.ts';
import { fingerprintText } from '../../src/fingerprint/index.ts';
import { CandidateIndex, matchText } from '../../src/match/index.ts';
import { popcount32 } from '../../src/text/hash64.ts';
import { scoreReuse, type ResultMatch, type ReuseScore } from '../eval/reuse-score.ts';
import { loadLabels, loadOwned, readPage } from '../eval/reuse-set.ts';

const require = createRequire(import.meta.url);
const simhashJs = require('simhash-js') as { SimHash: new () => { hash(s: string): number } };

// The baselines' usual cut-off (reuse-dev/baselines): 3 differing bits.
const DOC_DISTANCE = 3;

const bigDistance = (a: bigint, b: bigint) => {
  let x = a ^ b;
  let n = 0;
  for (; x; x &= x - 1n) n++;
  return n;
};

export function compareOnSet(setDir: string, config: Config['match']): Record<string, ReuseScore> {
  const owned = loadOwned(setDir);
  const labels = loadLabels(setDir);
  const pages = labels.pages.map((p) => ({ file: p.file, text: extractArticle(readPage(setDir, p.file), {}).text }));
  const index = new CandidateIndex(config);
  const fps = owned.map((o) => fingerprintText(o.body, config));
  owned.forEach((o, i) => index.add(o.key, fps[i]));
  const byKey = new Map(owned.map((o) => [o.key, o]));
  const sj = new simhashJs.SimHash();
  const ownedSj = owned.map((o) => sj.hash(o.body) >>> 0);

  const ours = new Map<string, ResultMatch[]>();
  const js = new Map<string, ResultMatch[]>();
  const doc64 = new Map<string, ResultMatch[]>();
  for (const p of pages) {
    ours.set(p.file, matchText(p.text, { index, config, loadArticles: (keys) => keys.map((k) => byKey.get(k)!) }));
    const h = sj.hash(p.text) >>> 0;
    js.set(p.file, owned.flatMap((o, i) => (popcount32(h ^ ownedSj[i]) <= DOC_DISTANCE ? [{ articleId: o.id, coverage: 1, kind: 'reproduction' }] : [])));
    const d = fingerprintText(p.text, config).doc;
    doc64.set(p.file, owned.flatMap((o, i) => (bigDistance(d, fps[i].doc) <= DOC_DISTANCE ? [{ articleId: o.id, coverage: 1, kind: 'reproduction' }] : [])));
  }
  return {
    'copyhound (passages + verification)': scoreReuse(labels, ours),
    'simhash-js doc-level (32 bit, <= 3)': scoreReuse(labels, js),
    'our 64-bit doc simhash only (<= 3)': scoreReuse(labels, doc64),
  };
}
