import { entityKind, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './open-db.ts';

/**
 * The few places where SQLite and PostgreSQL differ for the query modules. Every query module is
 * written once, against the table definitions in db/schema/, and runs on either database: drizzle
 * renders the same tables in the connection's own dialect (the PostgreSQL twin in db/schema-pg/
 * has the same table, column and index names, checked by test/pg/schema-parity.test.ts, and is
 * what its migrations are generated from). What drizzle cannot hide is here:
 * - how a query is finished: better-sqlite3's builders have get/all/run/values, node-postgres's
 *   are awaited; the query modules await and use firstRow/changedRows/queryValues below;
 * - raw statements (queryRows, executeStatement);
 * - the SQL functions the two spell differently (sqlGreatest, sqlContains).
 * Values are the same on both: a PostgreSQL connection returns bigint as a number and json as its
 * stored text (db/pg-database.ts), as SQLite does, so the column encoders in db/schema/ apply.
 */

export type Dialect = 'sqlite' | 'pg';

const PG_DIALECT_KIND = 'PgDialect';

interface DrizzleInternals {
  dialect: { constructor: { [entityKind]?: string } };
  session: { client: unknown };
  all<T>(query: SQL): T[];
  run(query: SQL): unknown;
  execute(query: SQL): Promise<{ rows: unknown[] }>;
}

function internalsOf(db: Db): DrizzleInternals {
  return db as unknown as DrizzleInternals;
}

/** Which database this handle (or a transaction's handle) talks to. */
export function dialectOf(db: Db): Dialect {
  return internalsOf(db).dialect.constructor[entityKind] === PG_DIALECT_KIND ? 'pg' : 'sqlite';
}

/** The first row of a query's rows (what better-sqlite3's get() answered). */
export function firstRow<T>(rows: readonly T[]): T | undefined {
  return rows[0];
}

/** Rows a write changed: better-sqlite3 says `changes`, node-postgres `rowCount`. */
export function changedRows(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null };
  return Number(r.changes ?? r.rowCount ?? 0);
}

/** A raw SELECT's rows, as plain objects keyed by the names the statement gives its columns. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const d = internalsOf(db);
  if (dialectOf(db) === 'pg') return (await d.execute(query)).rows as T[];
  return d.all<T>(query);
}

/** A raw statement that returns nothing we read (DDL, maintenance). */
export async function executeStatement(db: Db, query: SQL): Promise<void> {
  const d = internalsOf(db);
  if (dialectOf(db) === 'pg') await d.execute(query);
  else d.run(query);
}

type PgQueryable = { query(config: { text: string; values: unknown[]; rowMode: 'array' }): Promise<{ rows: unknown[][] }> };

/**
 * A select's rows as arrays in the order of its columns, skipping drizzle's per-row mapping (the
 * exports read 100k rows; mapping cost more than reading). Values come as the driver gives them:
 * JSON columns as text, so callers decode them (see toListItem in reports.ts).
 */
export async function queryValues(db: Db, query: { toSQL(): { sql: string; params: unknown[] }; values?: () => unknown }): Promise<unknown[][]> {
  if (dialectOf(db) === 'pg') {
    const { sql, params } = query.toSQL();
    const client = internalsOf(db).session.client as PgQueryable;
    return (await client.query({ text: sql, values: params, rowMode: 'array' })).rows;
  }
  return (query as unknown as { values(): unknown[][] }).values();
}

/** The row an INSERT ... RETURNING (or an upsert) wrote: there is always exactly one. */
export function returnedRow<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('a write with RETURNING returned no row');
  return row;
}

/**
 * Serialises the rest of this transaction with every other transaction that locks the same
 * scope (PostgreSQL, a transaction-level advisory lock keyed by the installation's schema and the
 * scope, released at COMMIT or ROLLBACK). SQLite needs none: it has one writer at a time.
 */
export async function lockTransactionScope(db: Db, scope: string): Promise<void> {
  if (dialectOf(db) !== 'pg') return;
  await internalsOf(db).execute(sql`select pg_advisory_xact_lock(hashtextextended(${`copyhound:${scope}:`} || current_schema(), 0))`);
}

/** The larger of two values: SQLite's two-argument max(), PostgreSQL's greatest(). */
export function sqlGreatest(db: Db, a: SQL | SQLWrapper, b: SQL | SQLWrapper | number): SQL {
  return dialectOf(db) === 'pg' ? sql`greatest(${a}, ${b})` : sql`max(${a}, ${b})`;
}

/** True where `text` contains `needle` (already lower-cased), ASCII letters folded on both. */
export function sqlContainsFolded(db: Db, text: SQL | SQLWrapper, needle: string): SQL {
  return dialectOf(db) === 'pg' ? sql`strpos(lower(${text}), ${needle}) > 0` : sql`instr(lower(${text}), ${needle}) > 0`;
}

/**
 * SQLite's INDEXED BY, which makes the planner use that index or fail; PostgreSQL has no such
 * clause (its planner chooses from statistics), so there it is nothing.
 */
export function sqlIndexedBy(db: Db, index: string): SQL {
  return dialectOf(db) === 'pg' ? sql`` : sql.raw(`indexed by ${index}`);
}
