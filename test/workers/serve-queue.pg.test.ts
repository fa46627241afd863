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
  it('reports the database and the queue in /healthz and the queue depth in /metrics', async () => {
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
  }, 60_000);
});
