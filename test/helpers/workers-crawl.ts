import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, type Config } from '../../config/index.ts';
import { addSource } from '../../crawlers/sources-service.ts';
import { enqueueSourceRun } from '../../crawlers/queued-crawl.ts';
import { openApp } from '../../src/app.ts';
import { importArticleFile } from '../../src/articles/import-articles.ts';
import { createLogger } from '../../src/log.ts';
import { createCrawlQueue, DEFAULT_RETRY } from '../../src/queue/crawl-queue.ts';
import type { WorkersSite } from '../fixtures/workers-site.ts';

/**
 * A crawl of the workers site (test/fixtures/workers-site.ts) by `copyhound worker` processes on
 * one PostgreSQL schema: for `npm run bench:workers` and the fault test. The installation gets the
 * owned articles and one sitemap source per host; the runs are queued as the scheduler would.
 */

const CLI_PATH = fileURLToPath(new URL('../../src/cli/copyhound.mjs', import.meta.url));
const OWNED_NDJSON = fileURLToPath(new URL('../fixtures/check/owned.ndjson', import.meta.url));

export interface WorkersCrawlSettings {
  /** The schema's connection URL (search_path in options). */
  url: string;
  dataDir: string;
  /** Our least pause between two requests to one host (ms). */
  hostDelayMs: number;
  /** Page job lease (s): how soon a killed worker's jobs come back. */
  leaseSeconds?: number;
  /** pg-boss maintenance interval (s): how often expired leases are looked for. */
  maintenanceSeconds?: number;
  /** Wait before an abandoned page job is tried again (s). */
  retryDelaySeconds?: number;
  /** The workers' LOG_LEVEL (default warn); info adds a line per source run and the stop's totals. */
  logLevel?: 'warn' | 'info';
}

/** The environment of the installation: what every worker and the preparing process use. */
export function buildWorkersEnv(s: WorkersCrawlSettings): Record<string, string> {
  return {
    COPYHOUND_DATABASE_URL: s.url,
    COPYHOUND_DATA_DIR: s.dataDir,
    COPYHOUND_FETCH_ALLOW: '127.0.0.0/8',
    COPYHOUND_CRAWL_MIN_HOST_DELAY_MS: String(s.hostDelayMs),
    COPYHOUND_CRAWL_PER_HOST_CONCURRENCY: '1',
    COPYHOUND_QUEUE_POLL_SECONDS: '1',
    ...(s.leaseSeconds ? { COPYHOUND_QUEUE_PAGE_LEASE_SECONDS: String(s.leaseSeconds) } : {}),
    ...(s.retryDelaySeconds ? { COPYHOUND_QUEUE_RETRY_DELAY_SECONDS: String(s.retryDelaySeconds) } : {}),
    ...(s.maintenanceSeconds ? { COPYHOUND_QUEUE_MAINTENANCE_SECONDS: String(s.maintenanceSeconds) } : {}),
    COPYHOUND_DB_POOL_SIZE: '6',
    LOG_LEVEL: s.logLevel ?? 'warn',
    LOG_FORMAT: 'json',
  };
}

function loadWorkersConfig(s: WorkersCrawlSettings): Config {
  return loadConfig({ ...buildWorkersEnv(s), LOG_LEVEL: 'error' });
}

/** Imports the owned articles and adds a sitemap source per host; answers the source ids. */
export async function prepareWorkersInstallation(s: WorkersCrawlSettings, site: WorkersSite): Promise<number[]> {
  const config = loadWorkersConfig(s);
  const app = await openApp(config, createLogger(config));
  try {
    await importArticleFile(app.registry, OWNED_NDJSON, { maxRecordBytes: config.import.maxRecordBytes });
    const ids: number[] = [];
    for (const [i, sitemap] of site.sitemapUrls().entries()) ids.push((await addSource(app, { type: 'sitemap', url: sitemap, name: `host-${i}` })).id);
    return ids;
  } finally {
    await app.close();
  }
}

/** Queues one run per source (what the scheduler does when they come due). */
export async function enqueueRuns(s: WorkersCrawlSettings, schema: string, sourceIds: readonly number[]): Promise<void> {
  // The same queue settings as the workers': a queue's lease and retry delay are the last
  // creator's, and this process starts after them.
  const queue = await createCrawlQueue({
    connectionString: s.url,
    schema,
    ...(s.leaseSeconds ? { leaseSeconds: { 'page-fetch': s.leaseSeconds } } : {}),
    ...(s.retryDelaySeconds ? { retry: { 'page-fetch': { limit: DEFAULT_RETRY['page-fetch'].limit, delaySeconds: s.retryDelaySeconds } } } : {}),
    ...(s.maintenanceSeconds ? { maintenanceIntervalSeconds: s.maintenanceSeconds } : {}),
  });
  try {
    for (const id of sourceIds) await enqueueSourceRun(queue, id, new Date());
  } finally {
    await queue.stop({ graceful: true, timeoutMs: 1_000 });
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

// A worker is ready within seconds; one that is not has hung in its start (seen, cause unknown):
// it is killed and the caller gets its output rather than waiting for ever.
const WORKER_READY_TIMEOUT_MS = 60_000;

/** Starts `copyhound worker`; resolves once it says it is ready. */
export function startWorker(s: WorkersCrawlSettings, concurrency: number, nodeArgs: readonly string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, CLI_PATH, 'worker', '--concurrency', String(concurrency)], { env: { ...process.env, ...buildWorkersEnv(s) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${child.pid} not ready after ${WORKER_READY_TIMEOUT_MS} ms: ${out}`));
    }, WORKER_READY_TIMEOUT_MS);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('worker ready')) {
        clearTimeout(timer);
        resolve({ child, output: () => out, exited });
      }
    });
    child.stderr!.on('data', (d) => (out += d));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready: ${out}`));
    });
  });
}

export interface CrawlFigures {
  runsCompleted: number;
  runsRunning: number;
  pages: number;
  reports: number;
}

export async function readCrawlFigures(url: string): Promise<CrawlFigures> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const runs = await client.query<{ status: string; n: string }>('select status, count(*) as n from crawl_runs group by status');
    const by = Object.fromEntries(runs.rows.map((r) => [r.status, Number(r.n)]));
    const pages = await client.query<{ n: string }>('select count(*) as n from pages');
    const reports = await client.query<{ n: string }>('select count(*) as n from reports');
    return { runsCompleted: by.completed ?? 0, runsRunning: by.running ?? 0, pages: Number(pages.rows[0].n), reports: Number(reports.rows[0].n) };
  } finally {
    await client.end();
  }
}

/**
 * Waits until `runs` runs have completed (polling every pollMs on one connection, counting runs
 * only: a new connection and a count of pages five times a second would load the server the
 * workers are measured on); throws after timeoutMs. The figures are read once at the end.
 */
export async function waitForRuns(url: string, runs: number, timeoutMs: number, pollMs = 500): Promise<CrawlFigures> {
  const deadline = Date.now() + timeoutMs;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: string }>("select count(*) as n from crawl_runs where status = 'completed'");
      if (Number(rows[0].n) >= runs) break;
      if (Date.now() > deadline) throw new Error(`runs not completed after ${timeoutMs} ms: ${JSON.stringify(await readCrawlFigures(url))}`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await client.end();
  }
  return await readCrawlFigures(url);
}

export async function stopWorker(worker: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill(signal);
  await worker.exited;
}

