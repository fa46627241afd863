import type Database from 'better-sqlite3';
import type { Db } from './open-db.ts';
import { StorageBusyError } from '../src/errors.ts';
import { dialectOf } from './dialect.ts';
import { readWriterLockKey } from './pg-writer-lock.ts';

/** SQLite result codes that mean "another connection holds the lock", not a fault in our data. */
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']);

/** True for better-sqlite3's errors that say the database was locked by another writer. */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && BUSY_CODES.has(code);
}

type Client = Database.Database;

/** Marks the handle a transaction gives its callback: a transaction begun on it is a savepoint. */
const IN_TRANSACTION = Symbol('copyhound.transaction');
interface TransactionState {
  savepoints: number;
}
/** Per connection, the tail of the queue of transactions waiting for it (one at a time). */
const queues = new WeakMap<Client, Promise<unknown>>();

function clientOf(db: Db): Client {
  return (db as unknown as { $client: Client }).$client;
}

function stateOf(db: Db): TransactionState | undefined {
  return (db as unknown as { [IN_TRANSACTION]?: TransactionState })[IN_TRANSACTION];
}

/** Runs `task` once every transaction queued before it on this connection has finished. */
function runExclusive<T>(client: Client, task: () => Promise<T>): Promise<T> {
  const before = queues.get(client) ?? Promise.resolve();
  const run = before.then(task, task);
  queues.set(client, run.catch(() => undefined));
  return run;
}

function begin(client: Client, statement: string): void {
  try {
    client.exec(statement);
  } catch (error) {
    if (isBusyError(error)) {
      throw new StorageBusyError('The database is busy with another writer; try again shortly', { cause: (error as Error).message });
    }
    throw error;
  }
}

/**
 * The transaction machinery. The callback gets its own handle (the database's, marked): a
 * transaction begun on that handle is nested, a savepoint. One begun on the plain database waits
 * for the connection instead, so code inside a transaction must pass its `tx` on, never reach
 * back for the outer handle (it would wait for itself). The handle marks the nesting rather than
 * AsyncLocalStorage, whose promise hooks on Node 20 doubled the cost of every await in a
 * 10,000-match re-decision.
 */
async function runTransaction<T>(db: Db, beginStatement: string, work: (tx: Db) => Promise<T> | T): Promise<T> {
  const client = clientOf(db);
  const outer = stateOf(db);
  if (outer) {
    // Inside a transaction: a savepoint, so a failure undoes only this part.
    const name = `sp_${++outer.savepoints}`;
    client.exec(`SAVEPOINT ${name}`);
    try {
      const result = await work(db);
      client.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      client.exec(`ROLLBACK TO ${name}`);
      client.exec(`RELEASE ${name}`);
      throw error;
    }
  }
  return runExclusive(client, async () => {
    begin(client, beginStatement);
    const tx = Object.create(db, { [IN_TRANSACTION]: { value: { savepoints: 0 } } }) as Db;
    try {
      const result = await work(tx);
      client.exec('COMMIT');
      return result;
    } catch (error) {
      if (client.inTransaction) client.exec('ROLLBACK');
      throw error;
    }
  });
}

/** drizzle's handle as a nested transaction uses it: transaction() on a transaction's handle is a savepoint. */
type PgTransactional = {
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
};

/**
 * PostgreSQL: each transaction takes its own pooled connection (drizzle's transaction), and one
 * begun on a transaction's handle is a savepoint. A write transaction first takes the
 * installation's writer lock (a transaction-level advisory lock, released at COMMIT/ROLLBACK):
 * writes are then serialised across every process as SQLite serialises them, which the code was
 * written for (read, decide, write in one transaction; custody log ids without gaps). A read
 * transaction is REPEATABLE READ: one snapshot, as SQLite's read transaction gives.
 */
// Loaded on first use, not at the top: SQLite installations never load node-postgres. Kept, since
// every dynamic import() goes through the module loader again (under tsx, its hooks thread).
let pgTransactionModule: Promise<typeof import('./pg/pg-transaction.ts')> | undefined;
function loadPgTransaction(): Promise<typeof import('./pg/pg-transaction.ts')> {
  return (pgTransactionModule ??= import('./pg/pg-transaction.ts'));
}

async function runPgTransaction<T>(db: Db, write: boolean, work: (tx: Db) => Promise<T> | T, shared = false): Promise<T> {
  const pgDb = db as unknown as PgTransactional;
  const mark = (tx: Db) => Object.create(tx, { [IN_TRANSACTION]: { value: { savepoints: 0 } } }) as Db;
  // On a transaction's handle, drizzle's transaction() is a savepoint.
  if (stateOf(db)) return await pgDb.transaction(async (tx) => await work(mark(tx)));
  const { runPgTopTransaction } = await loadPgTransaction();
  if (!write) return await runPgTopTransaction(db, { begin: 'begin isolation level repeatable read, read only' }, async (tx) => await work(mark(tx)));
  const key = readWriterLockKey((db as unknown as { $client: object }).$client);
  if (key === undefined) throw new Error('PostgreSQL handle opened without openPgDatabase: no writer lock');
  // The key is a decimal bigint we made ourselves (db/pg-writer-lock.ts): safe to write into the statement.
  if (!/^-?\d+$/.test(key)) throw new Error(`writer lock key is not an integer: ${key}`);
  const lock = shared ? `select pg_advisory_xact_lock_shared(${key}::bigint)` : `select pg_advisory_xact_lock(${key}::bigint)`;
  return await runPgTopTransaction(db, { begin: 'begin', first: lock }, async (tx) => await work(mark(tx)));
}

export interface WriteTransactionOptions {
  /**
   * PostgreSQL: the writer lock in shared mode. For the writes of one crawled page (its capture,
   * page row, matches, decisions, visit): pages are stored side by side by many workers, and
   * each touches rows of its own; what they share is locked on its own (the custody log by
   * lockTransactionScope in db/custody-log.ts, a run's figures by the run). Every other write
   * (a consent change, a review) still takes the lock alone, so it never interleaves with a
   * page's decision. SQLite has one writer at a time whatever this says.
   */
  shared?: boolean;
}

/**
 * Runs `work` in a write transaction that takes the write lock when it begins (BEGIN IMMEDIATE).
 * A deferred transaction that reads first and writes later cannot wait for the lock: in WAL mode
 * SQLite answers SQLITE_BUSY at once when another writer committed since its read began, so two
 * concurrent writers died. IMMEDIATE waits the busy timeout for the lock instead; when even that
 * runs out the caller gets a StorageBusyError (the API answers 503 with Retry-After).
 * `work` may be async: transactions on one connection run one at a time (a queue per connection),
 * and one begun on the `tx` handle inside another is a savepoint.
 */
export async function writeTransaction<T>(db: Db, work: (tx: Db) => Promise<T> | T, options: WriteTransactionOptions = {}): Promise<T> {
  if (dialectOf(db) === 'pg') return await runPgTransaction(db, true, work, options.shared);
  return await runTransaction(db, 'BEGIN IMMEDIATE', work);
}

/** Several reads that must see one state of the database (a snapshot), e.g. a log's size and root. */
export async function readTransaction<T>(db: Db, work: (tx: Db) => Promise<T> | T): Promise<T> {
  if (dialectOf(db) === 'pg') return await runPgTransaction(db, false, work);
  return await runTransaction(db, 'BEGIN', work);
}
