import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Session-level PostgreSQL advisory locks: held until unlocked or until the session ends, so a
 * process that dies (crash, SIGKILL, lost machine) frees its locks with its connection.
 *
 * Keys are one signed 64-bit integer: the first 8 bytes of SHA-256(namespace NUL name NUL index).
 * We hash in JavaScript rather than with PostgreSQL's hashtext(), whose output is not promised to
 * stay the same across major versions, and we use all 64 bits (the (int4, int4) form would leave
 * 32 bits for the host name). Two names that collide share one lock: that only serialises them
 * (two hosts fetched one after the other), never lets two holders in at once; at 64 bits it takes
 * about 4 billion distinct names for even odds of one colliding pair. The namespace keeps one
 * installation's or test's keys apart from another's in the same database (advisory locks are
 * per database, not per schema).
 */
export type AdvisoryLockKey = string;

/** The stable 64-bit key (as a decimal string, cast to bigint in SQL) for a name in a namespace. */
export function computeAdvisoryLockKey(namespace: string, name: string, index = 0): AdvisoryLockKey {
  const digest = createHash('sha256').update(`${namespace}\u0000${name}\u0000${index}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/** Takes the lock for this session if nobody else holds it; never waits. */
export async function tryAdvisoryLock(client: pg.ClientBase, key: AdvisoryLockKey): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
  return result.rows[0]?.locked === true;
}

/** Takes the lock for this session, waiting for its holder to release it (or to die). */
export async function takeSessionLock(client: pg.ClientBase, key: AdvisoryLockKey): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
}

/** Releases one hold of the lock; false when this session did not hold it. */
export async function releaseAdvisoryLock(client: pg.ClientBase, key: AdvisoryLockKey): Promise<boolean> {
  const result = await client.query<{ unlocked: boolean }>('SELECT pg_advisory_unlock($1::bigint) AS unlocked', [key]);
  return result.rows[0]?.unlocked === true;
}

/**
 * Transaction-level lock: waits, and is released at COMMIT/ROLLBACK. Serialises short critical
 * sections across processes (the crawl queue's check-then-insert of one URL).
 */
export async function takeTransactionLock(client: pg.ClientBase, key: AdvisoryLockKey): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [key]);
}

/** Whether this session holds the lock, as PostgreSQL sees it (pg_locks). */
export async function holdsAdvisoryLock(client: pg.ClientBase, key: AdvisoryLockKey): Promise<boolean> {
  // A bigint advisory lock appears in pg_locks with classid = high 32 bits, objid = low 32 bits, objsubid = 1.
  const result = await client.query<{ held: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM pg_locks
       WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted AND objsubid = 1
         AND ((classid::bigint << 32) | objid::bigint) = $1::bigint
     ) AS held`,
    [key],
  );
  return result.rows[0]?.held === true;
}

/**
 * How often a session holding a lock proves it is alive: far inside IDLE_SESSION_TIMEOUT_MS, so
 * only a frozen process is ended by the server, and often enough that a holder learns within
 * seconds that its connection is gone.
 */
export const SESSION_HEARTBEAT_MS = 5_000;

export interface SessionHeartbeat {
  stop(): void;
}

/**
 * Runs `SELECT 1` on the client every intervalMs; the first failure (connection dropped, session
 * terminated, statement timed out) calls onFailure once and stops.
 */
export function startSessionHeartbeat(client: pg.ClientBase, onFailure: (error: Error) => void, intervalMs = SESSION_HEARTBEAT_MS): SessionHeartbeat {
  let stopped = false;
  const timer = setInterval(() => {
    client.query('SELECT 1').catch((error: Error) => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      onFailure(error);
    });
  }, intervalMs);
  // A heartbeat alone must not keep a process alive that has nothing else to do.
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
