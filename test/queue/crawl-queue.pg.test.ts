import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { FETCH_ORDER_INDEX } from '../../db/pg/crawl-queue-jobs.ts';
import { usePgTestDb, type PgTestDb } from '../helpers/pg-test-db.ts';
import { FetchError } from '../../src/errors.ts';
import { createCrawlQueue, type CrawlQueue } from '../../src/queue/crawl-queue.ts';
import { CHILD_PROCESS_TEST_TIMEOUT_MS, FAST_QUEUE_SETTINGS, readTestDatabaseUrl, startChild, waitUntil, type TestChild } from './fixtures/pg-queue-test.ts';

const makeDb = usePgTestDb();
// Registered after usePgTestDb's hook, so it runs first: workers stop before the schema is dropped.
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<{ schema: { name: string; pool: PgTestDb['pool'] }; queue: CrawlQueue }> {
  const db = await makeDb();
  const schema = { name: db.schema, pool: db.pool };
  await schema.pool.query(`CREATE TABLE ${schema.name}.completions (url text PRIMARY KEY, worker text NOT NULL, job_id uuid NOT NULL, attempt int NOT NULL)`);
  await schema.pool.query(`CREATE TABLE ${schema.name}.starts (url text NOT NULL, worker text NOT NULL, attempt int NOT NULL)`);
  const queue = await createCrawlQueue({ connectionString: readTestDatabaseUrl(), schema: schema.name, ...FAST_QUEUE_SETTINGS });
  cleanups.push(() => queue.stop({ graceful: false }));
  return { schema, queue };
}

function startWorker(schema: string, name: string, env: Record<string, string> = {}): TestChild {
  const child = startChild('./queue-worker.ts', { QUEUE_SCHEMA: schema, WORKER_NAME: name, ...env });
  cleanups.push(async () => {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      child.process.kill('SIGKILL');
      await child.exited;
    }
  });
  return child;
}

// A worker child is a tsx process loading pg-boss (see CHILD_PROCESS_TEST_TIMEOUT_MS).
const CHILD_START_MS = 45_000;
// See the SIGKILL test: about 6 s quiet; the default lease it must be told from is 15 minutes.
const RETRY_AFTER_KILL_MS = 20_000;

const page = (n: number | string) => ({ sourceId: 1, runId: 1, url: `http://example.test/page/${n}`, host: 'example.test' });

