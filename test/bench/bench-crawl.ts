/**
 * Crawl benchmark.
 *   npm run bench:crawl [-- --pages 5000 --concurrency 16 --source sitemap|site] [--no-capture]
 * (--no-capture: diagnostic, pages are not kept as captures, to show what the rest of the path costs)
 * A child process serves a fake news site of N pages (sitemap index with a gzipped child, a few
 * planted copies of owned articles); this process crawls it through the real pipeline (polite
 * fetch with politeness off, capture as WARC, extraction, matching, storing) into a fresh SQLite
 * file, and reports pages/s and peak RSS of the crawler process. Targets: ≥ 150 pages/s, ≤ 400 MB.
 * Timings are on a shared 2-core box: expect noise.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.ts';
import { createCrawlFetchers } from '../../crawlers/fetch-adapter.ts';
import { runSource } from '../../crawlers/run-source.ts';
import { addSource } from '../../crawlers/sources-service.ts';
import { listMatches } from '../../db/matches.ts';
import { startNewsSite } from '../fixtures/crawl/news-site.ts';
import { openTestApp } from '../crawl/crawl-helpers.ts';

const { values } = parseArgs({
  options: {
    pages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    'extract-workers': { type: 'string' },
    source: { type: 'string', default: 'sitemap' },
    serve: { type: 'boolean', default: false },
    'no-capture': { type: 'boolean', default: false },
  },
});
const pages = Number(values.pages);

if (values.serve) {
  const site = await startNewsSite({ stories: pages });
  process.stdout.write(`${site.url}\n`);
  process.on('SIGTERM', () => void site.close().then(() => process.exit(0)));
} else {
  await bench();
}

async function bench(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', '--pages', String(pages)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^(http:\/\/\S+)\n/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`site server exited with ${code}`)));
  });
  const dir = mkdtempSync(join(tmpdir(), 'copyhound-bench-crawl-'));
  const concurrency = Number(values.concurrency);
  const { db: dbConfig } = loadConfig(process.env);
  console.log(`SQLite page cache ${dbConfig.cacheMb} MB, memory map ${dbConfig.mmapMb} MB (COPYHOUND_DB_CACHE_MB, COPYHOUND_DB_MMAP_MB)`);
  const app = await openTestApp(dir, {
    // Politeness off: the server is ours. Retries stay on (they cost nothing when nothing fails).
    crawl: { minHostDelayMs: 0, perHostConcurrency: concurrency, globalConcurrency: concurrency, siteMaxPages: pages * 2, siteMaxDepth: 3 },
    // The database settings from the environment (COPYHOUND_DB_CACHE_MB, _MMAP_MB), as serve reads them.
    db: { cacheMb: dbConfig.cacheMb, mmapMb: dbConfig.mmapMb },
    ...(values['extract-workers'] ? { extract: { workers: Number(values['extract-workers']) } } : {}),
  });
  // Every page becomes a capture (fsync'd WARC file, then rows): measure how much of the run the
  // capture store is busy, since it is the largest share of a page's cost.
  let captureBusyMs = 0;
  let captureLastEnd = 0;
  const save = app.captureStore.save.bind(app.captureStore);
  app.captureStore.save = async (input) => {
    const start = performance.now();
    const result = await save(input);
    const end = performance.now();
    captureBusyMs += end - Math.max(start, captureLastEnd);
    captureLastEnd = end;
    return result;
  };
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  try {
    const source = await addSource(app, values.source === 'site' ? { type: 'site', url: `${url}/`, name: 'bench' } : { type: 'sitemap', url: `${url}/sitemap.xml`, name: 'bench' });
    await app.getOwnedIndex();
    const started = performance.now();
    const summary = await runSource(app, source, { fetchers: createCrawlFetchers(app, { capture: !values['no-capture'] }) });
    const seconds = (performance.now() - started) / 1000;
    const handled = summary.pagesFetched + summary.pagesUnchanged + summary.pagesFailed;
    const matches = (await listMatches(app.database.db, { limit: 1, offset: 0 })).total;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(`source: ${values.source}, pages served: ${pages}, concurrency: ${concurrency}${values['no-capture'] ? ', captures OFF (diagnostic)' : ''}`);
    console.log(`run: ${summary.status}, fetched ${summary.pagesFetched}, unchanged ${summary.pagesUnchanged}, failed ${summary.pagesFailed} ${JSON.stringify(summary.errors)}, matches stored ${matches}`);
    console.log(`time: ${seconds.toFixed(1)} s, ${(handled / seconds).toFixed(0)} pages/s (target ≥ 150)`);
    console.log(`capture store busy: ${((captureBusyMs / 1000 / seconds) * 100).toFixed(0)}% of the run (${(captureBusyMs / handled).toFixed(1)} ms per capture; saves of different bodies overlap)`);
    console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MB (target ≤ 400)`);
  } finally {
    clearInterval(sampler);
    await app.close();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
