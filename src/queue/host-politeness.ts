import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { computeAdvisoryLockKey, releaseAdvisoryLock, startSessionHeartbeat, tryAdvisoryLock } from '../../db/pg/advisory-locks.ts';
import { createPgPool, LOCK_QUERY_TIMEOUT_MS } from '../../db/pg/pg-connection.ts';
import type { Logger } from '../log.ts';

/**
 * Per-host politeness across every worker process: a host has `concurrency` slots, each a
 * session-level advisory lock keyed by (host, slot index). A fetch holds a slot on a pooled
 * connection of its own; the slot is let go only after the fetch has ended AND the host's delay
 * has passed since then. So:
 * - at most `concurrency` fetches of one host run at once, whichever workers do them;
 * - with one slot, the next fetch of the host starts at least delayMs after the previous one
 *   ended (hence also after it started); with N slots, any N + 1 consecutive starts span at least
 *   delayMs (each start holds a slot until delayMs after its fetch);
 * - a worker that dies frees its slots with its session (PostgreSQL drops session locks when the
 *   connection goes), so a host is never blocked by a dead worker, only by a live one's delay.
 * The delay runs after the fetch's end rather than its start so that it holds as the host sees
 * it (request arrival to request arrival) whatever the network latency.
 *
 * When every slot is taken, acquireHostSlot waits, polling with a bounded, jittered backoff
 * (HOST_SLOT_POLL_MIN_MS doubling to HOST_SLOT_POLL_MAX_MS) until a slot frees or the signal
 * aborts (the job's lease ending, the queue stopping). We wait rather than answer "busy" because
 * a page-fetch job cannot put itself back in the queue without losing its place and a retry
 * attempt; the lease bounds the wait. Waiters are not served in order: with many waiters on one
 * host, one may wait longer than the others.
 */

/** First and longest pause between two tries for a free slot: short for a brief wait, capped so a
 * busy host with many waiters costs each of them at most one lock query per second. */
export const HOST_SLOT_POLL_MIN_MS = 50;
export const HOST_SLOT_POLL_MAX_MS = 1_000;

/** Connections per process: one per held slot (during the fetch and its delay) and per try. */
const DEFAULT_MAX_CONNECTIONS = 20;

export interface HostSlot {
  host: string;
  index: number;
  /**
   * Call when the fetch has ended (success or not). Resolves once the host's delay has passed and
   * the slot is free; the caller need not wait for it (it never rejects).
   */
  release(): Promise<void>;
}

export interface AcquireHostSlotOptions {
  /** Fetches of this host that may run at once (≥ 1). */
  concurrency: number;
  /** Pause after each fetch before its slot is free again (robots crawl-delay or our default). */
  delayMs: number;
  signal?: AbortSignal;
}

/** Since the start: slots taken, how many of them had to wait for a busy host, and for how long in all. */
export interface HostSlotWaits {
  acquired: number;
  waited: number;
  waitedMs: number;
}

export interface HostPoliteness {
  acquireHostSlot(host: string, options: AcquireHostSlotOptions): Promise<HostSlot>;
  /** How much time this process's fetches spent waiting for hosts' slots: time workers sat idle. */
  readSlotWaits(): HostSlotWaits;
  /** Waits for pending releases, then closes the connections. */
  close(): Promise<void>;
}

export interface HostPolitenessOptions {
  connectionString: string;
  /** Keeps installations (or tests) sharing one database apart: e.g. the queue's schema name. */
  namespace: string;
  maxConnections?: number;
  logger?: Logger;
}

export function createHostPoliteness(options: HostPolitenessOptions): HostPoliteness {
  const logger = options.logger;
  const pool = createPgPool(
    {
      connectionString: options.connectionString,
      applicationName: 'copyhound-host-politeness',
      max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      queryTimeoutMs: LOCK_QUERY_TIMEOUT_MS,
    },
    (error) => logger?.warn({ err: error }, 'host politeness: idle connection lost'),
  );
  const releasing = new Set<Promise<void>>();
  const waits: HostSlotWaits = { acquired: 0, waited: 0, waitedMs: 0 };

  function computeSlotKey(host: string, index: number): string {
    return computeAdvisoryLockKey(`${options.namespace}:host-slot`, host.toLowerCase(), index);
  }

  /** One pass over the host's slots on one connection; the slot's index, or -1 if all are taken. */
  async function tryTakeSlot(client: pg.PoolClient, host: string, concurrency: number): Promise<number> {
    for (let index = 0; index < concurrency; index += 1) {
      if (await tryAdvisoryLock(client, computeSlotKey(host, index))) return index;
    }
    return -1;
  }

  function holdSlot(client: pg.PoolClient, host: string, index: number, delayMs: number): HostSlot {
    let lost: Error | undefined;
    // A fetch (and its delay) may outlast IDLE_SESSION_TIMEOUT_MS: keep the session visibly alive.
    const heartbeat = startSessionHeartbeat(client, (error) => (lost = error));
    let released: Promise<void> | undefined;
    async function letGo(): Promise<void> {
      await sleep(delayMs);
      heartbeat.stop();
      try {
        // If the session died meanwhile, the lock went with it; the connection is discarded below.
        if (!lost) await releaseAdvisoryLock(client, computeSlotKey(host, index));
        client.release(lost);
      } catch (error) {
        // A connection that may still hold the lock must not go back to the pool: destroying it
        // ends its session, which frees the lock.
        logger?.warn({ err: error, host }, 'host politeness: unlock failed; connection discarded');
        client.release(error as Error);
      }
    }
    return {
      host,
      index,
      release() {
        if (!released) {
          const done = letGo();
          released = done;
          releasing.add(done);
          void done.finally(() => releasing.delete(done));
        }
        return released;
      },
    };
  }

  return {
    async acquireHostSlot(host, { concurrency, delayMs, signal }) {
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
      if (!(delayMs >= 0)) throw new Error(`delayMs must be ≥ 0, got ${delayMs}`);
      let pauseMs = HOST_SLOT_POLL_MIN_MS;
      const asked = performance.now();
      for (let tries = 1; ; tries += 1) {
        signal?.throwIfAborted();
        const client = await pool.connect();
        let index: number;
        try {
          index = await tryTakeSlot(client, host, concurrency);
        } catch (error) {
          client.release(error as Error);
          throw error;
        }
        if (index >= 0) {
          if (signal?.aborted) {
            // Aborted while taking it: give it back at once, without the delay (nothing was fetched).
            await releaseAdvisoryLock(client, computeSlotKey(host, index)).then(
              () => client.release(),
              (error: Error) => client.release(error),
            );
            signal.throwIfAborted();
          }
          waits.acquired += 1;
          if (tries > 1) {
            waits.waited += 1;
            waits.waitedMs += performance.now() - asked;
          }
          return holdSlot(client, host, index, delayMs);
        }
        // Not holding anything: the connection goes back while we wait.
        client.release();
        // Jitter keeps several waiters from polling in lockstep.
        // On abort, the caller gets the signal's reason (as from throwIfAborted), not a bare AbortError.
        await sleep(pauseMs * (0.5 + Math.random() / 2), undefined, { signal }).catch((error: unknown) => {
          signal?.throwIfAborted();
          throw error;
        });
        pauseMs = Math.min(pauseMs * 2, HOST_SLOT_POLL_MAX_MS);
      }
    },

    readSlotWaits() {
      return { ...waits, waitedMs: Math.round(waits.waitedMs) };
    },

    async close() {
      await Promise.allSettled([...releasing]);
      await pool.end();
    },
  };
}
