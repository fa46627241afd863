import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readFileSync } from 'node:fs';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export type Db = BetterSQLite3Database;

export interface OpenDatabase {
  db: Db;
  /** Schema version: the tag of the newest applied migration. */
  schemaVersion: string;
  /** The SQLite file, or the PostgreSQL URL with its password hidden. */
  path: string;
  dialect: 'sqlite' | 'pg';
  /** PostgreSQL: true when this open made the tables (the schema had none of ours). */
  pgCreated?: boolean;
  /** PostgreSQL: the installation's schema (the connection's current schema). */
  pgSchema?: string;
  /** PostgreSQL: the connection URL (with its password), for the job queue's own connections. */
  pgUrl?: string;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Refreshes the planner's statistics where they went stale (a long-running server, hourly). */
  refreshStatistics(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  path: string;
  busyTimeoutMs: number;
  /**
   * Checkpoint the write-ahead log from a worker thread instead of inside commits (db/wal-checkpointer.ts).
   * On for the application's own connection; tests and tools that open a file briefly leave it off.
   */
  checkpointInBackground?: boolean;
  /** SQLite page cache (MB); SQLite's 2 MB default when not given (tests, short-lived tools). */
  cacheMb?: number;
  /** Bytes of the file read through a memory map (MB); none when not given. */
  mmapMb?: number;
  /** Told when the background checkpoint failed and SQLite's own was turned back on. */
  onCheckpointFailed?(message: string): void;
}

function readLatestMigrationTag(): string {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_DIR}/meta/_journal.json`, 'utf8')) as {
    entries: { tag: string }[];
  };
  return journal.entries.at(-1)?.tag ?? 'none';
}

// SQLite's default: a commit that leaves the log above this many pages checkpoints it.
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

// Rows ANALYZE samples per index when PRAGMA optimize decides to run it: enough for the planner
// to tell a selective index from a broad one, bounded so it takes ~0.5 s on a 1M-report file.
const ANALYSIS_LIMIT_ROWS = 1000;
// PRAGMA optimize flags: 0x02 run ANALYZE where it may help, 0x10000 check every table (a fresh
// connection has used none yet, so without it the pragma does nothing at open).
const OPTIMIZE_AT_OPEN = 0x10002;

/**
 * Table and index statistics for SQLite's query planner. Without them it guesses from index
 * shapes alone and walked ~845k reports for a one-domain list (the list's domain filter is the
 * selective one, which only statistics tell it). A no-op when the statistics are still current.
 */
function gatherPlannerStatistics(sqlite: Database.Database): void {
  sqlite.pragma(`analysis_limit = ${ANALYSIS_LIMIT_ROWS}`);
  sqlite.pragma(`optimize = ${OPTIMIZE_AT_OPEN}`);
}

/**
 * Applies pending migrations. Two processes opening a new file at the same moment both see none
 * applied and both start (drizzle's migration transaction is deferred); the second then fails on
 * a table the first just made. It waits for the first to finish (an IMMEDIATE transaction waits
 * out the lock) and tries once more, which finds everything applied.
 */
function migrateOnce(sqlite: Database.Database, db: Db): void {
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('ROLLBACK');
    try {
      migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    } catch {
      throw error;
    }
  }
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
  // Negative: a size in KiB rather than a page count.
  if (options.cacheMb !== undefined) sqlite.pragma(`cache_size = -${Math.trunc(options.cacheMb * 1024)}`);
  if (options.mmapMb !== undefined) sqlite.pragma(`mmap_size = ${Math.trunc(options.mmapMb * 1024 * 1024)}`);
  const db = drizzle(sqlite);
  try {
    migrateOnce(sqlite, db);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  gatherPlannerStatistics(sqlite);
  let checkpointer: WalCheckpointer | undefined;
  if (options.checkpointInBackground && options.path !== ':memory:') {
    sqlite.pragma('wal_autocheckpoint = 0');
    checkpointer = startWalCheckpointer({
      dbPath: options.path,
      busyTimeoutMs: options.busyTimeoutMs,
      onFailed(message) {
        if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
        options.onCheckpointFailed?.(message);
      },
    });
  }
  return {
    db,
    schemaVersion: readLatestMigrationTag(),
    path: options.path,
    dialect: 'sqlite',
    async ping() {
      try {
        return sqlite.prepare('select 1 as ok').get() !== undefined;
      } catch {
        return false;
      }
    },
    async refreshStatistics() {
      // Plain optimize looks at the tables this connection has used since it opened.
      sqlite.pragma('optimize');
    },
    async close() {
      // The thread's connection closes first: ours is then the last, which checkpoints and removes the log.
      checkpointer?.stop();
      if (sqlite.open) sqlite.close();
    },
  };
}

export interface DatabaseSettings {
  /** SQLite file; used when `url` is empty. */
  path: string;
  /** PostgreSQL URL; empty for SQLite. */
  url: string;
  poolSize: number;
  busyTimeoutMs: number;
  cacheMb?: number;
  mmapMb?: number;
  checkpointInBackground?: boolean;
  onCheckpointFailed?(message: string): void;
  onPoolError?(error: Error): void;
}

/** The configured database: PostgreSQL when a URL is given, else the SQLite file. */
export async function openConfiguredDatabase(settings: DatabaseSettings): Promise<OpenDatabase> {
  if (settings.url) {
    // Loaded only here, so SQLite installations never load node-postgres.
    const { openPgDatabase } = await import('./pg-database.ts');
    return await openPgDatabase({ url: settings.url, poolSize: settings.poolSize, onPoolError: settings.onPoolError });
  }
  return openDatabase(settings);
}
