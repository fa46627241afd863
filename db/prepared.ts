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
