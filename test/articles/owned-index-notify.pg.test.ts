import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { articleChangesChannel } from '../../db/article-changes.ts';
import { openApp, type App } from '../../src/app.ts';
import { archiveArticle, saveArticles } from '../../src/articles/article-registry.ts';
import { importArticleFile } from '../../src/articles/import-articles.ts';
import { createLogger } from '../../src/log.ts';
import type { OwnedIndex } from '../../src/owned-index.ts';
import { matchArticleText } from '../../src/pipeline.ts';
import { OWNED_NDJSON, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { usePgTestDb, type PgTestDb } from '../helpers/pg-test-db.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * On PostgreSQL the owned-article index of every process follows the others' writes through
 * LISTEN/NOTIFY: two apps on one schema stand for two worker processes. The slow poll (60 s while
 * the listener is up) never comes into it: the tests read the index without calling sync().
 */

const makeDb = usePgTestDb();
const tempDir = useTempDir();
const opened: App[] = [];

afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

async function open(db: PgTestDb): Promise<App> {
  const dir = tempDir();
  const config = loadConfig({}, { db: { path: join(dir, 'c.db'), url: db.url, poolSize: 3 }, data: { dir }, log: { level: 'silent' } });
  const app = await openApp(config, createLogger(config));
  opened.push(app);
  return app;
}

/** Waits until `check` holds, polling every 10 ms; answers the milliseconds it took. */
async function within(ms: number, check: () => boolean | Promise<boolean>, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

/** The backend pids of the schema's LISTEN connections (one per app that built its index). */
async function listenerPids(db: PgTestDb): Promise<number[]> {
  const result = await db.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = left($1, 63) ORDER BY pid`, [`copyhound articles ${db.schema}`]);
  return result.rows.map((row) => row.pid);
}

async function followingIndex(app: App): Promise<OwnedIndex> {
  const owned = await app.getOwnedIndex();
  await within(5000, () => owned.followsChanges(), 'the listener is up');
  return owned;
}

const asArticle = (text: string) => ({ title: '', text, links: [] }) as unknown as Parameters<typeof matchArticleText>[1];

describe('owned-article index on PostgreSQL: LISTEN/NOTIFY', () => {
  const fixtures = readOwnedFixtures();
  const [nato] = fixtures;

  it("shows another process's import, update and archive within a short bound, without the poll", async () => {
    const db = await makeDb();
    const writer = await open(db);
    const reader = await open(db);
    const owned = await followingIndex(reader);
    expect(owned.index.size).toBe(0);
    expect(await listenerPids(db)).toHaveLength(1);

    const imported = await importArticleFile(writer.registry, OWNED_NDJSON.pathname, { maxRecordBytes: writer.config.import.maxRecordBytes });
    expect(imported.inserted).toBe(fixtures.length);
    const took = await within(2000, () => owned.index.size === fixtures.length, 'the import reached the other index');
    // Far inside the 2 s a SQLite process would poll at, let alone the 60 s safety net.
    expect(took).toBeLessThan(1500);
    expect((await matchArticleText(reader, asArticle(nato.body)))[0]?.articleId).toBe(nato.id);

    // An update: the new text is matched, found through the notification.
    const words = ['harbour', 'festival', 'lantern', 'quay', 'fishermen', 'brass', 'band', 'ferry', 'tide', 'market', 'gulls', 'rope'];
    const replacement = Array.from({ length: 80 }, (_, i) => `${words[i % 12]} ${words[(i * 5) % 12]} number ${i} met ${words[(i * 7 + 3) % 12]} at ${i * 13}.`).join(' ');
    const updated = await saveArticles(writer.registry, [{ ref: 1, value: { ...nato, body: replacement } }]);
    expect(updated.updated).toBe(1);
    await within(2000, async () => (await matchArticleText(reader, asArticle(replacement)))[0]?.articleId === nato.id, 'the update reached the other index');

    // An archive lowers the live count: the other index drops the article.
    await archiveArticle(writer.registry, nato.id);
    await within(2000, () => owned.index.size === fixtures.length - 1, 'the archive reached the other index');
  });

  it('notifies on commit only, on the channel of its own schema', async () => {
    const db = await makeDb();
    const other = await makeDb();
    const app = await open(db);
    const elsewhere = await open(other);
    expect(articleChangesChannel(db.schema)).not.toBe(articleChangesChannel(other.schema));
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on('notification', (message) => heard.push(message.channel));
      await listener.query(`LISTEN "${articleChangesChannel(db.schema)}"`);

      // Another installation's import is not ours.
      await importArticleFile(elsewhere.registry, OWNED_NDJSON.pathname, { maxRecordBytes: elsewhere.config.import.maxRecordBytes });
      // A batch whose write fails rolls back, its notification with it.
      const broken = { ...app.registry, fingerprint: () => ({ version: 1, method: 'x', blob: null as unknown as Buffer }) };
      await expect(saveArticles(broken, [{ ref: 1, value: { ...nato, id: 'rolled-back' } }])).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 300));
      expect(heard).toEqual([]);

      // One committed import batch: one notification (PostgreSQL folds a transaction's identical ones).
      await saveArticles(app.registry, [{ ref: 1, value: nato }]);
      await within(1000, () => heard.length > 0, 'the notification of a commit');
      // Saving it again unchanged writes nothing and says nothing.
      await saveArticles(app.registry, [{ ref: 1, value: nato }]);
      await new Promise((r) => setTimeout(r, 300));
      expect(heard).toEqual([articleChangesChannel(db.schema)]);
    } finally {
      await listener.end();
    }
  });

  it('recovers a terminated LISTEN connection and catches up on what it missed', async () => {
    const db = await makeDb();
    const writer = await open(db);
    const reader = await open(db);
    const owned = await followingIndex(reader);
    const [before] = await listenerPids(db);
    expect(before).toBeTypeOf('number');

    await db.pool.query('SELECT pg_terminate_backend($1)', [before]);
    // Written right after the drop, most likely before the listener is back: its notification
    // is lost, and the comparison after the reconnect finds the articles.
    await importArticleFile(writer.registry, OWNED_NDJSON.pathname, { maxRecordBytes: writer.config.import.maxRecordBytes });
    await within(5000, () => owned.index.size === fixtures.length, 'the index caught up after the reconnect');
    await within(5000, async () => owned.followsChanges() && (await listenerPids(db)).some((pid) => pid !== before), 'a new LISTEN connection');
    expect(await listenerPids(db)).toHaveLength(1);

    // Notifications flow again on the new connection.
    await archiveArticle(writer.registry, nato.id);
    const took = await within(2000, () => owned.index.size === fixtures.length - 1, 'a notification on the new connection');
    expect(took).toBeLessThan(1500);
  });

  it('closes the LISTEN connection with the app', async () => {
    const db = await makeDb();
    const reader = await open(db);
    await followingIndex(reader);
    expect(await listenerPids(db)).toHaveLength(1);
    await opened.splice(opened.indexOf(reader), 1)[0].close();
    await within(2000, async () => (await listenerPids(db)).length === 0, 'the LISTEN connection closed');
  });
});