describe('crawl queue on PostgreSQL (pg-boss)', () => {
  it('keeps one live job per URL and per source, and counts jobs per kind', async () => {
    const { queue } = await setUp();
    expect(await queue.enqueue('page-fetch', page(1))).toEqual(expect.any(String));
    expect(await queue.enqueue('page-fetch', page(1))).toBeNull();
    expect(await queue.enqueue('page-fetch', page(2))).toEqual(expect.any(String));
    // Many processes enqueueing one URL at once still make one job.
    const racing = await Promise.all(Array.from({ length: 10 }, () => queue.enqueue('page-fetch', page(3))));
    expect(racing.filter((id) => id !== null)).toHaveLength(1);
    expect(await queue.enqueue('source-run', { sourceId: 7, requestedAt: new Date().toISOString() })).toEqual(expect.any(String));
    expect(await queue.enqueue('source-run', { sourceId: 7, requestedAt: new Date().toISOString() })).toBeNull();
    expect(await queue.countJobs()).toEqual({
      'page-fetch': { queued: 3, active: 0, completed: 0, failed: 0 },
      'source-run': { queued: 1, active: 0, completed: 0, failed: 0 },
    });
  });

  it('does not queue a URL while it is being fetched, and queues it again once done', async () => {
    const { queue } = await setUp();
    let finish = (): void => undefined;
    const running = new Promise<void>((resolve) => (finish = resolve));
    let started = 0;
    await queue.work('page-fetch', async () => {
      started += 1;
      await running;
    }, { concurrency: 2 });
    await queue.enqueue('page-fetch', page('busy'));
    await waitUntil(async () => started === 1, 10_000, 'job started');
    expect(await queue.enqueue('page-fetch', page('busy'))).toBeNull();
    finish();
    await waitUntil(async () => (await queue.countJobs())['page-fetch'].completed === 1, 10_000, 'job completed');
    expect(await queue.enqueue('page-fetch', page('busy'))).toEqual(expect.any(String));
  });

  it('retries a failure marked retryable with backoff, and fails any other at once', async () => {
    const { queue } = await setUp();
    const attempts = new Map<string, number[]>();
    await queue.work('page-fetch', async (payload, context) => {
      attempts.set(payload.url, [...(attempts.get(payload.url) ?? []), context.attempt]);
      if (payload.url.endsWith('/flaky') && context.attempt === 1) throw new FetchError('timeout', payload.url, 'timed out');
      if (payload.url.endsWith('/gone')) throw new FetchError('bad_status', payload.url, 'HTTP 404', { status: 404 });
      if (payload.url.endsWith('/down')) throw new FetchError('bad_status', payload.url, 'HTTP 503', { status: 503 });
    }, { concurrency: 2 });
    for (const name of ['flaky', 'gone', 'down']) await queue.enqueue('page-fetch', page(name));
    // limit 2 retries: 'down' fails three times then stays failed; 'gone' once; 'flaky' succeeds second time.
    const counts = await waitUntil(async () => {
      const c = (await queue.countJobs())['page-fetch'];
      return c.completed === 1 && c.failed === 2 && c;
    }, 25_000, 'jobs settled');
    expect(counts).toEqual({ queued: 0, active: 0, completed: 1, failed: 2 });
    expect(attempts.get(page('flaky').url)).toEqual([1, 2]);
    expect(attempts.get(page('gone').url)).toEqual([1]);
    expect(attempts.get(page('down').url)).toEqual([1, 2, 3]);
  });

  it('a handler still running at the end of its lease sees its signal abort, and the job is retried', async () => {
    const { queue } = await setUp();
    const seen: { attempt: number; abortedAfterMs?: number }[] = [];
    await queue.work('page-fetch', async (_payload, context) => {
      const entry: { attempt: number; abortedAfterMs?: number } = { attempt: context.attempt };
      seen.push(entry);
      if (context.attempt > 1) return;
      const started = Date.now();
      await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
      entry.abortedAfterMs = Date.now() - started;
      throw context.signal.reason;
    }, { concurrency: 1 });
    await queue.enqueue('page-fetch', page('slow'));
    await waitUntil(async () => (await queue.countJobs())['page-fetch'].completed === 1, 20_000, 'retried and completed');
    expect(seen.map((entry) => entry.attempt)).toEqual([1, 2]);
    // Lease 3 s, aborted 1 s before pg-boss gives the job up.
    expect(seen[0].abortedAfterMs).toBeGreaterThanOrEqual(1_800);
    expect(seen[0].abortedAfterMs).toBeLessThan(3_000);
  });

  it('stop without waiting aborts running handlers and hands their jobs back; a graceful stop lets them finish', async () => {
    const { schema, queue } = await setUp();
    const reasons: string[] = [];
    await queue.work('page-fetch', async (_payload, context) => {
      await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
      reasons.push(String((context.signal.reason as Error).message));
      throw context.signal.reason;
    }, { concurrency: 1 });
    await queue.enqueue('page-fetch', page('interrupted'));
    await waitUntil(async () => (await queue.countJobs())['page-fetch'].active === 1, 10_000, 'job active');
    await queue.stop({ graceful: false });
    expect(reasons).toEqual(['crawl queue stopped']);
    const second = await createCrawlQueue({ connectionString: readTestDatabaseUrl(), schema: schema.name, ...FAST_QUEUE_SETTINGS });
    cleanups.push(() => second.stop({ graceful: false }));
    expect((await second.countJobs())['page-fetch']).toEqual({ queued: 1, active: 0, completed: 0, failed: 0 });
    let finished = false;
    await second.work('page-fetch', async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      finished = true;
    }, { concurrency: 1 });
    await waitUntil(async () => (await second.countJobs())['page-fetch'].active === 1, 10_000, 'job active again');
    await second.stop({ graceful: true, timeoutMs: 5_000 });
    expect(finished).toBe(true);
  });

  it('queues started together on a new installation all come up (their set-up takes turns)', async () => {
    const db = await makeDb();
    // Four at once, as workers started together would: pg-boss's schema and both queues are made once.
    const queues = await Promise.all([0, 1, 2, 3].map(() => createCrawlQueue({ connectionString: readTestDatabaseUrl(), schema: `${db.schema}_jobs`, ...FAST_QUEUE_SETTINGS })));
    cleanups.push(() => Promise.all(queues.map((q) => q.stop({ graceful: false }))));
    expect(await queues[3].enqueue('page-fetch', page('after-start'))).not.toBeNull();
    for (const q of queues) expect((await q.countJobs())['page-fetch'].queued).toBe(1);
    const made = await db.pool.query<{ name: string }>(`select name from ${db.schema}_jobs.queue order by name`);
    expect(made.rows.map((r) => r.name)).toEqual(['page-fetch', 'source-run']);
  });

  it('two worker processes do 200 page fetches, each exactly once', async () => {
    const { schema, queue } = await setUp();
    const workers = [startWorker(schema.name, 'a', { CONCURRENCY: '3', HANDLER_DELAY_MS: '5' }), startWorker(schema.name, 'b', { CONCURRENCY: '3', HANDLER_DELAY_MS: '5' })];
    // Queued once both are polling: a process that came up seconds before the other (a loaded
    // machine) would otherwise do all 200 alone.
    await Promise.all(workers.map((worker) => worker.waitFor((r) => r.event === 'working', CHILD_START_MS)));
    expect(await queue.enqueueMany('page-fetch', Array.from({ length: 200 }, (_, n) => page(n)))).toBe(200);
    await waitUntil(async () => (await queue.countJobs())['page-fetch'].completed === 200, 60_000, '200 completed');
    const done = await schema.pool.query<{ worker: string; count: number }>(`SELECT worker, count(*)::int AS count FROM ${schema.name}.completions GROUP BY worker ORDER BY worker`);
    expect(done.rows.reduce((sum, row) => sum + row.count, 0)).toBe(200);
    // Both processes took part, and nothing was started twice.
    expect(done.rows.map((row) => row.worker)).toEqual(['a', 'b']);
    const starts = await schema.pool.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${schema.name}.starts`);
    expect(starts.rows[0].count).toBe(200);
    expect(await queue.countJobs()).toEqual(expect.objectContaining({ 'page-fetch': { queued: 0, active: 0, completed: 200, failed: 0 } }));
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it('a job whose worker is SIGKILLed comes back after its lease and is done once by the other', async () => {
    const { schema, queue } = await setUp();
    const doomed = startWorker(schema.name, 'doomed', { CONCURRENCY: '1', HANG_ON: '/hang' });
    // Started beside it but idle until the doomed one is dead, so however slowly either comes up,
    // the hung job cannot reach the survivor before the kill.
    const survivor = startWorker(schema.name, 'survivor', { CONCURRENCY: '2', WORK_ON_SIGNAL: '1' });
    await Promise.all([doomed.waitFor((r) => r.event === 'working', CHILD_START_MS), survivor.waitFor((r) => r.event === 'ready', CHILD_START_MS)]);
    await queue.enqueue('page-fetch', page('hang'));
    await doomed.waitFor((r) => r.event === 'started' && r.url === page('hang').url);
    const killedAt = Date.now();
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    survivor.process.kill('SIGUSR2');
    await survivor.waitFor((r) => r.event === 'working');
    for (let n = 0; n < 20; n += 1) await queue.enqueue('page-fetch', page(n));
    const retried = await survivor.waitFor((r) => r.event === 'started' && r.url === page('hang').url, 30_000);
    // Lease 3 s + maintenance every 1 s + a backoff of 1-2 s, less the time it had already run:
    // about 6 s on a quiet machine; the bound only has to tell the test lease from the 15-minute
    // default, and leaves room for a CI machine running other test files beside this one.
    expect(Number(retried.at) - killedAt).toBeLessThan(RETRY_AFTER_KILL_MS);
    await waitUntil(async () => (await queue.countJobs())['page-fetch'].completed === 21, 30_000, '21 completed');
    const done = await schema.pool.query<{ url: string; worker: string; attempt: number }>(`SELECT url, worker, attempt FROM ${schema.name}.completions WHERE url = $1`, [page('hang').url]);
    expect(done.rows).toEqual([{ url: page('hang').url, worker: 'survivor', attempt: retried.attempt }]);
    // Every attempt before the survivor's was the doomed worker's: normally one, two if a loaded
    // machine let the 3 s lease run out before the kill (the lease's own retry, as designed).
    const starts = await schema.pool.query<{ worker: string; attempt: number }>(`SELECT worker, attempt FROM ${schema.name}.starts WHERE url = $1 ORDER BY attempt`, [page('hang').url]);
    const attempts = Number(retried.attempt);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(starts.rows).toEqual(Array.from({ length: attempts }, (_, i) => ({ worker: i === attempts - 1 ? 'survivor' : 'doomed', attempt: i + 1 })));
    expect((await queue.countJobs())['page-fetch']).toEqual({ queued: 0, active: 0, completed: 21, failed: 0 });
    // Each wait above has its own bound, so a slow step fails naming itself rather than as the
    // test's own timeout (which the sum of the steps overran once on a loaded CI machine).
  }, CHILD_PROCESS_TEST_TIMEOUT_MS);

  it("finds the next job along an index in pg-boss's order, not by sorting every waiting job", async () => {
    const { schema, queue } = await setUp();
    const payloads = Array.from({ length: 3000 }, (_, i) => ({ ...page(i), host: `h${i % 50}.test` }));
    await queue.enqueueMany('page-fetch', payloads, { priorities: payloads.map((_, i) => -Math.floor(i / 50)) });
    // pg-boss's own fetch statement, as its workers send it; no ANALYZE since the jobs went in,
    // as in a crawl whose source has just queued its pages.
    const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as { fetchNextJob(schema: string): (o: { includeMetadata: boolean }) => string };
    const fetchSql = plans.fetchNextJob(schema.name)({ includeMetadata: true });
    const explained = await schema.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${fetchSql}`, ['page-fetch', 1]);
    const plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan using \S*name_priority_created_on_id_idx/);
    expect(plan).not.toMatch(/Sort Key: job\.priority/);
    const indexes = await schema.pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'job'`, [schema.name]);
    expect(indexes.rows.map((r) => r.indexname)).toContain(FETCH_ORDER_INDEX);
  });
});
