import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open-db.ts';
import { usePgTestDb, type PgTestDb } from '../helpers/pg-test-db.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { buildRoundTripRows, insertRoundTripRowsPg, insertRoundTripRowsSqlite } from './round-trip-rows.ts';
import { loadAllPgTables } from './schema-tables.ts';

const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations-pg', import.meta.url));
const MIGRATIONS_TABLE = '__drizzle_migrations';

/** Applies db/migrations-pg inside the test schema (the migrations table too, so nothing leaks). */
async function applyMigrations(testDb: PgTestDb): Promise<NodePgDatabase> {
  const db = drizzle(testDb.pool);
  await migrate(db, { migrationsFolder: PG_MIGRATIONS_DIR, migrationsSchema: testDb.schema, migrationsTable: MIGRATIONS_TABLE });
  return db;
}

const pgTables = (await loadAllPgTables()).map((table) => getTableConfig(table));

async function readColumns(testDb: PgTestDb): Promise<string[]> {
  const result = await testDb.pool.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `select table_name, column_name, data_type, is_nullable from information_schema.columns
      where table_schema = $1 and table_name <> $2`,
    [testDb.schema, MIGRATIONS_TABLE],
  );
  return result.rows.map((r) => `${r.table_name}.${r.column_name} ${r.data_type}${r.is_nullable === 'NO' ? ' not null' : ''}`).sort();
}

/** SQLite's own message: drizzle wraps a failed query in an error that names the query. */
function readSqliteError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
  }
  return 'no error';
}

describe('db/migrations-pg', () => {
  const makePgTestDb = usePgTestDb();
  const makeTempDir = useTempDir();

  it('creates every table of db/schema-pg with its columns, indexes and foreign keys', async () => {
    const testDb = await makePgTestDb();
    await applyMigrations(testDb);
    const expected = pgTables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name} ${c.getSQLType()}${c.notNull ? ' not null' : ''}`)).sort();
    expect(pgTables.length).toBeGreaterThan(20);
    expect(await readColumns(testDb)).toEqual(expected);

    const indexes = await testDb.pool.query<{ indexname: string }>('select indexname from pg_indexes where schemaname = $1', [testDb.schema]);
    const indexNames = new Set(indexes.rows.map((r) => r.indexname));
    for (const table of pgTables) {
      for (const index of table.indexes) expect(indexNames, `index ${index.config.name}`).toContain(index.config.name);
      for (const column of table.columns) if (column.isUnique) expect(indexNames, `unique ${column.uniqueName}`).toContain(column.uniqueName);
    }
    const fks = await testDb.pool.query<{ constraint_name: string }>(
      `select constraint_name from information_schema.table_constraints where table_schema = $1 and constraint_type = 'FOREIGN KEY'`,
      [testDb.schema],
    );
    expect(fks.rows.map((r) => r.constraint_name).sort()).toEqual(pgTables.flatMap((t) => t.foreignKeys.map((fk) => fk.getName())).sort());
  });

  it('compares text byte by byte, as SQLite does, whatever the database collation', async () => {
    const testDb = await makePgTestDb();
    await applyMigrations(testDb);
    const notC = await testDb.pool.query<{ column: string }>(
      `select table_name || '.' || column_name as column from information_schema.columns
        where table_schema = $1 and table_name <> $2 and data_type = 'text' and coalesce(collation_name, '') <> 'C'`,
      [testDb.schema, MIGRATIONS_TABLE],
    );
    expect(notC.rows).toEqual([]);
    // A language collation ignores the dot at first and puts this host outside its domain's range.
    await testDb.pool.query(
      `insert into pages (url, title, text_hash, first_seen_at, last_seen_at, rhost) values ('https://www.example.com/', 't', 'h', 'x', 'x', 'com.example.www.')`,
    );
    const inRange = await testDb.pool.query(`select 1 from pages where rhost >= 'com.example.' and rhost < 'com.example/'`);
    expect(inRange.rowCount).toBe(1);
  });

  it('is a no-op when applied a second time', async () => {
    const testDb = await makePgTestDb();
    await applyMigrations(testDb);
    const columnsBefore = await readColumns(testDb);
    const countApplied = async () => (await testDb.pool.query(`select * from "${MIGRATIONS_TABLE}"`)).rowCount;
    const appliedBefore = await countApplied();
    expect(appliedBefore).toBeGreaterThanOrEqual(2);
    await applyMigrations(testDb);
    expect(await countApplied()).toBe(appliedBefore);
    expect(await readColumns(testDb)).toEqual(columnsBefore);
  });

  it('gives back the same rows as SQLite for the same inserts (bytea, JSON, booleans, doubles, big sizes)', async () => {
    const testDb = await makePgTestDb();
    const pgDb = await applyMigrations(testDb);
    const sqlite = openDatabase({ path: join(makeTempDir(), 'parity.db'), busyTimeoutMs: 1_000 });
    try {
      const rows = buildRoundTripRows();
      const fromSqlite = insertRoundTripRowsSqlite(sqlite.db, rows);
      const fromPg = await insertRoundTripRowsPg(pgDb, rows);
      expect(Object.keys(fromPg)).toEqual(Object.keys(fromSqlite));
      for (const key of Object.keys(fromSqlite) as (keyof typeof fromSqlite)[]) {
        expect(fromPg[key], key).toEqual(fromSqlite[key]);
        // JSON comes back with its keys in the stored order: the custody log digests that text.
        expect(JSON.stringify(fromPg[key]), key).toBe(JSON.stringify(fromSqlite[key]));
      }
      expect(Buffer.isBuffer(fromPg.fingerprint.passages)).toBe(true);
    } finally {
      await sqlite.close();
    }
  });

  it('refuses to change or remove evidence rows, with the messages SQLite gives', async () => {
    const testDb = await makePgTestDb();
    const pgDb = await applyMigrations(testDb);
    const sqlite = openDatabase({ path: join(makeTempDir(), 'append-only.db'), busyTimeoutMs: 1_000 });
    try {
      const rows = buildRoundTripRows();
      insertRoundTripRowsSqlite(sqlite.db, rows);
      await insertRoundTripRowsPg(pgDb, rows);
      const attempts = [
        [`update report_events set note = 'x'`, 'report_events is append-only: a history row cannot be changed'],
        ['delete from report_events', 'report_events is append-only: a history row cannot be deleted'],
        ['delete from reports', 'reports are never deleted: close or dismiss a report instead'],
        [`update custody_entries set leaf = 'x'`, 'custody_entries is append-only: a log entry cannot be changed'],
        ['delete from custody_entries', 'custody_entries is append-only: a log entry cannot be deleted'],
      ] as const;
      for (const [statement, message] of attempts) {
        expect(readSqliteError(() => sqlite.db.run(sql.raw(statement))), statement).toBe(message);
        await expect(testDb.pool.query(statement), statement).rejects.toThrow(message);
      }
      // PostgreSQL's TRUNCATE skips row triggers; the migration refuses it too.
      await expect(testDb.pool.query('truncate custody_entries')).rejects.toThrow('custody_entries is append-only');
      await expect(testDb.pool.query('truncate reports cascade')).rejects.toThrow('reports are never deleted');
      const kept = await testDb.pool.query('select id from report_events');
      expect(kept.rowCount).toBe(1);
    } finally {
      await sqlite.close();
    }
  });
});
