import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Db, OpenDatabase } from './open-db.ts';
import { computeAdvisoryLockKey, releaseAdvisoryLock, takeSessionLock } from './pg/advisory-locks.ts';
import { connectPgClient, createPgPool } from './pg/pg-connection.ts';
import { setWriterLockKey } from './pg-writer-lock.ts';
import { installQueryErrorRedaction } from './query-errors.ts';

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations-pg', import.meta.url));

/**
 * PostgreSQL returns bigint (count(*), sequences, size columns) as a string and json as a parsed
 * value; the column definitions in db/schema/ expect what SQLite gives, a number and the stored
 * text (the custody log hashes that text, and a reparsed value could differ from it). node-postgres
 * reads its parsers from one module-wide registry (drizzle looks them up there on every query), so
 * they are set there, once; these are the only two types changed.
 */
function setValueParsers(): void {
  pg.types.setTypeParser(pg.types.builtins.INT8, (text: string) => {
    const value = Number(text);
    // Ids, sizes and counts stay far below 2^53; a larger value would silently lose digits.
    if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is beyond JavaScript's exact integers`);
    return value;
  });
  pg.types.setTypeParser(pg.types.builtins.JSON, (text: string) => text);
}

function readLatestMigrationTag(): string {
  const journal = JSON.parse(readFileSync(`${PG_MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.at(-1)?.tag ?? 'none';
}

export interface OpenPgDatabaseOptions {
  url: string;
  poolSize: number;
  /** Shown in pg_stat_activity beside each connection. */
  applicationName?: string;
  onPoolError?(error: Error): void;
}

/** The installation's schema (the first of the connection's search_path), which namespaces its locks. */
async function readCurrentSchema(pool: pg.Pool): Promise<string> {
  const result = await pool.query<{ schema: string | null }>('select current_schema() as schema');
  const schema = result.rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL has no current schema: the search_path names no schema that exists');
  return schema;
}

/**
 * Applies pending migrations under a session advisory lock, so workers starting together apply
 * them once (the others wait, then find nothing to do). The migration journal lives in the
 * installation's own schema, which lets several installations (or tests) share one database.
 */
async function migrateOnce(url: string, db: Db, schema: string): Promise<void> {
  // Its own connection, not a pooled one: the migrator needs the pool, which may hold only one.
  const client = await connectPgClient({ connectionString: url, applicationName: 'copyhound migrate', idleSessionTimeoutMs: 0 }, () => {});
  const key = computeAdvisoryLockKey('copyhound.migrate', schema);
  try {
    await takeSessionLock(client, key);
    try {
      await migrate(db as never, { migrationsFolder: PG_MIGRATIONS_DIR, migrationsSchema: schema });
    } finally {
      await releaseAdvisoryLock(client, key);
    }
  } finally {
    await client.end();
  }
}

/** Opens a pool on the server, brings the schema up to date, and answers the same handle as SQLite's. */
export async function openPgDatabase(options: OpenPgDatabaseOptions): Promise<OpenDatabase> {
  setValueParsers();
  installQueryErrorRedaction();
  const pool = createPgPool(
    { connectionString: options.url, applicationName: options.applicationName ?? 'copyhound', idleSessionTimeoutMs: 0, max: options.poolSize },
    (error) => options.onPoolError?.(error),
  );
  // Typed as the SQLite handle: the query modules are written once against that API and finish
  // queries only in the ways both drivers share (db/dialect.ts).
  const db = drizzle(pool) as unknown as Db;
  let schema: string;
  let created = false;
  try {
    schema = await readCurrentSchema(pool);
    const journal = await pool.query<{ found: string | null }>('select to_regclass(format($1, current_schema())) as found', ['%I.__drizzle_migrations']);
    created = journal.rows[0]?.found == null;
    await migrateOnce(options.url, db, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  setWriterLockKey(pool, computeAdvisoryLockKey('copyhound.writer', schema));
  return {
    db,
    schemaVersion: readLatestMigrationTag(),
    path: hidePassword(options.url),
    dialect: 'pg',
    pgSchema: schema,
    pgCreated: created,
    pgUrl: options.url,
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    // PostgreSQL's autovacuum keeps the planner's statistics current.
    async refreshStatistics() {},
    async close() {
      await pool.end();
    },
  };
}

/** The URL with its password hidden: shown in logs and `path`. */
export function hidePassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (URL not shown)';
  }
}
