import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readFileSync } from 'node:fs';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export type Db = BetterSQLite3Database;

export interface OpenDatabase {
  db: Db;
  /** Schema version: the tag of the newest applied migration. */
  schemaVersion: string;
  path: string;
  /** True when the database answers a trivial query. */
  ping(): boolean;
  close(): void;
}

export interface OpenDatabaseOptions {
  path: string;
  busyTimeoutMs: number;
}

function readLatestMigrationTag(): string {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as {
    entries: { tag: string }[];
  };
  return journal.entries.at(-1)?.tag ?? 'none';
}

/**
 * Opens (creating if needed) the database and brings its schema up to date. Migrations are
 * applied in one transaction each and recorded, so running this again is a no-op.
 */
export function openDatabase(options: OpenDatabaseOptions): OpenDatabase {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new Database(options.path, { timeout: options.busyTimeoutMs });
  // WAL lets the API read while a crawl writes; NORMAL sync is durable at WAL checkpoints.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  const db = drizzle(sqlite);
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return {
    db,
    schemaVersion: readLatestMigrationTag(),
    path: options.path,
    ping() {
      try {
        return sqlite.prepare('select 1 as ok').get() !== undefined;
      } catch {
        return false;
      }
    },
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
