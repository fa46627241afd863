import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigOverrides } from '../../config/index.ts';
import { executeStatement, queryRows } from '../../db/dialect.ts';
import type { Db } from '../../db/open-db.ts';
import { openApp } from '../../src/app.ts';
import { importArticleFile } from '../../src/articles/import-articles.ts';
import { encodeFingerprints } from '../../src/fingerprint/index.ts';
import { matchArticleText } from '../../src/pipeline.ts';
import { OWNED_NDJSON, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase, testDatabaseSettings } from '../helpers/test-database.ts';

/** An app whose log lines are kept (the re-fingerprint reports its progress there). */
async function open(dir: string, overrides: ConfigOverrides = {}) {
  const config = loadConfig({}, { ...overrides, db: await testDatabaseSettings(join(dir, 'c.db')), data: { dir }, log: { level: 'info' } });
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      done();
    },
  });
  return { app: await openApp(config, pino({ level: 'info' }, sink)), lines };
}

const asArticle = (text: string) => ({ title: '', text, links: [] }) as unknown as Parameters<typeof matchArticleText>[1];
/** Works on the test's database through a connection of its own, as another process would. */
async function withDatabase<T>(dir: string, work: (db: Db) => Promise<T>): Promise<T> {
  const database = await openTestDatabase(join(dir, 'c.db'));
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

const methods = async (dir: string) =>
  await withDatabase(dir, async (db) => (await queryRows<{ method: string }>(db, sql`select distinct method from article_fingerprints`)).map((r) => r.method));

describe('fingerprint method versioning with the winnowed family', () => {
  const tempDir = useTempDir();
  const [nato] = readOwnedFixtures();
  // Every 5th word changed: no run of 5 words survives, so only the edit-tolerant family finds it.
  let w = 0;
  const edited = nato.body.replace(/\p{L}+/gu, (word) => (++w % 5 === 0 ? 'zzedit' : word));

  it('re-fingerprints at start when the winnow settings change, says so, and finds edited copies', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await importArticleFile(first.app.registry, OWNED_NDJSON.pathname, { maxRecordBytes: first.app.config.import.maxRecordBytes });
    await first.app.close();
    const before = await methods(dir);
    expect(before).toEqual([expect.stringMatching(/^v2:.*:k3w8$/)]);

    const second = await open(dir, { match: { winnowWindow: 6 } });
    try {
      const [m] = await matchArticleText(second.app, asArticle(edited));
      expect(m).toMatchObject({ articleId: 'aa-nato-syria', kind: 'reproduction' });
      expect(m.passages.some((p) => p.edits.length > 0)).toBe(true);
      expect(await methods(dir)).toEqual([expect.stringMatching(/:k3w6$/)]);
      expect(second.lines.find((l) => l.msg === 'owned-article fingerprints refreshed')).toMatchObject({ refreshed: 3 });
    } finally {
      await second.app.close();
    }
  });

  it('replaces fingerprints stored by the previous method (version 1 blobs) at start', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await importArticleFile(first.app.registry, OWNED_NDJSON.pathname, { maxRecordBytes: first.app.config.import.maxRecordBytes });
    await first.app.close();
    const v1 = encodeFingerprints({ version: 1, doc: 1n, passages: [{ hash: 2n, start: 0, end: 1 }], winnow: new Uint32Array(0) });
    await withDatabase(dir, async (db) => await executeStatement(db, sql`update article_fingerprints set version = 1, method = 'v1:r6:p6-40', passages = ${v1}`));

    const second = await open(dir);
    try {
      const [m] = await matchArticleText(second.app, asArticle(edited));
      expect(m).toMatchObject({ articleId: 'aa-nato-syria', kind: 'reproduction' });
      expect(await methods(dir)).toEqual([expect.stringMatching(/^v2:/)]);
    } finally {
      await second.app.close();
    }
  });
});
