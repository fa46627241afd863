import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';

/** The tables of db/schema (SQLite) and db/schema-pg (PostgreSQL), file by file. */

export const SQLITE_SCHEMA_DIR = fileURLToPath(new URL('../../db/schema/', import.meta.url));
export const PG_SCHEMA_DIR = fileURLToPath(new URL('../../db/schema-pg/', import.meta.url));

export function listSchemaFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith('.ts')).sort();
}

export async function loadSqliteTables(file: string): Promise<SQLiteTable[]> {
  const module = (await import(`${SQLITE_SCHEMA_DIR}${file}`)) as Record<string, unknown>;
  return Object.values(module).filter((value): value is SQLiteTable => is(value, SQLiteTable));
}

export async function loadPgTables(file: string): Promise<PgTable[]> {
  const module = (await import(`${PG_SCHEMA_DIR}${file}`)) as Record<string, unknown>;
  return Object.values(module).filter((value): value is PgTable => is(value, PgTable));
}

/** Every PostgreSQL table of db/schema-pg. */
export async function loadAllPgTables(): Promise<PgTable[]> {
  const tables: PgTable[] = [];
  for (const file of listSchemaFiles(PG_SCHEMA_DIR)) tables.push(...(await loadPgTables(file)));
  return tables;
}
