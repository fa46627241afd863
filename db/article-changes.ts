import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { dialectOf, executeStatement } from './dialect.ts';
import type { Db, OpenDatabase } from './open-db.ts';

/**
 * Telling the other processes of an installation that the owned articles changed, so their
 * in-memory fingerprint indexes follow at once. On PostgreSQL every transaction that writes
 * articles or their fingerprints sends a NOTIFY on the installation's channel; each process
 * LISTENs on one connection of its own (db/pg/notification-listener.ts). NOTIFY inside the
 * transaction is delivered only when it commits, and never for a rollback. SQLite has no such
 * thing: there processes notice changes by polling the registry's revision (src/owned-index.ts).
 */

const CHANNEL_PREFIX = 'copyhound_articles_';
// PostgreSQL's identifier limit (NAMEDATALEN - 1 bytes): pg_notify refuses a longer channel.
const MAX_CHANNEL_BYTES = 63;

/**
 * The installation's channel: the prefix and its schema, or the prefix and the MD5 of the schema
 * when that would be too long. articleChangesChannelSql computes the same in SQL.
 */
export function articleChangesChannel(schema: string): string {
  const plain = `${CHANNEL_PREFIX}${schema}`;
  if (Buffer.byteLength(plain) <= MAX_CHANNEL_BYTES) return plain;
  return `${CHANNEL_PREFIX}${createHash('md5').update(schema).digest('hex')}`;
}

/** articleChangesChannel(current_schema()), in SQL: the writer need not know its schema. */
const CHANNEL_SQL = sql.raw(
  `case when octet_length('${CHANNEL_PREFIX}' || current_schema()) <= ${MAX_CHANNEL_BYTES} ` +
    `then '${CHANNEL_PREFIX}' || current_schema() else '${CHANNEL_PREFIX}' || md5(current_schema()) end`,
);

/**
 * Call inside every write transaction that changes articles or their fingerprints (on its `tx`).
 * PostgreSQL folds identical notifications of one transaction into one, so calling it more than
 * once costs only the round trip. A no-op on SQLite.
 */
export async function notifyArticlesChanged(tx: Db): Promise<void> {
  if (dialectOf(tx) !== 'pg') return;
  await executeStatement(tx, sql`select pg_notify(${CHANNEL_SQL}, '')`);
}

export interface ArticleChangeWatch {
  /** True while notifications arrive (the LISTEN connection is up). */
  isLive(): boolean;
  close(): Promise<void>;
}

export interface ArticleChangeHandlers {
  /** Another transaction (this process's included) committed a change to the articles. */
  onChange(): void;
  /**
   * Listening (again). After a reconnect (`reconnected`) notifications may have been lost: the
   * state must be compared with the database rather than trusted.
   */
  onListening(reconnected: boolean): void;
  onConnectionLost?(error: Error, retryInMs: number): void;
}

/**
 * Starts listening for article changes: PostgreSQL only (undefined on SQLite). node-postgres is
 * loaded only here, so SQLite installations never load it.
 */
export async function watchArticleChanges(
  database: OpenDatabase,
  handlers: ArticleChangeHandlers,
  tuning: { retryInitialMs?: number; retryMaxMs?: number; heartbeatMs?: number } = {},
): Promise<ArticleChangeWatch | undefined> {
  if (database.dialect !== 'pg' || !database.pgUrl || !database.pgSchema) return undefined;
  const { startNotificationListener } = await import('./pg/notification-listener.ts');
  const listener = startNotificationListener({
    connectionString: database.pgUrl,
    channel: articleChangesChannel(database.pgSchema),
    // With the schema, so an operator (or a test) can tell the installations' listeners apart;
    // PostgreSQL cuts application names to 63 bytes.
    applicationName: `copyhound articles ${database.pgSchema}`,
    onNotification: () => handlers.onChange(),
    onListening: (reconnected) => handlers.onListening(reconnected),
    onConnectionLost: handlers.onConnectionLost,
    ...tuning,
  });
  return { isLive: () => listener.isListening(), close: () => listener.close() };
}
