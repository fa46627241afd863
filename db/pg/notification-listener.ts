import type pg from 'pg';
import { startSessionHeartbeat, type SessionHeartbeat } from './advisory-locks.ts';
import { connectPgClient } from './pg-connection.ts';

/**
 * One dedicated connection that LISTENs on a channel (never a pooled one: a pooled connection
 * goes back to the pool and its LISTEN with it, and the pool would close it when idle). When the
 * connection drops (the server restarted, pg_terminate_backend, a network fault) it connects again
 * with a growing pause, and says so: notifications sent while nobody listened are lost, so the
 * owner must look at the state itself after a reconnect.
 */

// First pause after a failure, doubled after each further one up to the maximum, ±20 % jitter so
// the workers of a restarted server do not all reconnect in the same instant.
const RETRY_INITIAL_MS = 250;
const RETRY_MAX_MS = 15_000;
const RETRY_JITTER = 0.2;
/**
 * A `SELECT 1` this often: a LISTEN connection sends nothing by itself, so without it a silently
 * vanished server (no FIN, no RST) would go unnoticed until TCP keepalives gave up.
 */
const HEARTBEAT_MS = 10_000;
// The heartbeat's and LISTEN's own time limit: they answer in milliseconds on a live server.
const QUERY_TIMEOUT_MS = 10_000;

export interface NotificationListenerOptions {
  connectionString: string;
  /** The channel, used verbatim (quoted in LISTEN, as pg_notify takes it). */
  channel: string;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  onNotification(payload: string): void;
  /**
   * After each successful LISTEN. `reconnected` is false the first time and true after a dropped
   * connection came back: notifications may have been missed in between.
   */
  onListening?(reconnected: boolean): void;
  /** The connection dropped or could not be made; the next attempt is in retryInMs. */
  onConnectionLost?(error: Error, retryInMs: number): void;
  /** Overrides for tests. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  heartbeatMs?: number;
}

export interface NotificationListener {
  /** True while the LISTEN connection is up. */
  isListening(): boolean;
  /** Stops listening and ends the connection; no reconnect after it. */
  close(): Promise<void>;
}

/** A channel name as a quoted identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function startNotificationListener(options: NotificationListenerOptions): NotificationListener {
  const initialMs = options.retryInitialMs ?? RETRY_INITIAL_MS;
  const maxMs = options.retryMaxMs ?? RETRY_MAX_MS;
  let client: pg.Client | undefined;
  let heartbeat: SessionHeartbeat | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let listenedBefore = false;
  let closed = false;
  let connecting: Promise<void> | undefined;

  const scheduleRetry = (error: Error) => {
    if (closed) return;
    const base = Math.min(maxMs, initialMs * 2 ** failures);
    const delay = Math.round(base * (1 - RETRY_JITTER + Math.random() * 2 * RETRY_JITTER));
    failures++;
    options.onConnectionLost?.(error, delay);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connecting = connect();
    }, delay);
    // Waiting to reconnect must not keep a process alive that is otherwise done.
    retryTimer.unref();
  };

  // Each client is given up once: by its error, its end, or a failed heartbeat, whichever comes first.
  const lose = (lost: pg.Client, error: Error) => {
    if (lost !== client) return;
    client = undefined;
    heartbeat?.stop();
    heartbeat = undefined;
    lost.end().catch(() => undefined);
    scheduleRetry(error);
  };

  async function connect(): Promise<void> {
    if (closed) return;
    let opened: pg.Client | undefined;
    try {
      opened = await connectPgClient(
        // No idle_session_timeout: a listening session is idle by design (the heartbeat keeps it
        // alive anyway, but a long GC pause must not end it).
        { connectionString: options.connectionString, applicationName: options.applicationName, idleSessionTimeoutMs: 0, queryTimeoutMs: QUERY_TIMEOUT_MS },
        (error, failed) => lose(failed, error),
      );
      const own = opened;
      own.on('notification', (message) => {
        if (message.channel === options.channel && own === client) options.onNotification(message.payload ?? '');
      });
      own.on('end', () => lose(own, new Error('the LISTEN connection ended')));
      await own.query(`LISTEN ${quoteIdentifier(options.channel)}`);
      if (closed) {
        await own.end().catch(() => undefined);
        return;
      }
      client = own;
      failures = 0;
      heartbeat = startSessionHeartbeat(own, (error) => lose(own, error), options.heartbeatMs ?? HEARTBEAT_MS);
      const reconnected = listenedBefore;
      listenedBefore = true;
      options.onListening?.(reconnected);
    } catch (error) {
      opened?.end().catch(() => undefined);
      scheduleRetry(error as Error);
    }
  }

  connecting = connect();
  return {
    isListening: () => client !== undefined,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      await connecting;
      heartbeat?.stop();
      const open = client;
      client = undefined;
      await open?.end().catch(() => undefined);
    },
  };
}
