/**
 * Match engine benchmark.
 *   npm run bench:match [-- --sizes 100000,1000000 --set /work/shared/datasets/reuse-dev --pages 1000 --workers 2 --before REF]
 * Builds indexes of synthetic owned articles (~600 words, Zipf vocabulary), reports build time,
 * memory, lookup latency, fingerprint throughput, end-to-end matchText pages/s on a 100k corpus,
 * and (with --set) quality against the simhash-js baseline. Timings are on a shared 2-core box.
 * Every figure is given for this engine and, side by side in the same run, for the engine as it
 * was at git REF (default: before the winnowed candidates), whose match code is taken with
 * `git archive` into node_modules/.cache (so it resolves this tree's packages).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../config/index.ts';
import { fingerprintText, fingerprintTokensRaw, toTextFingerprints, winnowTokens } from '../../src/fingerprint/index.ts';
import { CandidateIndex, fingerprintPageText, matchText, type OwnedText } from '../../src/match/index.ts';
import { createSplitMix64 } from '../../src/text/hash64.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { formatScore } from '../eval/reuse-score.ts';
import { loadOwned } from '../eval/reuse-set.ts';
import { compareOnSet } from './match-baseline.ts';
import type { FingerprintBatch } from './match-fingerprint-worker.ts';
import { generatePages } from './match-pages.ts';
import { articleTokens, createVocabulary, generateArticle, renderArticle, type Vocabulary } from './match-synth.ts';

// The last commit whose engine had only simhash candidates and 5-word shingle alignment.
const BEFORE_WINNOW = '46cf019';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    set: { type: 'string' },
    pages: { type: 'string', default: '1000' },
    lookups: { type: 'string', default: '20000' },
    workers: { type: 'string', default: String(Math.max(1, Math.min(4, availableParallelism()))) },
    before: { type: 'string', default: BEFORE_WINNOW },
    engine: { type: 'string' },
  },
});

// Each engine and corpus size runs in a process of its own: freed index memory is not always
// returned to the system, so a later index in the same process would inherit an earlier one's RSS.
if (!values.engine) {
  const sizeList = values.sizes!.split(',').map((x) => x.trim());
  // matchText is measured on a corpus of 100k (or the smaller one given).
  if (!sizeList.some((x) => Number(x) <= 100_000)) sizeList.push('100000');
  for (const [i, size] of sizeList.entries()) {
    for (const engine of ['now', 'before']) {
      const args = ['--sizes', size, '--pages', values.pages!, '--lookups', values.lookups!, '--workers', values.workers!, '--before', values.before!, '--engine', engine];
      // The dev-set quality comparison runs once, with this engine.
      if (values.set && engine === 'now' && i === 0) args.push('--set', values.set);
      execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
    }
  }
  process.exit(0);
}
const engine = values.engine as 'now' | 'before';
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

/** The engine as it was at git REF: its match, fingerprint and text modules and its default settings. */
interface BeforeEngine {
  ref: string;
  config: Record<string, unknown>;
  FingerprintIndex: new (config: never) => BeforeIndex & { reserve(entries: number, articles: number): void };
  matchText: (text: string, deps: { index: BeforeIndex; loadArticles: (keys: number[]) => OwnedText[]; config: never }) => { articleKey: number; kind: string }[];
  fingerprintText: (text: string, config: never) => unknown;
}
interface BeforeIndex {
  addHashes(key: number, hi: Uint32Array, lo: Uint32Array, n: number): void;
  seal(): void;
  memoryBytes(): number;
  entryCount: number;
  findCandidatesRaw(hi: Uint32Array, lo: Uint32Array, count: number): number[];
}

async function loadBefore(ref: string): Promise<BeforeEngine> {
  const dir = path.resolve('node_modules/.cache/copyhound-bench-before', ref.replace(/[^\w.-]/g, '_'));
  if (!fs.existsSync(path.join(dir, 'src/match/index.ts'))) {
    fs.mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', ref, 'src/match', 'src/fingerprint', 'src/text', 'src/errors.ts', 'config/match.ts', 'config/define.ts']);
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
  }
  const m = await import(path.join(dir, 'src/match/index.ts'));
  const f = await import(path.join(dir, 'src/fingerprint/index.ts'));
  const settings = (await import(path.join(dir, 'config/match.ts'))).matchSettings as Record<string, { default: unknown }>;
  const beforeConfig = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v.default]));
  return { ref, config: beforeConfig, FingerprintIndex: m.FingerprintIndex, matchText: m.matchText, fingerprintText: f.fingerprintText };
}

const before = await loadBefore(values.before!);
const vocab = createVocabulary();
if (engine === 'now') console.log(`config: maxDistance ${config.maxDistance}, anchorRadius ${config.anchorRadius}, passages ${config.minPassageWords}-${config.maxPassageWords} words; winnow k ${config.winnowWords} w ${config.winnowWindow}, min candidate hits ${config.minCandidateHits}`);
if (engine === 'now') console.log(`side by side: "now" = this tree (document simhash + winnowed k-grams, chained 3-word runs); "before" = git ${before.ref} (document + passage simhashes, 5-word shingle runs)`);

