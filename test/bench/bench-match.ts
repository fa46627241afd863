/**
 * Match engine benchmark.
 *   npm run bench:match [-- --sizes 100000,1000000 --set /work/shared/datasets/reuse-dev --pages 1000 --workers 2]
 * Builds indexes of synthetic owned articles (~600 words, Zipf vocabulary), reports build time,
 * memory, lookup latency, fingerprint throughput, end-to-end matchText pages/s on a 100k corpus,
 * and (with --set) quality against the simhash-js baseline. Timings are on a shared 2-core box.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../config/index.ts';
import { fingerprintText, fingerprintTokensRaw, toTextFingerprints } from '../../src/fingerprint/index.ts';
import { FingerprintIndex, matchText, type OwnedText } from '../../src/match/index.ts';
import { createSplitMix64 } from '../../src/text/hash64.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { formatScore } from '../eval/reuse-score.ts';
import { loadOwned } from '../eval/reuse-set.ts';
import { compareOnSet } from './match-baseline.ts';
import type { FingerprintBatch } from './match-fingerprint-worker.ts';
import { generatePages } from './match-pages.ts';
import { articleTokens, createVocabulary, generateArticle, renderArticle, type Vocabulary } from './match-synth.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    set: { type: 'string' },
    pages: { type: 'string', default: '1000' },
    lookups: { type: 'string', default: '20000' },
    workers: { type: 'string', default: String(Math.max(1, Math.min(4, availableParallelism()))) },
  },
});
const sizes = values.sizes!.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const pageCount = Number(values.pages);
const workers = Number(values.workers);
// Workers do not inherit tsx's loader on Node 20: the bootstrap registers it, then loads the .ts worker.
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
  tsx.register();
  return import(${JSON.stringify(new URL('./match-fingerprint-worker.ts', import.meta.url).href)});
});`;

const config = loadConfig(process.env).match;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
/** RSS after garbage collection; ArrayBuffer memory is released asynchronously, hence the waits. */
const rss = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 150));
  }
  return process.memoryUsage().rss;
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
const ms = (x: number) => `${x.toFixed(3)} ms`;

const vocab = createVocabulary();
console.log(`config: maxDistance ${config.maxDistance}, anchorRadius ${config.anchorRadius}, passages ${config.minPassageWords}-${config.maxPassageWords} words`);

checkEquivalence(vocab);
measureFingerprintThroughput(vocab);

for (const size of sizes) {
  const baseRss = await rss();
  const index = await buildIndex(size);
  const indexRss = await rss();
  console.log(`  memory: RSS ${mb(indexRss)} total (${mb(indexRss - baseRss)} for the index); index arrays ${mb(index.memoryBytes())} = ${(index.memoryBytes() / index.entryCount).toFixed(1)} bytes per fingerprint (${index.entryCount} fingerprints, ${(index.entryCount / size).toFixed(1)} per article)`);
  measureLookups(vocab, index, size);
  if (size <= 100_000) measureMatchText(vocab, index, size);
}
if (!sizes.some((s) => s <= 100_000)) {
  const index = await buildIndex(100_000);
  measureMatchText(vocab, index, 100_000);
}

