import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { STORAGE_BUSY_RETRY_AFTER_SECONDS } from '../../src/http/http-errors.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Small, so the request gives up on the held lock quickly.
const BUSY_TIMEOUT_MS = 200;
const article = { id: 'busy-1', url: 'https://wire.example/busy-1', title: 'Busy', body: 'Written while another process holds the lock.' };

describe('a busy database answers 503 storage_busy with Retry-After, never 500', () => {
  const tempDir = useTempDir();
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startWithLockHolder() {
    const dir = tempDir();
    const running = await startAppServer(dir, { db: { busyTimeoutMs: BUSY_TIMEOUT_MS } });
    cleanups.push(() => running.stop());
    // Another process's connection to the same file, as a crawl or an import would hold it.
    const other = new Database(join(dir, 'copyhound.db'), { timeout: 0 });
    cleanups.push(() => void other.close());
    return { url: running.server.url, other };
  }

  async function post(url: string, path: string, body: unknown) {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
  }

  it('POST /api/articles while another connection holds BEGIN IMMEDIATE', async () => {
    const { url, other } = await startWithLockHolder();
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const busy = await post(url, '/api/articles', article);
    expect(busy.status).toBe(503);
    expect(busy.retryAfter).toBe(String(STORAGE_BUSY_RETRY_AFTER_SECONDS));
    expect(busy.body).toEqual({
      error: { code: 'storage_busy', message: expect.stringContaining('busy'), details: { retryAfterSeconds: STORAGE_BUSY_RETRY_AFTER_SECONDS } },
    });
    // It did wait for the lock (the busy timeout) before giving up.
    expect(Date.now() - started).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS - 20);
    expect(JSON.stringify(busy.body)).not.toMatch(/sqlite|locked/i);
    other.exec('COMMIT');
    expect((await post(url, '/api/articles', article)).status).toBe(201);
  });

  it('a single-statement write (POST /api/sources) under BEGIN EXCLUSIVE: the raw SQLITE_BUSY is a 503 too', async () => {
    const { url, other } = await startWithLockHolder();
    const source = { type: 'sitemap', url: 'https://news.example/sitemap.xml', name: 'sm', schedule: '0 * * * *' };
    other.exec('BEGIN EXCLUSIVE');
    const busy = await post(url, '/api/sources', source);
    expect(busy.status).toBe(503);
    expect(busy.retryAfter).toBe(String(STORAGE_BUSY_RETRY_AFTER_SECONDS));
    expect(busy.body.error.code).toBe('storage_busy');
    other.exec('ROLLBACK');
    expect((await post(url, '/api/sources', source)).status).toBe(201);
  });
});
