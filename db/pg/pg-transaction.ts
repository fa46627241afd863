import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres/session';
import pg from 'pg';
import type { Db } from '../open-db.ts';

/**
 * A top-level PostgreSQL transaction on a pooled connection of its own, begun with its first
 * statement in the same round trip: `BEGIN; SELECT pg_advisory_xact_lock(…)` as one simple query.
 * A crawled page runs two transactions, and on a loopback connection each round trip costs the
 * worker about as much CPU as a small query's whole work; drizzle's own transaction() sends BEGIN
 * on its own. The handle given to `work` is drizzle's transaction object, as db.transaction()
 * would give (a transaction begun on it is a savepoint).
 */

interface DrizzleSessionInternals {
  client: pg.Pool;
  dialect: ConstructorParameters<typeof NodePgSession>[1];
  schema: ConstructorParameters<typeof NodePgSession>[2];
  options: ConstructorParameters<typeof NodePgSession>[3];
}

/** What a transaction starts with: its BEGIN and, when given, the first statement (no parameters). */
export interface PgTransactionStart {
  /** e.g. `begin` or `begin isolation level repeatable read, read only`. */
  begin: string;
  /** A statement without parameters run right after BEGIN, in the same round trip. */
  first?: string;
}

export async function runPgTopTransaction<T>(db: Db, start: PgTransactionStart, work: (tx: Db) => Promise<T>): Promise<T> {
  const session = (db as unknown as { session: DrizzleSessionInternals }).session;
  // openPgDatabase gives drizzle a pool; a handle on one client cannot lend a connection.
  if (!(session.client instanceof pg.Pool)) throw new Error('PostgreSQL handle is not on a pool: cannot begin a transaction on a connection of its own');
  const client = await session.client.connect();
  // Set when the connection's state is unknown (BEGIN, COMMIT or ROLLBACK failed): it is then
  // destroyed rather than handed to the next transaction, which ends its session and its locks.
  let broken: Error | undefined;
  try {
    const txSession = new NodePgSession(client, session.dialect, session.schema, session.options);
    const tx = new NodePgTransaction(session.dialect, txSession, session.schema) as unknown as Db;
    // Simple query protocol (no parameters): two statements in one message, run in order.
    await client.query(start.first ? `${start.begin}; ${start.first}` : start.begin).catch((error: Error) => {
      broken = error;
      throw error;
    });
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
    await client.query('commit').catch((error: Error) => {
      broken = error;
      throw error;
    });
    return result;
  } finally {
    client.release(broken);
  }
}
