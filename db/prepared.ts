import { sql } from 'drizzle-orm';
import type { Db } from './open-db.ts';

/**
 * Prepared drizzle queries, built once per connection. A crawl asks the same few questions for
 * every page; building the SQL and compiling the statement each time cost more than the lookups.
 * Keyed by the drizzle session, which a transaction shares with its database.
 */
const caches = new WeakMap<object, Map<string, unknown>>();

export function prepared<T>(db: Db, key: string, build: (db: Db) => T): T {
  const session = (db as unknown as { session: object }).session;
  let cache = caches.get(session);
  if (!cache) caches.set(session, (cache = new Map()));
  let query = cache.get(key) as T | undefined;
  if (query === undefined) cache.set(key, (query = build(db)));
  return query;
}

/**
 * Named placeholders for a prepared insert or update, one per column: `{ decision:
 * sql.placeholder('decision'), ... }`. Typed loosely (drizzle's set/values types do not admit
 * placeholders); the values are bound, and encoded by their columns, when the statement runs.
 */
export function placeholders<K extends string>(...names: K[]): Record<K, never> {
  return Object.fromEntries(names.map((name) => [name, sql.placeholder(name)])) as Record<K, never>;
}
