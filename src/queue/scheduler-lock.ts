import type pg from 'pg';
import { computeAdvisoryLockKey, startSessionHeartbeat, tryAdvisoryLock, type SessionHeartbeat } from '../../db/pg/advisory-locks.ts';
import { connectPgClient, LOCK_QUERY_TIMEOUT_MS } from '../../db/pg/pg-connection.ts';
import type { Logger } from '../log.ts';

/**
 * Exactly one active crawl scheduler among all processes: the one whose dedicated connection holds
 * a session-level advisory lock. The lock lives as long as that session, so when the holder dies
 * PostgreSQL frees it: at once when the process exits or is killed (the kernel closes the socket),
 * within about 25 s when its machine or network vanishes (the server's TCP keepalives, see
 * db/pg/pg-connection.ts), within IDLE_SESSION_TIMEOUT_MS when the process hangs (it stops sending
 * heartbeats and the server ends the idle session). A contender tries again every interval and
 * takes over on its next try.
 *
 * The holder learns it lost the lock (server restart, terminated session, network) from its
 * heartbeat within SESSION_HEARTBEAT_MS and is told through onLost; until then it may still act
 * for a moment after another has taken over, so what a scheduler does must be idempotent (the
 * crawl queue keys source runs by source, so a run is never queued twice).
 */

/** How often a contender tries to take the lock: the longest a takeover waits after the holder's session ends. */
export const SCHEDULER_LOCK_RETRY_MS = 5_000;

/** The lock's name; the key is derived from it and the namespace (db/pg/advisory-locks.ts). */
const SCHEDULER_LOCK_NAME = 'crawl-scheduler';

export interface SchedulerLockOptions {
  connectionString: string;
  /** Keeps installations (or tests) sharing one database apart: e.g. the queue's schema name. */
  namespace: string;
  /** This process became the scheduler: start scheduling. */
  onAcquired(): void;
  /** This process is no longer the scheduler: stop scheduling at once. */
  onLost(error: Error): void;
  logger?: Logger;
  retryIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** Overrides IDLE_SESSION_TIMEOUT_MS for this lock's session (tests). */
  idleSessionTimeoutMs?: number;
}

export interface SchedulerLock {
  isHeld(): boolean;
  /** Stops contending and, if held, releases the lock by closing its session. */
  release(): Promise<void>;
}

/** Starts contending for the scheduler lock in the background; resolves after the first try. */
export async function startSchedulerLock(options: SchedulerLockOptions): Promise<SchedulerLock> {
  const key = computeAdvisoryLockKey(options.namespace, SCHEDULER_LOCK_NAME);
  const retryIntervalMs = options.retryIntervalMs ?? SCHEDULER_LOCK_RETRY_MS;
  let client: pg.Client | undefined;
  let heartbeat: SessionHeartbeat | undefined;
  let held = false;
  let released = false;
  let timer: NodeJS.Timeout | undefined;

  function dropSession(reason: Error): void {
    heartbeat?.stop();
    heartbeat = undefined;
    const old = client;
    client = undefined;
    // Ending the session is what releases the lock; a broken connection is simply discarded.
    void old?.end().catch(() => undefined);
    if (held) {
      held = false;
      options.logger?.warn({ err: reason }, 'scheduler lock lost');
      options.onLost(reason);
    }
  }

  let attempting = false;

  async function attempt(): Promise<void> {
    // One try at a time: a slow connect must not overlap the next interval's try.
    if (released || held || attempting) return;
    attempting = true;
    try {
      if (!client) {
        client = await connectPgClient(
          {
            connectionString: options.connectionString,
            applicationName: 'copyhound-scheduler-lock',
            idleSessionTimeoutMs: options.idleSessionTimeoutMs,
            queryTimeoutMs: LOCK_QUERY_TIMEOUT_MS,
          },
          // An error from a connection already replaced must not drop the current one.
          (error, failed) => {
            if (failed === client) dropSession(error);
          },
        );
        const mine = client;
        // The server closed the session (idle timeout, terminated, restarted): treat as lost.
        mine.on('end', () => {
          if (client === mine) dropSession(new Error('scheduler lock session ended'));
        });
      }
      const locked = await tryAdvisoryLock(client, key);
      if (released) {
        dropSession(new Error('released'));
        return;
      }
      if (locked) {
        held = true;
        // A contender's session stays open between tries, and so is also kept alive by a heartbeat.
        heartbeat?.stop();
        heartbeat = startSessionHeartbeat(client, (error) => dropSession(error), options.heartbeatIntervalMs);
        options.logger?.info('scheduler lock acquired');
        options.onAcquired();
      } else if (!heartbeat) {
        heartbeat = startSessionHeartbeat(client, (error) => dropSession(error), options.heartbeatIntervalMs);
      }
    } catch (error) {
      options.logger?.warn({ err: error }, 'scheduler lock: attempt failed');
      dropSession(error as Error);
    } finally {
      attempting = false;
    }
  }

  function scheduleAttempts(): void {
    timer = setInterval(() => void attempt(), retryIntervalMs);
  }

  await attempt();
  scheduleAttempts();

  return {
    isHeld: () => held,
    async release() {
      released = true;
      clearInterval(timer);
      heartbeat?.stop();
      heartbeat = undefined;
      const old = client;
      client = undefined;
      held = false;
      await old?.end().catch(() => undefined);
    },
  };
}