if (values.set) {
  console.log(`\nquality on ${values.set} (page text from extractArticle):`);
  const t0 = performance.now();
  for (const [name, score] of Object.entries(compareOnSet(values.set, config))) {
    console.log(`\n## ${name}\n${formatScore(score)}`);
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

function checkEquivalence(v: Vocabulary): void {
  // The bulk path fingerprints token arrays directly; it must equal fingerprintText of the text.
  for (let key = 1; key <= 50; key++) {
    const a = generateArticle(v, key);
    const viaText = fingerprintText(renderArticle(v, a), config);
    const viaTokens = toTextFingerprints(fingerprintTokensRaw(articleTokens(v, a), config));
    if (JSON.stringify(viaText, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) !== JSON.stringify(viaTokens, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))) {
      throw new Error(`synthetic token path differs from fingerprintText for article ${key}`);
    }
  }
  console.log('synthetic token path == fingerprintText(text) on 50 articles: ok');
}

function measureFingerprintThroughput(v: Vocabulary): void {
  const texts = Array.from({ length: 2000 }, (_, i) => renderArticle(v, generateArticle(v, 9_000_000 + i)));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  for (const t of texts.slice(0, 200)) fingerprintText(t, config); // warm up
  const t0 = performance.now();
  for (const t of texts) fingerprintText(t, config);
  const sec = (performance.now() - t0) / 1000;
  console.log(`fingerprintText (tokenize + simhash), synthetic Latin text: ${(bytes / 1e6 / sec).toFixed(1)} MB/s, ${Math.round(texts.length / sec)} articles/s`);
  if (values.set) {
    const bodies = loadOwned(values.set).map((o) => o.body);
    const b = bodies.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const t1 = performance.now();
    for (let r = 0; r < 5; r++) for (const t of bodies) fingerprintText(t, config);
    const s1 = (performance.now() - t1) / 1000;
    console.log(`fingerprintText on the set's owned bodies (mixed scripts incl. CJK): ${((5 * b) / 1e6 / s1).toFixed(1)} MB/s`);
  }
}

/**
 * Generates and fingerprints the synthetic corpus in worker threads (one per core: on a 2-core box
 * a 1M-article corpus takes minutes on one), inserting batches as they arrive.
 */
async function buildIndex(size: number): Promise<FingerprintIndex> {
  console.log(`\n# ${size.toLocaleString('en')} owned articles`);
  const index = new FingerprintIndex(config);
  // ~47 fingerprints per 600-word article; reserving avoids a 1.5x growth copy at the end.
  index.reserve(Math.ceil(size * 48), size);
  const t0 = performance.now();
  let fingerprintCpuMs = 0;
  let insertMs = 0;
  const per = Math.ceil(size / workers);
  await Promise.all(
    Array.from({ length: workers }, (_, w) => {
      const from = 1 + w * per;
      const to = Math.min(size + 1, from + per);
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { from, to, batch: 5000, config } });
        worker.on('message', (b: FingerprintBatch) => {
          const t = performance.now();
          let o = 0;
          for (let i = 0; i < b.counts.length; i++) {
            index.addHashes(b.firstKey + i, b.hi.subarray(o, o + b.counts[i]), b.lo.subarray(o, o + b.counts[i]), b.counts[i]);
            o += b.counts[i];
          }
          insertMs += performance.now() - t;
          fingerprintCpuMs += b.cpuMs;
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
      });
    }),
  );
  const s0 = performance.now();
  index.seal();
  const sealMs = performance.now() - s0;
  const total = performance.now() - t0;
  console.log(`  build: ${(total / 1000).toFixed(1)} s wall with ${workers} fingerprint workers (generate+fingerprint ${(fingerprintCpuMs / 1000).toFixed(1)} s busy in workers = ${Math.round((fingerprintCpuMs * 1000) / size)} µs/article; insert ${(insertMs / 1000).toFixed(1)} s; table build ${(sealMs / 1000).toFixed(1)} s)`);
  return index;
}

