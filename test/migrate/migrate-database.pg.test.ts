import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../db/dialect.ts';
import { insertLicensee } from '../../db/licensees.ts';
import { openDatabase } from '../../db/open-db.ts';
import { openPgDatabase } from '../../db/pg-database.ts';
import { listTablesInCopyOrder } from '../../db/table-copy.ts';
import { currentTree } from '../../src/custody-log.ts';
import { createCaptureFileStore, createCaptureStore } from '../../src/evidence/index.ts';
import { captureInput } from '../evidence/capture-input.ts';
import { createKey } from '../../src/accounts.ts';
import { createAlertTarget } from '../../src/alert-admin.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/roles.ts';
import { usePgTestDb } from '../helpers/pg-test-db.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { seedArticles, seedConsent, seedLicensee, seedManyReports, seedReports, SEED_NOW } from '../reports/seed-reports.ts';

/**
 * `copyhound migrate` from a SQLite installation made through the app's own modules and CLI into
 * a fresh PostgreSQL schema: every table's rows, keys and stored text arrive, the custody log has
 * the same root, sequences continue after the copied keys, and the app works on the result.
 */

const tempDir = useTempDir();
const makePgTestDb = usePgTestDb();

// The SQLite side stays SQLite in the pg suite: an explicit empty URL is the file (test/helpers/test-database.ts).
const SQLITE_ENV = { COPYHOUND_DATABASE_URL: '' };
// Spaces and non-ASCII kept as stored: a re-serialised JSON text would differ.
const ODD_JSON = '[ "legal@partner.example" ,\t"Zoë ☃"]';

async function seedInstallation(dir: string, bulkReports: number): Promise<string> {
  const file = join(dir, 'copyhound.db');
  const database = openDatabase({ path: file, busyTimeoutMs: 5000 });
  const db = database.db;
  const keys = await seedArticles(db, ['art-1', 'art-2', 'art-3']);
  const partner = await seedLicensee(db, 'Partner Post', ['partner-post.example']);
  const consent = await seedConsent(db, partner, 'urn:consent:1');
  await insertLicensee(db, { name: 'Odd JSON', contacts: [], notes: null, places: [], createdBy: 'test', createdAt: SEED_NOW, updatedAt: SEED_NOW });
  await database.close();
  // The stored text as another writer might have left it (drizzle would write it compact).
  const raw = new Database(file);
  raw.prepare("update licensees set contacts = ? where name = 'Odd JSON'").run(ODD_JSON);
  raw.close();
  const again = openDatabase({ path: file, busyTimeoutMs: 5000 });
  await seedReports(again.db, keys, [
    { url: 'https://copycat.example/1', articleId: 'art-1', coverage: 0.4, withCapture: true },
    { url: 'https://partner-post.example/2', articleId: 'art-2', status: 'confirmed', decision: 'licence_breach', reasons: ['credit_missing'], licenseeId: partner, consentId: consent, withCapture: true,
      withMatch: { passages: [{ pageStart: 5, pageEnd: 400, articleStart: 0, articleEnd: 395 }], detail: { at: SEED_NOW, explanation: ['no credit'], considered: [], pending: [], signals: [] } } },
  ]);
  // More report events than one custody tile holds (1,024 leaves), so a sealed tile is copied too.
  if (bulkReports > 0) await seedManyReports(again.db, keys, bulkReports);
  await createKey({ db: again.db }, LOCAL_PRINCIPAL, { name: 'robot', role: 'admin' });
  // A boolean stored as 0 in SQLite (enabled) and a JSON column written by the app (decisions).
  await createAlertTarget(again.db, { url: 'https://hooks.example/copyhound', enabled: false }, 'test');
  await again.close();
  const cli = (args: string[], input?: string) => runCliInProcess(['--db', file, ...args], { env: { ...SQLITE_ENV, COPYHOUND_DATA_DIR: join(dir, 'data') }, input });
  // An article long enough to be fingerprinted, imported as a user would.
  const words = Array.from({ length: 400 }, (_, i) => `word${(i * 7919) % 1000}`).join(' ');
  writeFileSync(join(dir, 'articles.json'), JSON.stringify([{ id: 'long-1', url: 'https://daily-news.example/long-1', title: 'A long one', body: `${words}.` }]));
  expect((await cli(['articles', 'import', join(dir, 'articles.json')])).code).toBe(0);
  expect((await cli(['users', 'add', '--email', 'alice@example.com', '--role', 'admin'], 'correct horse battery staple\n')).code).toBe(0);
  expect((await cli(['log', 'head', '--sign'])).code).toBe(0);
  expect((await cli(['sources', 'add', '--type', 'urls', '--url', 'https://copycat.example/1', '--name', 'watched'])).code).toBe(0);
  expect((await cli(['owner-sites', 'add', 'daily-news.example'])).code).toBe(0);
  return file;
}

