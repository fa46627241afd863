import pg from 'pg';

/**
 * PostgreSQL connections for the crawl queue and its coordination locks. Session-level advisory
 * locks live exactly as long as the session that took them, so every connection here is set up
 * to notice a dead peer quickly, in both directions:
 * - the server sends TCP keepalives (tcp_keepalives_*) and terminates the backend of a client whose
 *   machine or network vanished without closing the socket: its locks are freed with the session;
 * - idle_session_timeout ends a session that has sent nothing for a while (a holder whose process
 *   is frozen or whose event loop is stuck cannot send its heartbeat), so a hung holder is detected
 *   too, which TCP keepalives alone miss: the kernel of a frozen process still answers them;
 * - the client enables keepalives and a query timeout, so its own heartbeat fails instead of
 *   hanging when the server is gone.
 */

// Seconds of silence before the server probes a client, between probes, and unanswered probes
// before it gives up: a vanished client is dropped within about 10 + 5 × 3 = 25 s.
const SERVER_KEEPALIVE_IDLE_SECONDS = 10;
const SERVER_KEEPALIVE_INTERVAL_SECONDS = 5;
const SERVER_KEEPALIVE_COUNT = 3;

/**
 * A session that says nothing for this long is ended by the server. Every session that holds a
 * lock sends a heartbeat (SESSION_HEARTBEAT_MS in advisory-locks.ts) well inside it, so only a
 * frozen or hung process reaches it; 60 s leaves room for a stalled event loop (a long GC pause).
 */
export const IDLE_SESSION_TIMEOUT_MS = 60_000;

// Client side: probe an idle socket after this long.
const CLIENT_KEEPALIVE_DELAY_MS = 10_000;

/**
 * For lock sessions: give up on a statement after this long (a heartbeat or lock statement
 * answers in milliseconds; 10 s means the server is unreachable). Not for pg-boss's pool, whose
 * maintenance statements on a large job table may rightly take longer.
 */
export const LOCK_QUERY_TIMEOUT_MS = 10_000;

export interface PgConnectionOptions {
  connectionString: string;
  /** Shown in pg_stat_activity, so an operator can tell the queue's sessions apart. */
  applicationName: string;
  /** Overrides IDLE_SESSION_TIMEOUT_MS (tests use a short one); 0 disables it. */
  idleSessionTimeoutMs?: number;
  /** Client-side statement timeout; none by default. */
  queryTimeoutMs?: number;
}

/**
 * node-postgres lets a URL's own `options` parameter replace the config's, so settings given
 * beside a URL that has one (a test's search_path, an operator's statement_timeout) would be
 * lost: they are appended to it in the URL instead. A key=value connection string has no URL
 * form; there the URL cannot carry options and the config's apply.
 */
function mergeServerSettings(connectionString: string, settings: string): { connectionString: string; options?: string } {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { connectionString, options: settings };
  }
  const own = url.searchParams.get('options');
  url.searchParams.set('options', own ? `${own} ${settings}` : settings);
  return { connectionString: url.toString() };
}

function buildClientConfig(options: PgConnectionOptions): pg.ClientConfig {
  const idle = options.idleSessionTimeoutMs ?? IDLE_SESSION_TIMEOUT_MS;
  const settings = [
    `-c tcp_keepalives_idle=${SERVER_KEEPALIVE_IDLE_SECONDS}`,
    `-c tcp_keepalives_interval=${SERVER_KEEPALIVE_INTERVAL_SECONDS}`,
    `-c tcp_keepalives_count=${SERVER_KEEPALIVE_COUNT}`,
    `-c idle_session_timeout=${idle}`,
  ];
  return {
    ...mergeServerSettings(options.connectionString, settings.join(' ')),
    application_name: options.applicationName,
    keepAlive: true,
    keepAliveInitialDelayMillis: CLIENT_KEEPALIVE_DELAY_MS,
    query_timeout: options.queryTimeoutMs,
  };
}

/** One dedicated connection (the scheduler lock's): connected, with an error listener attached. */
export async function connectPgClient(options: PgConnectionOptions, onError: (error: Error, client: pg.Client) => void): Promise<pg.Client> {
  const client = new pg.Client(buildClientConfig(options));
  // Without a listener a dropped connection would throw from an EventEmitter and kill the process.
  client.on('error', (error) => onError(error, client));
  await client.connect();
  return client;
}

/** A pool whose connections carry the same settings; `max` bounds connections per process. */
export function createPgPool(options: PgConnectionOptions & { max: number }, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ ...buildClientConfig(options), max: options.max });
  // An idle pooled client whose server went away emits here; the pool drops it by itself.
  pool.on('error', onError);
  return pool;
}

/** A PostgreSQL identifier we interpolate (a schema name): plain lower-case words only. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  return schema;
}
