/**
 * Per PostgreSQL pool, the advisory lock key its write transactions take (db/write-transaction.ts).
 * Kept apart from db/pg-database.ts so the transaction code does not load node-postgres for SQLite.
 */
const writerLockKeys = new WeakMap<object, string>();

export function setWriterLockKey(pool: object, key: string): void {
  writerLockKeys.set(pool, key);
}

export function readWriterLockKey(pool: object): string | undefined {
  return writerLockKeys.get(pool);
}