// seedInstallation's captures are rows only (seedReports writes no WARC files).
function migrate(file: string, url: string, ...more: string[]) {
  return runCliInProcess(['migrate', '--from', file, '--to', url, '--allow-missing-files', ...more], { env: SQLITE_ENV });
}

/** A SQLite installation whose captures have their WARC files in `dir`/data, one of them a revisit. */
async function seedCaptures(dir: string): Promise<{ file: string; dataDir: string; ids: number[] }> {
  const file = join(dir, 'copyhound.db');
  const dataDir = join(dir, 'data');
  const database = openDatabase({ path: file, busyTimeoutMs: 5000 });
  const store = createCaptureStore({ db: database.db, dataDir });
  const a = captureInput('https://news.example/a', 'story a');
  const ids = [
    (await store.save(a)).id,
    (await store.save(captureInput('https://news.example/b', 'story b'))).id,
    (await store.save({ ...captureInput('https://copy.example/a', 'story a'), rawBody: a.rawBody })).id,
  ];
  await database.close();
  return { file, dataDir, ids };
}

function countSqlite(file: string): Record<string, number> {
  const raw = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(listTablesInCopyOrder().map((t) => [t.name, (raw.prepare(`select count(*) as n from "${t.name}"`).get() as { n: number }).n]));
  } finally {
    raw.close();
  }
}