function measureLookups(v: Vocabulary, index: FingerprintIndex, size: number): void {
  const n = Number(values.lookups);
  const next = createSplitMix64(size, 7);
  const queries: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const r = next();
    if (i % 2 === 0) queries.push([r.hi, r.lo]);
    else {
      const raw = fingerprintTokensRaw(articleTokens(v, generateArticle(v, 1 + (r.lo % size))), config);
      const p = r.hi % raw.count;
      // Flip up to maxDistance bits: a near-duplicate passage.
      let hi = raw.hi[p];
      for (let f = 0; f < (r.hi >>> 8) % (config.maxDistance + 1); f++) hi ^= 1 << ((r.hi >>> (12 + 3 * f)) & 31);
      queries.push([hi >>> 0, raw.lo[p]]);
    }
  }
  let hits = 0;
  const one = timeCalls(queries, ([hi, lo]) => index.search(hi, lo, () => hits++));
  console.log(`  lookup, one fingerprint (${n}: half stored passages with <= ${config.maxDistance} flipped bits, half random; ${hits} hits): ${one}`);
  // A whole page: ~1000 words, i.e. ~80 passage fingerprints + the document one.
  const pageQueries = generatePages(v, Math.min(500, pageCount), size, size).map((page) => {
    const raw = fingerprintTokensRaw(tokenize(page.text), config);
    return { hi: new Uint32Array([raw.docHi, ...raw.hi.subarray(0, raw.count)]), lo: new Uint32Array([raw.docLo, ...raw.lo.subarray(0, raw.count)]) };
  });
  const perPage = timeCalls(pageQueries, (q) => index.findCandidatesRaw(q.hi, q.lo, q.hi.length));
  const passages = pageQueries.reduce((n, q) => n + q.hi.length, 0) / pageQueries.length;
  console.log(`  findCandidates, one page (~${Math.round(passages)} fingerprints, ${pageQueries.length} pages): ${perPage}`);
}

/**
 * Latency percentiles, wall clock and CPU time. The box is shared (load average 8-11 on 2 cores
 * while this was written): wall-clock tails then show time spent descheduled, CPU time does not.
 */
function timeCalls<T>(items: T[], call: (item: T) => void): string {
  // One untimed pass first: otherwise the p99 measures JIT tier-up, not steady state.
  for (const item of items) call(item);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const item of items) {
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    call(item);
    wall.push(Number(process.hrtime.bigint() - t) / 1e6);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return `wall p50 ${ms(pct(wall, 0.5))} p99 ${ms(pct(wall, 0.99))}; CPU p50 ${ms(pct(cpu, 0.5))} p99 ${ms(pct(cpu, 0.99))}`;
}

function measureMatchText(v: Vocabulary, index: FingerprintIndex, size: number): void {
  const pages = generatePages(v, pageCount, size, 12345);
  const loadArticles = (keys: number[]): OwnedText[] =>
    keys.map((key) => ({ key, id: `a${key}`, title: '', body: renderArticle(v, generateArticle(v, key)) }));
  // Loading bodies stands in for the DB: its cost is measured separately and subtracted.
  let loadMs = 0;
  const timedLoad = (keys: number[]) => {
    const t = performance.now();
    const r = loadArticles(keys);
    loadMs += performance.now() - t;
    return r;
  };
  for (const p of pages.slice(0, 50)) matchText(p.text, { index, config, loadArticles }); // warm up
  let tp = 0;
  let fn = 0;
  let fp = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const p of pages) {
    const found = matchText(p.text, { index, config, loadArticles: timedLoad }).filter((m) => m.kind !== 'quotation');
    const keys = new Set(found.map((m) => m.articleKey));
    for (const k of p.copied) if (keys.has(k)) tp++;
    else fn++;
    for (const k of keys) if (!p.copied.includes(k)) fp++;
  }
  const total = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const matchMs = total - loadMs;
  const chars = pages.reduce((n, p) => n + p.text.length, 0);
  console.log(`  matchText end to end (${size.toLocaleString('en')} corpus, ${pages.length} pages of ~${Math.round(chars / pages.length / 1000)} kB, 60% with copies): ${Math.round(pages.length / (matchMs / 1000))} pages/s wall on one core (${(matchMs / pages.length).toFixed(2)} ms/page), ${Math.round(pages.length / ((cpuMs - loadMs) / 1000))} pages/s by CPU time (${((cpuMs - loadMs) / pages.length).toFixed(2)} ms/page); regenerating article bodies (the DB's part) excluded: ${(loadMs / pages.length).toFixed(2)} ms/page`);
  console.log(`  synthetic quality: ${tp} copied articles found, ${fn} missed, ${fp} flagged wrongly`);
}
