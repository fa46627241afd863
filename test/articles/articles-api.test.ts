import { sql } from 'drizzle-orm';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialectOf, executeStatement } from '../../db/dialect.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

const article = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  url: `https://wire.example/${id}`,
  title: `Headline ${id}`,
  body: `Body of ${id}.\n\nSecond paragraph.`,
  publishedAt: '2016-02-12T10:00:00Z',
  ...extra,
});

describe('/api/articles on a real server', () => {
  const tempDir = useTempDir();
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function start(overrides = {}) {
    const dir = tempDir();
    const running = await startAppServer(dir, overrides);
    stop = running.stop;
    return { base: `${running.server.url}/api/articles`, dir, url: running.server.url };
  }

  it('creates one article, then says unchanged, then updated', async () => {
    const { base } = await start();
    expect(await requestJson(base, { body: article('a1') })).toEqual({ status: 201, body: { inserted: 1, updated: 0, unchanged: 0, rejected: 0 } });
    expect((await requestJson(base, { body: article('a1') })).body).toMatchObject({ unchanged: 1 });
    expect((await requestJson(base, { body: article('a1', { credit: 'AA' }) })).body).toMatchObject({ updated: 1 });
    const got = await requestJson(`${base}/a1`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: 'a1', credit: 'AA', body: 'Body of a1.\n\nSecond paragraph.' });
    expect(got.body).not.toHaveProperty('key');
  });

  it('takes a batch, keeps the good records and names the bad one with 400', async () => {
    const { base } = await start();
    const res = await requestJson(base, { body: [article('b1'), { id: 'b2', title: 'x', body: 'y' }, article('b3')] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toContain('1 of 3 articles rejected');
    expect(res.body.error.details).toMatchObject({ inserted: 2, rejected: 1, rejectedRecords: [{ index: 1, id: 'b2', problems: [{ field: 'url', message: 'url is required' }] }] });
    expect((await requestJson(`${base}/b3`)).status).toBe(200);
  });

  it('searches titles with paging', async () => {
    const { base } = await start();
    await requestJson(base, { body: Array.from({ length: 7 }, (_, i) => article(`s${i}`, { title: i % 2 ? `Odd ${i} 100%` : `Even ${i}` })) });
    const page1 = await requestJson(`${base}?q=odd&limit=2`);
    expect(page1.body.total).toBe(3);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await requestJson(`${base}?q=odd&limit=2&offset=2`);
    expect(page2.body.items).toHaveLength(1);
    expect((await requestJson(`${base}?q=${encodeURIComponent('100%')}`)).body.total).toBe(3);
    expect((await requestJson(`${base}?q=${encodeURIComponent('_')}`)).body.total).toBe(0);
    expect(page1.body.items[0]).not.toHaveProperty('body');
  });

  it('deletes, and answers 404 for unknown ids and routes', async () => {
    const { base, url } = await start();
    await requestJson(base, { body: article('d1') });
    expect((await requestJson(`${base}/d1`, { method: 'DELETE' })).status).toBe(204);
    const missing = await requestJson(`${base}/d1`);
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await requestJson(`${base}/d1`, { method: 'DELETE' })).status).toBe(404);
    expect((await requestJson(`${url}/api/nothing-here`)).status).toBe(404);
  });

  it('answers 409 when create-only is asked for an existing id', async () => {
    const { base } = await start();
    await requestJson(base, { body: article('c1') });
    const res = await requestJson(`${base}?onConflict=reject`, { body: article('c1') });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'conflict', details: { ids: ['c1'] } } } });
  });

  it('answers 400 for bad JSON and bad query parameters', async () => {
    const { base } = await start();
    expect(await requestJson(base, { rawBody: '{"id": ' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
    expect(await requestJson(`${base}?limit=0`)).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(await requestJson(`${base}?colour=red`)).toMatchObject({ status: 400 });
    expect(await requestJson(base, { rawBody: '"just a string"' })).toMatchObject({ status: 400 });
    expect(await requestJson(base, { body: [] })).toMatchObject({ status: 400 });
  });

  it('answers 413 for a body over the limit', async () => {
    const { base } = await start({ server: { bodyLimitBytes: 2048 } });
    const res = await requestJson(base, { body: article('big', { body: 'x'.repeat(5000) }) });
    expect(res).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });

  it('answers 500 without leaking internals when the database breaks', async () => {
    const { base, dir } = await start();
    const other = await openTestDatabase(join(dir, 'copyhound.db'));
    // PostgreSQL refuses to drop a table others reference unless told to drop those references too.
    const cascade = dialectOf(other.db) === 'pg' ? ' CASCADE' : '';
    for (const table of ['article_fingerprints', 'articles']) await executeStatement(other.db, sql.raw(`DROP TABLE ${table}${cascade}`));
    await other.close();
    const res = await requestJson(`${base}/anything`);
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'internal_error', message: 'Internal server error; the cause is in the server log' });
    expect(JSON.stringify(res.body)).not.toMatch(/sqlite|no such table|at /i);
  });

  it('reports health with the schema version', async () => {
    const { url } = await start();
    const res = await requestJson(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', db: { reachable: true, schemaVersion: expect.stringMatching(/^\d{4}_/) } });
  });
});
