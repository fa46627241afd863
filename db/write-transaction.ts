import type { Db } from './open-db.ts';
import { StorageBusyError } from '../src/errors.ts';

/** SQLite result codes that mean "another connection holds the lock", not a fault in our data. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']);

/** True for better-sqlite3's errors that say the database was locked by another writer. */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && BUSY_CODES.has(code);
}

/**
 * Runs `work` in a write transaction that takes the write lock when it begins (BEGIN IMMEDIATE).
 * A deferred transaction that reads first and writes later cannot wait for the lock: in WAL mode
 * SQLite answers SQLITE_BUSY at once when another writer committed since its read began, so two
 * concurrent writers died. IMMEDIATE waits the busy timeout for the lock instead; when even that
 * runs out the caller gets a StorageBusyError (the API answers 503 with Retry-After).
 */
export function writeTransaction<T>(db: Db, work: (tx: Db) => T): T {
  try {
    return db.transaction((tx) => work(tx as unknown as Db), { behavior: 'immediate' });
  } catch (error) {
    if (isBusyError(error)) {
      throw new StorageBusyError('The database is busy with another writer; try again shortly', { cause: (error as Error).message });
    }
    throw error;
  }
}
