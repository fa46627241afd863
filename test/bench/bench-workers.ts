/**
 * bench:workers — pages per second with 1, 2 and 4 `copyhound worker` processes sharing one
 * PostgreSQL database and job queue.
 *
 * The site (test/fixtures/workers-site.ts) answers every request after a fixed 50 ms, on 200
 * loopback hosts, so the crawl is bound by latency and politeness as real crawling is. Each round
 * makes a fresh schema, imports the owned fixtures, adds one sitemap source per host, starts the
 * workers (waiting until each is ready), then queues every source's run and times until all runs
 * have completed. From the site's own request log: pages fetched more than once (robots.txt,
 * which each process reads once per host, is counted apart) and, per host, the shortest gap
 * between two request starts, against the configured host delay. Prints a table and checks the
 * issue's targets (4 workers ≥ 3.2 × 1 worker, no page twice, no gap below the delay).
 * Needs PostgreSQL: COPYHOUND_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Run: npm run bench:workers [-- --hosts 200 --pages-per-host 100 --workers 1,2,4 --concurrency 4 --host-delay-ms 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findDuplicateFetches, findShortestHostGaps, startWorkersSite } from '../fixtures/workers-site.ts';
import { enqueueRuns, prepareWorkersInstallation, startWorker, stopWorker, waitForRuns, type WorkerProcess, type WorkersCrawlSettings } from '../helpers/workers-crawl.ts';

const SERVER_URL = process.env.COPYHOUND_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// The scale: 20,000 pages over 200 hosts.
const DEFAULT_HOSTS = 200;
const DEFAULT_PAGES_PER_HOST = 100;
// Page jobs per worker: few enough that one worker is bound by the site's latency, not by the
// 2-core machine's CPU, so what more workers add is measured (not the cores running out).
const DEFAULT_CONCURRENCY = 4;
// Politeness: 100 ms after each answer before the host's next request (the site answers in 50 ms).
const DEFAULT_HOST_DELAY_MS = 100;
const TARGET_SPEEDUP_4 = 3.2;
// A round that has not finished in this long has hung.
const ROUND_TIMEOUT_MS = 30 * 60_000;

function argValue(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
}

interface Round {
  workers: number;
  seconds: number;
  pages: number;
  pagesPerSecond: number;
  duplicatePages: number;
  robotsFetches: number;
  shortestGapMs: number;
  maxConcurrentPerHost: number;
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function schemaUrl(schema: string): string {
  const url = new URL(SERVER_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function runRound(workers: number, o: { hosts: number; pagesPerHost: number; concurrency: number; hostDelayMs: number }): Promise<Round> {
  const schema = `bench_workers_${workers}_${process.pid}`;
  await withAdmin(async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE; CREATE SCHEMA ${schema}`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'copyhound-bench-workers-'));
  const settings: WorkersCrawlSettings = { url: schemaUrl(schema), dataDir: join(dir, 'data'), hostDelayMs: o.hostDelayMs };
  const site = await startWorkersSite({ hosts: o.hosts, pagesPerHost: o.pagesPerHost });
  try {
    const sources = await prepareWorkersInstallation(settings, site);
    console.error(`round ${workers}: ${sources.length} sources added; starting workers`);
    const procs: WorkerProcess[] = [];
    try {
      for (let i = 0; i < workers; i++) procs.push(await startWorker(settings, o.concurrency));
      console.error(`round ${workers}: workers ready; queueing the runs`);
      site.log.length = 0;
      const started = performance.now();
      await enqueueRuns(settings, `${schema}_jobs`, sources);
      const figures = await waitForRuns(settings.url, sources.length, ROUND_TIMEOUT_MS, 200);
      const seconds = (performance.now() - started) / 1000;
      const pageRequests = site.log.filter((r) => r.path !== '/robots.txt');
      const gaps = findShortestHostGaps(site.log);
      return {
        workers,
        seconds,
        pages: figures.pages,
        pagesPerSecond: figures.pages / seconds,
        duplicatePages: findDuplicateFetches(pageRequests).length,
        robotsFetches: site.log.length - pageRequests.length,
        shortestGapMs: Math.min(...gaps.map((g) => g.shortestGapMs ?? Infinity)),
        maxConcurrentPerHost: Math.max(...gaps.map((g) => g.maxConcurrent)),
      };
    } finally {
      for (const p of procs) await stopWorker(p);
    }
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
    await withAdmin(async (c) => {
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`);
    });
  }
}

async function main(): Promise<void> {
  const o = {
    hosts: Number(argValue('--hosts', String(DEFAULT_HOSTS))),
    pagesPerHost: Number(argValue('--pages-per-host', String(DEFAULT_PAGES_PER_HOST))),
    concurrency: Number(argValue('--concurrency', String(DEFAULT_CONCURRENCY))),
    hostDelayMs: Number(argValue('--host-delay-ms', String(DEFAULT_HOST_DELAY_MS))),
  };
  const counts = argValue('--workers', '1,2,4').split(',').map(Number);
  console.log(`bench:workers: ${o.hosts} hosts × ${o.pagesPerHost} pages (+ each host's index page), site latency 50 ms, host delay ${o.hostDelayMs} ms, ${o.concurrency} page jobs per worker`);
  const rounds: Round[] = [];
  for (const n of counts) {
    const round = await runRound(n, o);
    rounds.push(round);
    console.log(`${n} worker(s): ${round.pages} pages in ${round.seconds.toFixed(1)} s = ${round.pagesPerSecond.toFixed(1)} pages/s; pages fetched twice ${round.duplicatePages}; robots.txt fetches ${round.robotsFetches}; shortest per-host gap ${round.shortestGapMs.toFixed(1)} ms; most at once on a host ${round.maxConcurrentPerHost}`);
  }
  const one = rounds.find((r) => r.workers === 1);
  const four = rounds.find((r) => r.workers === 4);
  let ok = rounds.every((r) => r.duplicatePages === 0 && r.shortestGapMs >= o.hostDelayMs && r.maxConcurrentPerHost <= 1);
  if (one && four) {
    const speedup = four.pagesPerSecond / one.pagesPerSecond;
    console.log(`4 workers / 1 worker: ${speedup.toFixed(2)}× (target ≥ ${TARGET_SPEEDUP_4}×)`);
    ok &&= speedup >= TARGET_SPEEDUP_4;
  }
  console.log(JSON.stringify({ options: o, rounds }));
  console.log(ok ? 'targets met' : 'TARGETS MISSED');
  process.exitCode = ok ? 0 : 1;
}

await main();
