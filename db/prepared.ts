import { is, Param, Placeholder, sql } from 'drizzle-orm';
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

/**
 * A JSON column's value already serialised: bound as this text instead of encoding the value
 * again (a write that also hashes the text, for the custody log, serialises it once).
 */
export class JsonText {
  constructor(readonly text: string) {}
}

type DriverStatement = { run(...values: unknown[]): { lastInsertRowid: number | bigint } };
type Encoder = { mapToDriverValue(value: unknown): unknown };

/**
 * A write prepared once per connection whose values go straight to the driver's statement: drizzle
 * builds the SQL once (its named placeholders give the order), and each run skips drizzle's
 * per-value placeholder lookup, about a tenth of a consent change that writes 40,000 rows. Each
 * value is encoded by its column (JSON columns become text); null and a missing value bind SQL
 * NULL (drizzle would store a JSON column's null as the text 'null').
 */
export function preparedWrite(db: Db, key: string, build: (db: Db) => { toSQL(): { sql: string; params: unknown[] } }): (values: Record<string, unknown>) => number {
  return prepared(db, `write:${key}`, (c) => {
    const query = build(c).toSQL();
    // A placeholder (bare, or in the Param drizzle wraps a column's value in, with the column as
    // its encoder) is bound by name; anything else is a value drizzle put in the SQL's params.
    const order = query.params.map((p) => {
      const inner = is(p, Param) ? p.value : p;
      if (is(inner, Placeholder)) return { name: inner.name as string, encoder: is(p, Param) ? (p.encoder as Encoder | undefined) : undefined };
      if (inner !== null && typeof inner === 'object') throw new Error(`preparedWrite ${key}: a parameter that is neither a placeholder nor a plain value`);
      return { name: undefined, value: inner };
    });
    const client = (c as unknown as { session: { client: { prepare(sql: string): DriverStatement } } }).session.client;
    const statement = client.prepare(query.sql);
    // Returns the row id an insert gave its row (what SQLite reports after any other write).
    return (values: Record<string, unknown>) => {
      const bound = order.map((o) => {
        if (o.name === undefined) return o.value;
        const value = values[o.name];
        if (value === undefined || value === null) return null;
        if (value instanceof JsonText) return value.text;
        return o.encoder ? o.encoder.mapToDriverValue(value) : value;
      });
      return Number(statement.run(...bound).lastInsertRowid);
    };
  });
}
