import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { queryRows } from '../../db/dialect.ts';
import { insertLicensee } from '../../db/licensees.ts';
import { placeholders, preparedWrite } from '../../db/prepared.ts';
import { licensees } from '../../db/schema/rights.ts';
import { insertRows, listTablesInCopyOrder } from '../../db/table-copy.ts';
import { openPgDatabase } from '../../db/pg-database.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { createKey } from '../../src/accounts.ts';
import { createCrawlQueue } from '../../src/queue/crawl-queue.ts';
import { openApp } from '../../src/app.ts';
import { LOCAL_PRINCIPAL } from '../../src/auth/roles.ts';
import { startServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { readTestDatabaseUrl, usePgTestDb } from '../helpers/pg-test-db.ts';
import { FAST_QUEUE_SETTINGS, waitUntil } from '../queue/fixtures/pg-queue-test.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * A failing statement's bound values (article text, password and token hashes) never reach an
 * error message, a log line, an API answer or the CLI's error line: real failing queries on a real
 * PostgreSQL schema, with a marker in their values. What an operator needs stays: the SQL text,
 * PostgreSQL's reason, its SQLSTATE code and the constraint's name. SQLite's errors are checked too.
 */

const tempDir = useTempDir();
const makePgTestDb = usePgTestDb();

const MARKER = 'MARKER-7f3a-never-logged';
const NOW = '2026-12-02T00:00:00.000Z';

/** The error as every surface would show it: message, stack, inspect, and a JSON log line. */
function everyRendering(error: unknown): string {
  const lines: string[] = [];
  const logger = createLogger({ log: { level: 'info', format: 'json' } }, {}, { write: (line: string) => lines.push(line) });
  logger.error({ err: error }, 'query failed');
  const e = error as Error & { cause?: Error };
  return [e.message, e.stack, String(e), inspect(e, { depth: 6 }), e.cause?.message, e.cause?.stack, JSON.stringify(e.cause), ...lines].join('\n');
}

async function failureOf(run: () => Promise<unknown>): Promise<Error & { cause: Error & { code: string; constraint?: string; detail?: string } }> {
  try {
    await run();
  } catch (error) {
    return error as never;
  }
  throw new Error('the statement did not fail');
}

function articleFile(dir: string): string {
  const path = join(dir, 'articles.json');
  writeFileSync(path, JSON.stringify([{ id: 'a-1', url: 'https://daily-news.example/a-1', title: 'Title', body: `A paragraph of owned text with ${MARKER} in it, long enough.` }]));
  return path;
}

describe('query errors without bound values', () => {
  it('PostgreSQL: a check constraint, a cast, a duplicate key and a failing transaction name the SQL and the reason, never a value', async () => {
    const pg = await makePgTestDb();
    const database = await openPgDatabase({ url: pg.url, poolSize: 2 });
    try {
      await pg.pool.query("alter table licensees add constraint no_marker check (notes is null or position('MARKER' in notes) = 0)");
      await pg.pool.query('create table probe_keys (k text primary key)');
      const licensee = { name: 'Partner', contacts: [], notes: `secret ${MARKER}`, places: [], createdBy: 'test', createdAt: NOW, updatedAt: NOW };

      const check = await failureOf(() => insertLicensee(database.db, licensee));
      expect(check.message).toMatch(/^Failed query: insert into "licensees" \(.*\$1.*: new row for relation "licensees" violates check constraint "no_marker" \(SQLSTATE 23514\)$/);
      expect(check.cause).toMatchObject({ code: '23514', constraint: 'no_marker', table: 'licensees' });
      expect(check.cause.detail).toBeUndefined();
      const shown = everyRendering(check);
      expect(shown).not.toContain(MARKER);
      expect(shown).toContain('no_marker');

      // PostgreSQL repeats the value in its own message: the placeholder takes its place.
      const cast = await failureOf(() => queryRows(database.db, sql`select ${MARKER}::int as n`));
      expect(cast.message).toBe('Failed query: select $1::int as n: invalid input syntax for type integer: "$1" (SQLSTATE 22P02)');
      expect(everyRendering(cast)).not.toContain(MARKER);

      // "Key (k)=(…) already exists" is PostgreSQL's detail: cleared.
      await queryRows(database.db, sql`insert into probe_keys values (${MARKER})`);
      const duplicate = await failureOf(() => queryRows(database.db, sql`insert into probe_keys values (${MARKER})`));
      expect(duplicate.cause).toMatchObject({ code: '23505', constraint: 'probe_keys_pkey' });
      expect(everyRendering(duplicate)).not.toContain(MARKER);

      const inTransaction = await failureOf(() => writeTransaction(database.db, async (tx) => await insertLicensee(tx, licensee)));
      expect(inTransaction.message).toContain('violates check constraint "no_marker"');
      expect(everyRendering(inTransaction)).not.toContain(MARKER);
    } finally {
      await database.close();
    }
  });

  it('PostgreSQL, statements sent to node-postgres directly (prepared writes, the migration\'s inserts): no value either', async () => {
    const pg = await makePgTestDb();
    const database = await openPgDatabase({ url: pg.url, poolSize: 2 });
    try {
      await pg.pool.query("alter table licensees add constraint no_marker check (notes is null or position('MARKER' in notes) = 0)");
      await pg.pool.query("alter table licensees add constraint short_names check (length(name) < 40)");
      const write = preparedWrite(database.db, 'probeLicensee', (c) => c.insert(licensees).values(placeholders('name', 'contacts', 'notes', 'places', 'createdBy', 'createdAt', 'updatedAt')));
      const prepared = await failureOf(() => write({ name: 'Partner', contacts: [], notes: `secret ${MARKER}`, places: [], createdBy: 'test', createdAt: NOW, updatedAt: NOW }));
      expect(prepared).toMatchObject({ code: '23514', constraint: 'no_marker' });
      expect(everyRendering(prepared)).not.toContain(MARKER);

      const table = listTablesInCopyOrder().find((t) => t.name === 'licensees')!;
      const row = Object.fromEntries(table.columns.map((c) => [c, null])) as Record<string, unknown>;
      Object.assign(row, { id: 7, name: `${MARKER} and a name too long`, contacts: '[]', notes: null, places: '[]', created_by: 'test', created_at: NOW, updated_at: NOW });
      const copied = await failureOf(() => insertRows(database.db, table, [row]));
      expect(copied).toMatchObject({ code: '23514', constraint: 'short_names' });
      expect(everyRendering(copied)).not.toContain(MARKER);
    } finally {
      await database.close();
    }
  });

  it('the crawl queue on PostgreSQL: its own statements and pg-boss\'s fail without the payload or the error they carried', async () => {
    const pg = await makePgTestDb();
    const lines: string[] = [];
    const logger = createLogger({ log: { level: 'info', format: 'json' } }, {}, { write: (line: string) => lines.push(line) });
    const queue = await createCrawlQueue({ connectionString: readTestDatabaseUrl(), schema: `${pg.schema}_jobs`, logger, ...FAST_QUEUE_SETTINGS });
    try {
      // PostgreSQL refuses a NUL in JSON and quotes the JSON around it in its error's `where`
      // (a NUL in the URL, the job's key, is refused sooner, as text).
      const page = { sourceId: 1, runId: 1, url: `http://example.test/${MARKER}`, host: `example.test\u0000` };
      const one = await failureOf(() => queue.enqueue('page-fetch', page));
      expect(one).toMatchObject({ code: '22P05' });
      expect(everyRendering(one)).not.toContain(MARKER);
      const many = await failureOf(() => queue.enqueueMany('page-fetch', [page]));
      expect(many).toMatchObject({ code: '22P05' });
      expect(everyRendering(many)).not.toContain(MARKER);

      // pg-boss records a handler's failure as JSON, without waiting for it: refused, that is
      // logged (no value in the line) rather than left an unhandled rejection ending the process
      // (vitest fails the run on one), and the job stays active for its lease to bring back.
      expect(await queue.enqueue('page-fetch', { ...page, host: 'example.test' })).toEqual(expect.any(String));
      await queue.work('page-fetch', async () => {
        throw new Error(`handler failed on ${MARKER}\u0000`);
      }, { concurrency: 1 });
      const logged = await waitUntil(async () => lines.find((line) => line.includes('could not record the end of a job')), 20_000, 'failed job end logged');
      expect(JSON.parse(logged!)).toMatchObject({ err: { code: '22P05' } });
      expect(lines.join('\n')).not.toContain(MARKER);
      expect((await queue.countJobs())['page-fetch']).toMatchObject({ active: 1, failed: 0 });
    } finally {
      await queue.stop({ graceful: false });
    }
  });

  it('PostgreSQL over HTTP: the 500 answer and the server log line hold no value', async () => {
    const pg = await makePgTestDb();
    const dir = tempDir();
    const logLines: string[] = [];
    const config = loadConfig({}, {
      db: { path: join(dir, 'unused.db'), url: pg.url, poolSize: 2 },
      data: { dir: join(dir, 'data') },
      server: { port: 0, host: '127.0.0.1' },
      log: { level: 'info', format: 'json' },
    });
    const app = await openApp(config, createLogger(config, {}, { write: (line: string) => logLines.push(line) }));
    const server = await startServer(app);
    try {
      await pg.pool.query("alter table articles add constraint articles_no_marker check (position('MARKER' in body) = 0)");
      const key = (await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: 'test', role: 'admin' })).key;
      const response = await fetch(`${server.url}/api/articles`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ id: 'a-1', url: 'https://daily-news.example/a-1', title: 'Title', body: `Owned text with ${MARKER} in it.` }),
      });
      const answer = await response.text();
      expect(response.status).toBe(500);
      expect(answer).not.toContain(MARKER);
      const log = logLines.join('');
      expect(log).toContain('articles_no_marker');
      expect(log).not.toContain(MARKER);
    } finally {
      await server.close();
      await app.close();
    }
  });

  it('the CLI on PostgreSQL: its error line names the constraint, not the article text', async () => {
    const pg = await makePgTestDb();
    await (await openPgDatabase({ url: pg.url, poolSize: 1 })).close();
    await pg.pool.query("alter table articles add constraint articles_no_marker check (position('MARKER' in body) = 0)");
    const dir = tempDir();
    const r = await runCliInProcess(['articles', 'import', articleFile(dir)], { env: { COPYHOUND_DATABASE_URL: pg.url, COPYHOUND_DATA_DIR: join(dir, 'data') } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('articles_no_marker');
    expect(r.stdout + r.stderr).not.toContain(MARKER);
  });

  it('the CLI on SQLite: its errors name the constraint, never a value, as before', async () => {
    const dir = tempDir();
    const file = join(dir, 'copyhound.db');
    const env = { COPYHOUND_DATABASE_URL: '', COPYHOUND_DATA_DIR: join(dir, 'data') };
    expect((await runCliInProcess(['--db', file, 'init'], { env })).code).toBe(0);
    const raw = new Database(file);
    raw.exec("create trigger articles_no_marker before insert on articles when instr(new.body, 'MARKER') > 0 begin select raise(abort, 'articles_no_marker refused the row'); end");
    raw.close();
    const r = await runCliInProcess(['--db', file, 'articles', 'import', articleFile(dir)], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('articles_no_marker refused the row');
    expect(r.stdout + r.stderr).not.toContain(MARKER);
  });
});
