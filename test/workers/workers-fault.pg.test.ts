import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { articlePath, findDuplicateFetches, hostAddress, startWorkersSite, type WorkersSite } from '../fixtures/workers-site.ts';
import { usePgTestDb } from '../helpers/pg-test-db.ts';
import { enqueueRuns, prepareWorkersInstallation, readCrawlFigures, startWorker, stopWorker, waitForRuns, type WorkerProcess, type WorkersCrawlSettings } from '../helpers/workers-crawl.ts';

/**
 * Issue 15's fault test: four `copyhound worker` processes crawl the workers site from one
 * PostgreSQL queue; two are killed with SIGKILL mid-run and one is started again. The run must
 * complete with every page stored once and every planted copy reported once: the dead workers'
 * jobs come back after their lease, and a job whose page was stored before its worker died stops
 * without storing it again.
 */

const HOSTS = 12;
const PAGES_PER_HOST = 12;
// Short lease, maintenance and retry delay, so the killed workers' jobs come back within seconds
// (12 s: a live worker on a loaded 2-core machine still finishes a page well inside it).
const LEASE_SECONDS = 12;
const MAINTENANCE_SECONDS = 1;
const RETRY_DELAY_SECONDS = 1;
const HOST_DELAY_MS = 30;
// Pages stored before the kill: the run is well under way, far from done.
const KILL_AFTER_PAGES = 40;
const RUN_TIMEOUT_MS = 150_000;

const makeDb = usePgTestDb();
let site: WorkersSite | undefined;
let workers: WorkerProcess[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const w of workers) await stopWorker(w, 'SIGKILL');
  workers = [];
  await site?.close();
  site = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('workers killed mid-run', () => {
  it('4 workers, 2 killed with SIGKILL and 1 restarted: every page stored once, every planted copy reported once', async () => {
    const db = await makeDb();
    const owned = readOwnedFixtures();
    const planted = owned.slice(0, 4).map((article, i) => ({ host: hostAddress(i * 3), path: articlePath(2 + i), text: paragraphsOf(article).join('\n\n'), title: article.title }));
    site = await startWorkersSite({ hosts: HOSTS, pagesPerHost: PAGES_PER_HOST, planted });
    dir = mkdtempSync(join(tmpdir(), 'copyhound-workers-fault-'));
    const settings: WorkersCrawlSettings = { url: db.url, dataDir: join(dir, 'data'), hostDelayMs: HOST_DELAY_MS, leaseSeconds: LEASE_SECONDS, maintenanceSeconds: MAINTENANCE_SECONDS, retryDelaySeconds: RETRY_DELAY_SECONDS };
    const sources = await prepareWorkersInstallation(settings, site);
    // One after another, each kept as it starts, so afterEach stops every one that did.
    for (let i = 0; i < 4; i++) workers.push(await startWorker(settings, 2));
    await enqueueRuns(settings, `${db.schema}_jobs`, sources);

    // Mid-run: kill two workers outright, then start one more.
    for (;;) {
      if ((await readCrawlFigures(db.url)).pages >= KILL_AFTER_PAGES) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = await readCrawlFigures(db.url);
    await stopWorker(workers[0], 'SIGKILL');
    await stopWorker(workers[1], 'SIGKILL');
    workers.push(await startWorker(settings, 2));

    const figures = await waitForRuns(db.url, sources.length, RUN_TIMEOUT_MS);
    expect(before.runsCompleted).toBeLessThan(sources.length);
    const urls = site.pageUrls();
    expect(figures.pages).toBe(urls.length);

    const stored = await db.pool.query<{ url: string }>('select url from pages');
    expect(new Set(stored.rows.map((r) => r.url)).size).toBe(stored.rows.length);
    expect(new Set(stored.rows.map((r) => r.url))).toEqual(new Set(urls));
    // Every page has one visit recorded in the run of its source.
    const visits = await db.pool.query<{ n: string }>('select count(*) as n from crawl_urls');
    expect(Number(visits.rows[0].n)).toBe(urls.length);

    // Each planted copy reported once, nothing else.
    const reports = await db.pool.query<{ page_url: string; n: string }>('select page_url, count(*) as n from reports group by page_url');
    expect(reports.rows.map((r) => r.page_url).sort()).toEqual(site.planted.map((p) => p.url).sort());
    for (const row of reports.rows) expect(Number(row.n)).toBe(1);
    const matches = await db.pool.query<{ n: string }>('select count(*) as n from matches');
    expect(Number(matches.rows[0].n)).toBe(planted.length);

    // A page is fetched again only when its job was tried again: the killed workers' jobs (2 each),
    // and any job whose lease ran out on a machine too loaded to finish it in time (the lease is
    // short here). Each try fetches at most once, so the repeats are bounded by the queue's tries.
    const pageFetches = site.log.filter((r) => r.path !== '/robots.txt' && !r.path.endsWith('.xml'));
    const repeats = findDuplicateFetches(pageFetches).reduce((n, d) => n + d.count - 1, 0);
    const tries = await db.pool.query<{ n: string }>(`select coalesce(sum(retry_count), 0) as n from ${db.schema}_jobs.job where name = 'page-fetch'`);
    expect(repeats).toBeLessThanOrEqual(Number(tries.rows[0].n));
    expect(Number(tries.rows[0].n)).toBeGreaterThan(0);
  }, 240_000);
});