if (engine === 'now') checkEquivalence(vocab);
measureFingerprintThroughput(vocab);

for (const size of sizes) {
  {
    const baseRss = await rss();
    const built = await buildIndex(size, engine);
    const indexRss = await rss();
    const bytes = built.now ? built.now.memoryBytes().total : built.before!.memoryBytes();
    if (built.now) {
      const m = built.now.memoryBytes();
      const postings = built.now.winnow!.postingCount;
      console.log(`  index arrays ${engine}: ${mb(m.total)} (document simhash ${mb(m.simhash)}, winnow ${mb(m.winnow)} = ${(m.winnow / postings).toFixed(2)} bytes per posting, ${(postings / size).toFixed(1)} postings per article)`);
    } else console.log(`  index arrays ${engine}: ${mb(bytes)} (${(bytes / built.before!.entryCount).toFixed(1)} bytes per fingerprint, ${(built.before!.entryCount / size).toFixed(1)} per article)`);
    console.log(`  memory ${engine}: whole-process RSS ${mb(indexRss)} (${mb(baseRss)} before the build: +${mb(indexRss - baseRss)})`);
    measureLookups(vocab, built, size);
    if (size <= 100_000) measureMatchText(vocab, built, size);
  }
}

if (values.set && engine === 'now') {
  console.log(`\nquality on ${values.set} (page text from extractArticle):`);
  const t0 = performance.now();
  for (const [name, score] of Object.entries(compareOnSet(values.set, config))) {
    console.log(`\n## ${name}\n${formatScore(score)}`);
  }
  console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

function checkEquivalence(v: Vocabulary): void {
  // The bulk path fingerprints token arrays directly; it must equal fingerprintText of the text.
  const show = (x: unknown) => JSON.stringify(x, (_k, y) => (typeof y === 'bigint' ? y.toString() : y instanceof Uint32Array ? Array.from(y) : y));
  for (let key = 1; key <= 50; key++) {
    const a = generateArticle(v, key);
    const viaText = fingerprintText(renderArticle(v, a), config);
    const tokens = articleTokens(v, a);
    const viaTokens = toTextFingerprints(fingerprintTokensRaw(tokens, config), winnowTokens(tokens, config));
    if (show(viaText) !== show(viaTokens)) throw new Error(`synthetic token path differs from fingerprintText for article ${key}`);
  }
  console.log('synthetic token path == fingerprintText(text) on 50 articles: ok');
}

function measureFingerprintThroughput(v: Vocabulary): void {
  const texts = Array.from({ length: 2000 }, (_, i) => renderArticle(v, generateArticle(v, 9_000_000 + i)));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  for (const [name, fp] of [['now', (t: string) => fingerprintText(t, config)], ['before', (t: string) => before.fingerprintText(t, before.config as never)]] as const) {
    if (name !== engine) continue;
    for (const t of texts.slice(0, 200)) fp(t); // warm up
    const t0 = performance.now();
    for (const t of texts) fp(t);
    const sec = (performance.now() - t0) / 1000;
    console.log(`fingerprintText ${name} (tokenize + simhash${name === 'now' ? ' + winnow' : ''}), synthetic Latin text: ${(bytes / 1e6 / sec).toFixed(1)} MB/s, ${Math.round(texts.length / sec)} articles/s`);
  }
  if (values.set) {
    const bodies = loadOwned(values.set).map((o) => o.body);
    const b = bodies.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const t1 = performance.now();
    for (let r = 0; r < 5; r++) for (const t of bodies) fingerprintText(t, config);
    const s1 = (performance.now() - t1) / 1000;
    console.log(`fingerprintText on the set's owned bodies (mixed scripts incl. CJK): ${((5 * b) / 1e6 / s1).toFixed(1)} MB/s`);
  }
}

/** One engine's index: this tree's, or the one at git REF. */
interface Built {
  now?: CandidateIndex;
  before?: BeforeIndex;
}

/**
 * Generates and fingerprints the synthetic corpus in worker threads (one per core: on a 2-core box
 * a 1M-article corpus takes minutes on one), inserting batches as they arrive.
 */
async function buildIndex(size: number, engine: 'now' | 'before'): Promise<Built> {
  console.log(`\n# ${size.toLocaleString('en')} owned articles, ${engine === 'now' ? 'this engine' : `git ${before.ref}`}`);
  const now = engine === 'now' ? new CandidateIndex(config) : null;
  const old = engine === 'before' ? new before.FingerprintIndex(before.config as never) : null;
  // ~47 fingerprints per 600-word article; reserving avoids a 1.5x growth copy at the end (as bench:match did before).
  old?.reserve(Math.ceil(size * 48), size);
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
          let ow = 0;
          for (let i = 0; i < b.counts.length; i++) {
            const n = b.counts[i];
            const hi = b.hi.subarray(o, o + n);
            const lo = b.lo.subarray(o, o + n);
            if (now) now.addHashes(b.firstKey + i, hi, lo, n, b.winnow.subarray(ow, ow + b.winnowCounts[i]));
            else old!.addHashes(b.firstKey + i, hi, lo, n);
            o += n;
            ow += b.winnowCounts[i];
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
  if (now) now.optimize();
  else old!.seal();
  const sealMs = performance.now() - s0;
  const total = performance.now() - t0;
  console.log(`  build: ${(total / 1000).toFixed(1)} s wall with ${workers} fingerprint workers (generate+fingerprint ${(fingerprintCpuMs / 1000).toFixed(1)} s busy in workers = ${Math.round((fingerprintCpuMs * 1000) / size)} µs/article; insert ${(insertMs / 1000).toFixed(1)} s; final seal ${(sealMs / 1000).toFixed(1)} s)`);
  return now ? { now } : { before: old! };
}

function measureLookups(v: Vocabulary, built: Built, size: number): void {
  // A whole page: ~1000 words (~80 passage simhashes + the document one; ~1000 k-grams).
  const pages = generatePages(v, Math.min(500, pageCount), size, size).map((page) => fingerprintPageText(page.text, config)!);
  const { now, before: old } = built;
  const perPage = now ? timeCalls(pages, (q) => now.findCandidates(q)) : timeCalls(pages, (q) => old!.findCandidatesRaw(q.hi, q.lo, q.count));
  const kgrams = pages.reduce((n, q) => n + q.kgrams.length, 0) / pages.length;
  const passages = pages.reduce((n, q) => n + q.count, 0) / pages.length;
  const what = now ? `${Math.round(kgrams)} k-grams + the document simhash` : `${Math.round(passages)} simhashes`;
  console.log(`  candidate search ${now ? 'now' : 'before'}, one page (${pages.length} pages, ${what}): ${perPage}`);
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

function measureMatchText(v: Vocabulary, built: Built, size: number): void {
  const pages = generatePages(v, pageCount, size, 12345);
  const loadArticles = (keys: number[]): OwnedText[] =>
    keys.map((key) => ({ key, id: `a${key}`, title: '', body: renderArticle(v, generateArticle(v, key)) }));
  const { now, before: old } = built;
  const name = now ? 'now' : 'before';
  const run: (text: string, load: (keys: number[]) => OwnedText[]) => { articleKey: number; kind: string }[] = now
    ? (text, load) => matchText(text, { index: now, config, loadArticles: load })
    : (text, load) => before.matchText(text, { index: old!, config: before.config as never, loadArticles: load });
  {
    for (const p of pages.slice(0, 50)) run(p.text, loadArticles); // warm up
    // Loading bodies stands in for the DB: its cost is measured separately and subtracted.
    let loadMs = 0;
    const timedLoad = (keys: number[]) => {
      const t = performance.now();
      const r = loadArticles(keys);
      loadMs += performance.now() - t;
      return r;
    };
    let tp = 0;
    let fn = 0;
    let fp = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const p of pages) {
      const keys = new Set(run(p.text, timedLoad).filter((m) => m.kind !== 'quotation').map((m) => m.articleKey));
      for (const k of p.copied) if (keys.has(k)) tp++;
      else fn++;
      for (const k of keys) if (!p.copied.includes(k)) fp++;
    }
    const total = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const matchMs = total - loadMs;
    const chars = pages.reduce((n, p) => n + p.text.length, 0);
    console.log(`  matchText ${name} (${size.toLocaleString('en')} corpus, ${pages.length} pages of ~${Math.round(chars / pages.length / 1000)} kB, 60% with copies): ${Math.round(pages.length / (matchMs / 1000))} pages/s wall on one core (${(matchMs / pages.length).toFixed(2)} ms/page), ${Math.round(pages.length / ((cpuMs - loadMs) / 1000))} pages/s by CPU time (${((cpuMs - loadMs) / pages.length).toFixed(2)} ms/page); regenerating article bodies (the DB's part) excluded: ${(loadMs / pages.length).toFixed(2)} ms/page`);
    console.log(`  synthetic quality ${name}: ${tp} copied articles found, ${fn} missed, ${fp} flagged wrongly`);
    // Edited copies: every n-th word of the page replaced (a copier's synonyms, spread evenly).
    for (const every of [8, 5, 4]) {
      let found = 0;
      let missed = 0;
      let wrong = 0;
      for (const p of pages.filter((x) => x.copied.length > 0)) {
        let w = 0;
        const edited = p.text.replace(/\p{L}+/gu, (word) => (++w % every === 0 ? 'zzedit' : word));
        const keys = new Set(run(edited, loadArticles).filter((m) => m.kind !== 'quotation').map((m) => m.articleKey));
        for (const k of p.copied) if (keys.has(k)) found++;
        else missed++;
        for (const k of keys) if (!p.copied.includes(k)) wrong++;
      }
      console.log(`  edited copies ${name}, every ${every}th word changed: ${found} copied articles found, ${missed} missed, ${wrong} flagged wrongly`);
    }
  }
}
