import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPgDatabase } from '../../db/pg-database.ts';
import { createKey } from '../../src/accounts.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/roles.ts';
import { usePgTestDb } from '../helpers/pg-test-db.ts';
import { startServeProcess } from '../helpers/run-cli.ts';
import type { ChildProcess } from 'node:child_process';

/**
 * `copyhound serve` on PostgreSQL schedules for the workers instead of crawling itself: it holds
 * (or waits for) the scheduler lock, and /healthz and /metrics report the shared job queue.
 */

const makeDb = usePgTestDb();
let child: ChildProcess | undefined;
let dir: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serve on PostgreSQL', () => {
  it('reports the database and the queue in /healthz and the queue depth in /metrics; "run now" queues the run', async () => {
    const db = await makeDb();
    dir = mkdtempSync(join(tmpdir(), 'copyhound-serve-queue-'));
    const database = await openPgDatabase({ url: db.url, poolSize: 2 });
    const key = (await createKey({ db: database.db }, LOCAL_PRINCIPAL, { name: 'scraper', role: 'admin' })).key;
    await database.close();
    const served = await startServeProcess([], { COPYHOUND_DATABASE_URL: db.url, COPYHOUND_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' });
    child = served.child;

    // The server listens first (so /healthz answers at once), then joins the queue.
    type Health = { status: string; db: { dialect: string; reachable: boolean }; queue?: { reachable: boolean; queued: number; active: number; failed: number } };
    let body: Health | undefined;
    for (let i = 0; i < 100 && !body?.queue; i++) {
      const health = await fetch(`${served.url}/healthz`);
      expect(health.status).toBe(200);
      body = (await health.json()) as Health;
      if (!body.queue) await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toMatchObject({ status: 'ok', db: { dialect: 'pg', reachable: true }, queue: { reachable: true, queued: 0, active: 0, failed: 0 } });

    const scrape = await fetch(`${served.url}/metrics`, { headers: { authorization: `Bearer ${key}` } });
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(text).toMatch(/^copyhound_queue_jobs\{kind="page-fetch",state="queued"\} 0$/m);
    expect(text).toMatch(/^copyhound_queue_jobs\{kind="source-run",state="queued"\} 0$/m);

    // "Run now" queues the run for the workers (none here), once: a second is refused while it waits.
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const added = await fetch(`${served.url}/api/sources`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'sitemap', url: 'https://news.example/sitemap.xml', name: 'example' }) });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: number };
    const run = await fetch(`${served.url}/api/sources/${id}/run`, { method: 'POST', headers: auth });
    expect(run.status).toBe(202);
    expect(await run.json()).toEqual({ sourceId: id, name: 'example', runId: null, queued: true });
    const again = await fetch(`${served.url}/api/sources/${id}/run`, { method: 'POST', headers: auth });
    expect(again.status).toBe(409);
    const after = (await (await fetch(`${served.url}/healthz`)).json()) as Health;
    expect(after.queue).toMatchObject({ queued: 1, active: 0 });
    // Nothing was crawled in the server's own process.
    const runs = await db.pool.query<{ n: number }>('select count(*)::int as n from crawl_runs');
    expect(runs.rows[0].n).toBe(0);
  }, 60_000);
});