describe('copyhound migrate', () => {
  it('copies every table with its keys and stored text, and the custody log root is the same', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const file = await seedInstallation(dir, 1100);
    const pg = await makePgTestDb();

    const r = await migrate(file, pg.url, '--json', '--batch-size', '250');
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.ok).toBe(true);

    const counts = countSqlite(file);
    expect(Object.keys(counts)).toHaveLength(32);
    for (const table of listTablesInCopyOrder()) {
      const { rows } = await pg.pool.query<{ n: string | number }>(`select count(*) as n from "${table.name}"`);
      expect({ table: table.name, n: Number(rows[0]!.n) }).toEqual({ table: table.name, n: counts[table.name] });
    }
    for (const table of ['alert_targets', 'sources', 'owner_sites', 'articles', 'article_fingerprints', 'licensees', 'consents', 'pages', 'matches', 'match_decisions', 'reports', 'report_events', 'report_captures', 'captures', 'capture_bodies', 'custody_entries', 'custody_tiles', 'tree_heads', 'users', 'api_keys', 'server_secrets']) {
      expect({ table, empty: counts[table] === 0 }).toEqual({ table, empty: false });
    }
    expect(Object.fromEntries(summary.tables.map((t: { table: string; target: number }) => [t.table, t.target]))).toEqual(counts);

    const source = openDatabase({ path: file, busyTimeoutMs: 5000 });
    const target = await openPgDatabase({ url: pg.url, poolSize: 2 });
    try {
      const [sourceTree, targetTree] = [await currentTree(source.db), await currentTree(target.db)];
      expect(sourceTree.size).toBeGreaterThan(1024);
      expect(targetTree).toEqual(sourceTree);
      expect(summary.custody).toEqual({ source: sourceTree, target: targetTree });

      // The JSON column's text exactly as stored, not re-serialised.
      const { rows: odd } = await pg.pool.query<{ contacts: string }>("select contacts::text as contacts from licensees where name = 'Odd JSON'");
      expect(odd[0]!.contacts).toBe(ODD_JSON);

      const { rows: targets } = await pg.pool.query<{ enabled: boolean; decisions: string }>('select enabled, decisions::text as decisions from alert_targets');
      const [sqliteTarget] = await queryRows<{ enabled: number; decisions: string }>(source.db, sql`select enabled, decisions from alert_targets`);
      expect(targets).toEqual([{ enabled: false, decisions: sqliteTarget!.decisions }]);
      expect(sqliteTarget!.enabled).toBe(0);

      // Sequences continue after the copied keys: the app's next licensee gets max + 1.
      const maxId = Number((await pg.pool.query<{ m: number }>('select max(id) as m from licensees')).rows[0]!.m);
      const added = await insertLicensee(target.db, { name: 'After migration', contacts: [], notes: null, places: [], createdBy: 'test', createdAt: SEED_NOW, updatedAt: SEED_NOW });
      expect(added.id).toBe(maxId + 1);
    } finally {
      await target.close();
      await source.close();
    }

    // The app on the migrated database lists the same reports as on the file.
    const onSqlite = await runCliInProcess(['--db', file, 'reports', 'list', '--json', '--limit', '500'], { env: { ...SQLITE_ENV, COPYHOUND_DATA_DIR: join(dir, 'data') } });
    const onPg = await runCliInProcess(['reports', 'list', '--json', '--limit', '500'], { env: { COPYHOUND_DATABASE_URL: pg.url, COPYHOUND_DATA_DIR: join(dir, 'data') } });
    expect(onSqlite.code).toBe(0);
    expect(onPg.code).toBe(0);
    expect(onPg.stdout.split('\n').length).toBeGreaterThan(500);
    expect(onPg.stdout).toBe(onSqlite.stdout);
    // The next page's cursor too.
    expect(onPg.stderr).toBe(onSqlite.stderr);
    const verify = await runCliInProcess(['log', 'verify', '--json'], { env: { COPYHOUND_DATABASE_URL: pg.url, COPYHOUND_DATA_DIR: join(dir, 'data') } });
    expect(JSON.parse(verify.stdout).entries).toBe(counts.custody_entries);
  });

  it('refuses a target that already holds rows, and copies nothing', async () => {
    const dir = tempDir();
    const file = await seedInstallation(dir, 0);
    const pg = await makePgTestDb();
    expect((await migrate(file, pg.url, '--json')).code).toBe(0);
    const before = Number((await pg.pool.query<{ n: string }>('select count(*) as n from reports')).rows[0]!.n);

    const again = await migrate(file, pg.url);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/target is not empty: .*reports \(2\)/);
    expect(Number((await pg.pool.query<{ n: string }>('select count(*) as n from reports')).rows[0]!.n)).toBe(before);
  });

  it('exits 1 naming the table when the copy reads back different, and commits nothing', async () => {
    const dir = tempDir();
    const file = await seedInstallation(dir, 0);
    const pg = await makePgTestDb();
    // The schema made ahead, with a trigger that changes what is written: the check must see it.
    await (await openPgDatabase({ url: pg.url, poolSize: 1 })).close();
    await pg.pool.query(`create function garble() returns trigger language plpgsql as $$ begin new.notes := 'garbled'; return new; end $$`);
    await pg.pool.query('create trigger garble before insert on licensees for each row execute function garble()');

    const r = await migrate(file, pg.url);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^licensees +\d+ +\d+ +DIFFERS$/m);
    expect(r.stdout).toMatch(/^reports +2 +2 +same$/m);
    expect(r.stdout).toContain('FAILED: the copy differs from the source; nothing was committed');
    expect(Number((await pg.pool.query<{ n: string }>('select count(*) as n from licensees')).rows[0]!.n)).toBe(0);
  });

  it('names the table and PostgreSQL\'s reason when an insert fails, without the statement\'s values', async () => {
    const dir = tempDir();
    const file = await seedInstallation(dir, 0);
    const pg = await makePgTestDb();
    await (await openPgDatabase({ url: pg.url, poolSize: 1 })).close();
    await pg.pool.query('alter table consents add constraint refuse_all check (false)');

    const r = await migrate(file, pg.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: copying consents failed, nothing was committed: new row for relation "consents" violates check constraint "refuse_all"/);
    expect(r.stderr).not.toContain('insert into');
    expect(Number((await pg.pool.query<{ n: string }>('select count(*) as n from articles')).rows[0]!.n)).toBe(0);
  });

  it('refuses text PostgreSQL cannot store, naming the table, row and column, and leaves the target empty', async () => {
    const dir = tempDir();
    const file = await seedInstallation(dir, 0);
    const raw = new Database(file);
    const id = (raw.prepare("select id from licensees where name = 'Partner Post'").get() as { id: number }).id;
    raw.prepare('update licensees set notes = ? where id = ?').run('a\u0000b', id);
    raw.close();
    const pg = await makePgTestDb();

    const r = await migrate(file, pg.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`licensees id=${id}, column notes`);
    expect(r.stderr).toContain('U+0000');
    expect(Number((await pg.pool.query<{ n: string }>('select count(*) as n from articles')).rows[0]!.n)).toBe(0);
  });

  it('copies the captures\' WARC files into capture_files, where the app on PostgreSQL reads and verifies them', { timeout: 60_000 }, async () => {
    const { file, dataDir, ids } = await seedCaptures(tempDir());
    const pg = await makePgTestDb();
    const r = await runCliInProcess(['migrate', '--from', file, '--to', pg.url, '--json'], { env: { ...SQLITE_ENV, COPYHOUND_DATA_DIR: dataDir } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`copying 3 capture files from ${dataDir} into the database`);
    const summary = JSON.parse(r.stdout);
    expect(summary.ok).toBe(true);
    expect(summary.files).toMatchObject({ source: 3, target: 3, missing: { count: 0, paths: [] } });

    const { rows } = await pg.pool.query<{ path: string; sha256: string; logged: string }>('select f.path, f.sha256, c.warc_sha256 as logged from capture_files f join captures c on c.warc_path = f.path order by c.id');
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.sha256).toBe(row.logged);

    const target = await openPgDatabase({ url: pg.url, poolSize: 2 });
    try {
      // No data folder on this side: every byte comes from the table.
      const files = createCaptureFileStore({ kind: 'database', db: target.db, dataDir: join(tempDir(), 'none') });
      const store = createCaptureStore({ db: target.db, dataDir: join(tempDir(), 'none'), files });
      expect((await store.readBody(ids[2]!)).toString()).toContain('story a');
    } finally {
      await target.close();
    }
    const verify = await runCliInProcess(['log', 'verify', '--json'], { env: { COPYHOUND_DATABASE_URL: pg.url, COPYHOUND_DATA_DIR: join(tempDir(), 'elsewhere') } });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ filesChecked: 3, problemCount: 0 });
  });

  it('refuses when a capture file is missing from the data folder, naming it, and commits nothing', { timeout: 60_000 }, async () => {
    const { file, dataDir } = await seedCaptures(tempDir());
    const source = openDatabase({ path: file, busyTimeoutMs: 5000 });
    const [{ path }] = await queryRows<{ path: string }>(source.db, sql`select warc_path as path from captures order by id limit 1`);
    await source.close();
    rmSync(join(dataDir, path!));
    const pg = await makePgTestDb();
    const r = await runCliInProcess(['migrate', '--from', file, '--to', pg.url, '--data', dataDir], { env: SQLITE_ENV });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`1 capture file(s) the SQLite file's rows name are not in ${dataDir} (first: ${path})`);
    expect(r.stderr).toContain('--allow-missing-files');
    expect(Number((await pg.pool.query<{ n: string }>('select count(*) as n from captures')).rows[0]!.n)).toBe(0);
    expect(Number((await pg.pool.query<{ n: string }>('select count(*) as n from capture_files')).rows[0]!.n)).toBe(0);
  });

  it('leaves the files in the folder when the target keeps them there (COPYHOUND_CAPTURE_STORE=folder)', { timeout: 60_000 }, async () => {
    const { file, dataDir } = await seedCaptures(tempDir());
    const pg = await makePgTestDb();
    const r = await runCliInProcess(['migrate', '--from', file, '--to', pg.url], { env: { ...SQLITE_ENV, COPYHOUND_DATA_DIR: dataDir, COPYHOUND_CAPTURE_STORE: 'folder' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('capture files: left in the data folder (COPYHOUND_CAPTURE_STORE=folder)');
    expect(Number((await pg.pool.query<{ n: string }>('select count(*) as n from capture_files')).rows[0]!.n)).toBe(0);
  });

  it('refuses a missing source file instead of copying a new empty one', async () => {
    const pg = await makePgTestDb();
    const r = await migrate(join(tempDir(), 'nope.db'), pg.url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no SQLite database at .*nope\.db/);
  });
});
