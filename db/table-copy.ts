import { createHash, type Hash } from 'node:crypto';
import { is, sql } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { executeStatement, queryRows } from './dialect.ts';
import type { Db } from './open-db.ts';
import { queryWithoutValues, type DirectQuery } from './query-errors.ts';
import * as alerts from './schema-pg/alerts.ts';
import * as articles from './schema-pg/articles.ts';
import * as auth from './schema-pg/auth.ts';
import * as captureFiles from './schema-pg/capture-files.ts';
import * as captures from './schema-pg/captures.ts';
import * as crawl from './schema-pg/crawl.ts';
import * as custody from './schema-pg/custody.ts';
import * as matches from './schema-pg/matches.ts';
import * as reports from './schema-pg/reports.ts';
import * as rights from './schema-pg/rights.ts';
import * as sources from './schema-pg/sources.ts';

/**
 * Copying rows table by table between the two databases, as stored: values are read raw (JSON
 * columns as their stored text, which the custody log's leaves hash) and written as bound
 * parameters, never through the column encoders, which would serialise a JSON text a second time.
 * The table list comes from the PostgreSQL schema (db/schema-pg/, kept equal to SQLite's by
 * test/pg/schema-parity.test.ts), ordered so every table follows the tables it references.
 */

export interface CopyTable {
  name: string;
  /** The single primary-key column: rows are read in its order, a page after the last key. */
  key: string;
  columns: string[];
  /** The key is a number drawn from an identity sequence (else text, given by the app). */
  numericKey: boolean;
  /** Stored as 0/1 in SQLite, boolean in PostgreSQL. */
  booleans: Set<string>;
}

// PostgreSQL binds at most 65,535 parameters per statement.
const MAX_PARAMETERS = 60_000;
// A statement's values are held in memory twice (the rows and the statement): bounded by bytes too.
const MAX_STATEMENT_BYTES = 8 * 1024 * 1024;

const SCHEMA_MODULES = [alerts, articles, auth, captureFiles, captures, crawl, custody, matches, reports, rights, sources];

function describeTable(table: PgTable): CopyTable & { references: string[] } {
  const config = getTableConfig(table);
  const keys = config.columns.filter((c) => c.primary);
  if (keys.length !== 1) throw new Error(`table ${config.name} has no single-column primary key; the copy reads rows in key order`);
  return {
    name: config.name,
    key: keys[0]!.name,
    numericKey: ['integer', 'bigint'].includes(keys[0]!.getSQLType()),
    columns: config.columns.map((c) => c.name),
    booleans: new Set(config.columns.filter((c) => c.columnType === 'PgBoolean').map((c) => c.name)),
    references: config.foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name).filter((n) => n !== config.name),
  };
}

/** Every table of the installation, each after the tables its foreign keys name (ties by name). */
export function listTablesInCopyOrder(): CopyTable[] {
  const tables = SCHEMA_MODULES.flatMap((m) => Object.values(m).filter((v): v is PgTable => is(v, PgTable))).map(describeTable);
  const pending = new Map(tables.map((t) => [t.name, t]));
  const ordered: CopyTable[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((t) => t.references.every((r) => !pending.has(r))).sort((a, b) => a.name.localeCompare(b.name));
    if (ready.length === 0) throw new Error(`foreign keys form a cycle among ${[...pending.keys()].join(', ')}`);
    for (const { references: _references, ...t } of ready) {
      ordered.push(t);
      pending.delete(t.name);
    }
  }
  return ordered;
}

export type Row = Record<string, unknown>;

/** Up to `limit` rows after key `after` (from the first when null), in key order, values as stored. */
export async function readRowsAfter(db: Db, table: CopyTable, after: unknown, limit: number): Promise<Row[]> {
  const columns = sql.join(table.columns.map((c) => sql.identifier(c)), sql`, `);
  const key = sql.identifier(table.key);
  const where = after === null ? sql`` : sql`where ${key} > ${after}`;
  return await queryRows<Row>(db, sql`select ${columns} from ${sql.identifier(table.name)} ${where} order by ${key} limit ${limit}`);
}

/** Rows per page: what the caller asked, within PostgreSQL's parameter limit. */
export function pageSizeFor(table: CopyTable, wanted: number): number {
  return Math.max(1, Math.min(wanted, Math.floor(MAX_PARAMETERS / table.columns.length)));
}

function byteLengthOf(value: unknown): number {
  if (typeof value === 'string') return value.length * 3;
  if (Buffer.isBuffer(value)) return value.length;
  return 8;
}

/** Refuses text PostgreSQL cannot store (U+0000), naming the row and the column. */
function checkStorable(table: CopyTable, row: Row): void {
  for (const column of table.columns) {
    const value = row[column];
    if (typeof value === 'string' && value.includes('\u0000')) {
      throw new UnstorableValueError(`${table.name} ${table.key}=${String(row[table.key])}, column ${column}: the text contains a NUL character (U+0000), which PostgreSQL cannot store; fix or remove that value in the SQLite file and migrate again`);
    }
  }
}

