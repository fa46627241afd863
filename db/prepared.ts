import { createHash } from 'node:crypto';
import { is, Param, Placeholder, sql } from 'drizzle-orm';
import { changedRows, dialectOf } from './dialect.ts';
import type { Db } from './open-db.ts';
import { queryWithoutValues } from './query-errors.ts';

/**
 * Prepared drizzle queries, built once per connection. A crawl asks the same few questions for
 * every page; building the SQL and compiling the statement each time cost more than the lookups.
 * Keyed by the drizzle session, which a SQLite transaction shares with its database; a PostgreSQL
 * transaction has its own session, so there a statement is prepared once per transaction (and
 * node-postgres parses a named statement once per connection).
 */
const caches = new WeakMap<object, Map<string, unknown>>();

function cached<T>(db: Db, key: string, build: () => T): T {
  const session = (db as unknown as { session: object }).session;
  let cache = caches.get(session);
  if (!cache) caches.set(session, (cache = new Map()));
  let value = cache.get(key) as T | undefined;
  if (value === undefined) cache.set(key, (value = build()));
  return value;
}

type Values = Record<string, unknown>;

/**
 * A PostgreSQL statement name for a cache key: names are cut at 63 bytes, and two long keys cut
 * to the same name would collide on a connection, so the name is a digest of the whole key.
 */
function statementName(key: string): string {
  return `cq_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}
interface SqlitePrepared {
  all(values?: Values): unknown;
  values(values?: Values): unknown;
  get(values?: Values): unknown;
  run(values?: Values): unknown;
}
interface PgPrepared {
  execute(values?: Values): Promise<unknown>;
}
/** A query builder with named placeholders (`sql.placeholder('x')`), not yet prepared. */
interface Preparable {
  prepare(): SqlitePrepared;
}
type RowsOf<B extends Preparable> = ReturnType<ReturnType<B['prepare']>['all']>;
type RowOf<B extends Preparable> = ReturnType<ReturnType<B['prepare']>['get']>;

export interface PreparedQuery<B extends Preparable> {
  all(values?: Values): Promise<RowsOf<B>>;
  get(values?: Values): Promise<RowOf<B>>;
  /** The rows as arrays in the order of the select's columns, unmapped (JSON as text). */
  values(values?: Values): Promise<unknown[][]>;
  /** Runs a write; answers the number of rows it changed. */
  run(values?: Values): Promise<number>;
}

/**
 * `build` gives the query with placeholders; it is prepared once per connection (SQLite) or
 * session (PostgreSQL, as the named statement `key`, so keys must be unique per SQL text).
 */
export function prepared<B extends Preparable>(db: Db, key: string, build: (db: Db) => B): PreparedQuery<B> {
  return cached(db, key, () => {
    if (dialectOf(db) === 'pg') {
      const builder = build(db) as unknown as { prepare(name: string): PgPrepared; toSQL(): { sql: string; params: unknown[] } };
      const query = builder.prepare(statementName(key));
      const raw = builder.toSQL();
      const bindings = readBindings(key, raw.params);
      const client = (db as unknown as { session: { client: PgArrayClient } }).session.client;
      return {
        values: async (values?: Values) => {
          const bound = bindValues(bindings, values ?? {});
          return (await queryWithoutValues(client, { name: statementName(`values:${key}`), text: raw.sql, values: bound, rowMode: 'array' })).rows;
        },
        all: async (values?: Values) => (await query.execute(values)) as RowsOf<B>,
        get: async (values?: Values) => ((await query.execute(values)) as unknown[])[0] as RowOf<B>,
        run: async (values?: Values) => changedRows(await query.execute(values)),
      };
    }
    const query = build(db).prepare();
    return {
      all: async (values?: Values) => query.all(values) as RowsOf<B>,
      get: async (values?: Values) => query.get(values) as RowOf<B>,
      values: async (values?: Values) => query.values(values) as unknown[][],
      run: async (values?: Values) => changedRows(query.run(values)),
    };
  });
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

type Encoder = { mapToDriverValue(value: unknown): unknown };
type Binding = { name: string; encoder: Encoder | undefined } | { name: undefined; value: unknown };
type SqliteStatement = { run(...values: unknown[]): { lastInsertRowid: number | bigint } };
type PgClient = { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: { id: number }[] }> };
type PgArrayClient = { query(config: { name: string; text: string; values: unknown[]; rowMode: 'array' }): Promise<{ rows: unknown[][] }> };
type Builder = { toSQL(): { sql: string; params: unknown[] } };

/** Where each of the statement's parameters comes from: a named placeholder or a fixed value. */
function readBindings(key: string, params: unknown[]): Binding[] {
  return params.map((p) => {
    // A placeholder (bare, or in the Param drizzle wraps a column's value in, with the column as
    // its encoder) is bound by name; anything else is a value drizzle put in the SQL's params.
    const inner = is(p, Param) ? p.value : p;
    if (is(inner, Placeholder)) return { name: inner.name as string, encoder: is(p, Param) ? (p.encoder as Encoder | undefined) : undefined };
    if (inner !== null && typeof inner === 'object') throw new Error(`preparedWrite ${key}: a parameter that is neither a placeholder nor a plain value`);
    return { name: undefined, value: inner };
  });
}

function bindValues(bindings: Binding[], values: Values): unknown[] {
  return bindings.map((b) => {
    if (b.name === undefined) return b.value;
    const value = values[b.name];
    if (value === undefined || value === null) return null;
    if (value instanceof JsonText) return value.text;
    return b.encoder ? b.encoder.mapToDriverValue(value) : value;
  });
}

/**
 * A write prepared once per connection whose values go straight to the driver: drizzle builds the
 * SQL once (its named placeholders give the order), and each run skips drizzle's per-value
 * placeholder lookup, about a tenth of a consent change that writes 40,000 rows. Each value is
 * encoded by its column (JSON columns become text); null and a missing value bind SQL NULL
 * (drizzle would store a JSON column's null as the text 'null'). An insert's runner answers the
 * new row's `id` (`returnsId`; SQLite's row id, PostgreSQL's RETURNING).
 */
export function preparedWrite(db: Db, key: string, build: (db: Db) => Builder, options: { returnsId?: boolean } = {}): (values: Values) => Promise<number> {
  return cached(db, `write:${key}`, () => {
    const query = build(db).toSQL();
    const bindings = readBindings(key, query.params);
    const client = (db as unknown as { session: { client: unknown } }).session.client;
    if (dialectOf(db) === 'pg') {
      const text = options.returnsId ? `${query.sql} returning "id"` : query.sql;
      const pgClient = client as PgClient;
      return async (values: Values) => {
        const bound = bindValues(bindings, values);
        // Sent to node-postgres directly: its error may repeat a value (db/query-errors.ts).
        const result = await queryWithoutValues(pgClient, { name: statementName(`write:${key}`), text, values: bound });
        return options.returnsId ? Number(result.rows[0]?.id) : 0;
      };
    }
    const statement = (client as { prepare(sql: string): SqliteStatement }).prepare(query.sql);
    return async (values: Values) => {
      const id = statement.run(...bindValues(bindings, values)).lastInsertRowid;
      return options.returnsId ? Number(id) : 0;
    };
  });
}