export class UnstorableValueError extends Error {}

function toTargetValue(table: CopyTable, column: string, value: unknown): unknown {
  if (table.booleans.has(column) && typeof value === 'number') return value !== 0;
  return value;
}

type PgClient = { query(query: DirectQuery): Promise<unknown> };

/**
 * The connection under a PostgreSQL handle (a transaction's own, as queryValues in dialect.ts
 * uses it). Inserts go to it as plain text and values: drizzle's sql builder made an object per
 * bound value, and building and collecting them was half of a migration's time.
 */
function pgClientOf(db: Db): PgClient {
  return (db as unknown as { session: { client: PgClient } }).session.client;
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Inserts rows into the PostgreSQL table with their keys as given, in statements of bounded size. */
export async function insertRows(db: Db, table: CopyTable, rows: readonly Row[]): Promise<void> {
  const head = `insert into ${quoteIdentifier(table.name)} (${table.columns.map(quoteIdentifier).join(', ')}) values `;
  const width = table.columns.length;
  let tuples: string[] = [];
  let values: unknown[] = [];
  let bytes = 0;
  const flush = async () => {
    if (tuples.length === 0) return;
    // Sent to node-postgres directly: its error may repeat a copied value (db/query-errors.ts).
    await queryWithoutValues(pgClientOf(db), { text: head + tuples.join(', '), values });
    tuples = [];
    values = [];
    bytes = 0;
  };
  for (const row of rows) {
    checkStorable(table, row);
    const first = values.length;
    tuples.push(`(${table.columns.map((_, i) => `$${first + i + 1}`).join(', ')})`);
    for (const column of table.columns) {
      const value = toTargetValue(table, column, row[column]);
      values.push(value);
      bytes += byteLengthOf(value);
    }
    if (bytes >= MAX_STATEMENT_BYTES || values.length + width > MAX_PARAMETERS) await flush();
  }
  await flush();
}

/** Moves the table's identity sequence past its largest key, so the next insert gets max + 1. */
export async function resetSequence(db: Db, table: CopyTable): Promise<void> {
  if (!table.numericKey) return;
  const rows = await queryRows<{ max_key: number | null }>(db, sql`select max(${sql.identifier(table.key)}) as max_key from ${sql.identifier(table.name)}`);
  const maxKey = Number(rows[0]?.max_key ?? 0);
  // An empty table keeps its fresh sequence; custody_tiles counts from 0, below a sequence's minimum.
  if (maxKey < 1) return;
  await executeStatement(db, sql`select setval(pg_get_serial_sequence(${`"${table.name}"`}, ${table.key}), ${maxKey})`);
}

/** Rows in the table. */
export async function countRows(db: Db, table: CopyTable): Promise<number> {
  const rows = await queryRows<{ n: number | string }>(db, sql`select count(*) as n from ${sql.identifier(table.name)}`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * A digest of a table's rows in key order, the same for the same stored values on either
 * database: booleans as 0/1, bytes as hex, text exactly (so a JSON text re-serialised differs).
 */
export function updateRowDigest(hash: Hash, table: CopyTable, rows: readonly Row[]): void {
  for (const row of rows) {
    for (const column of table.columns) {
      const value = row[column];
      if (value === null || value === undefined) hash.update('N;');
      else if (typeof value === 'boolean') hash.update(`n${value ? 1 : 0};`);
      else if (typeof value === 'number' || typeof value === 'bigint') hash.update(`n${String(value)};`);
      else if (Buffer.isBuffer(value)) hash.update(`b${value.toString('hex')};`);
      else if (typeof value === 'string') hash.update(`s${value.length}:${value};`);
      else hash.update(`j${JSON.stringify(value)};`);
    }
  }
}

/** The digest of the whole table, read a page at a time. */
export async function digestTable(db: Db, table: CopyTable, pageSize: number): Promise<{ rows: number; digest: string }> {
  const hash = createHash('sha256');
  let after: unknown = null;
  let rows = 0;
  for (;;) {
    const page = await readRowsAfter(db, table, after, pageSize);
    if (page.length === 0) break;
    updateRowDigest(hash, table, page);
    rows += page.length;
    after = page.at(-1)![table.key];
  }
  return { rows, digest: hash.digest('hex') };
}

// SQLite's own tables and drizzle's migration journal (each database keeps its own).
const BOOKKEEPING_TABLE = /^(sqlite_|__drizzle_migrations$)/;

/** The SQLite file's own tables (its bookkeeping and the migration journal left out). */
export async function listSqliteTables(db: Db): Promise<string[]> {
  return (await queryRows<{ name: string }>(db, sql`select name from sqlite_master where type = 'table'`)).map((r) => r.name).filter((n) => !BOOKKEEPING_TABLE.test(n));
}

export async function listSqliteColumns(db: Db, table: string): Promise<string[]> {
  return (await queryRows<{ name: string }>(db, sql`select name from pragma_table_info(${table})`)).map((r) => r.name);
}
