import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { is, type SQL } from 'drizzle-orm';
import { getTableConfig as getPgTableConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteTableConfig, SQLiteSyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { listSchemaFiles, loadPgTables, loadSqliteTables, PG_SCHEMA_DIR, SQLITE_SCHEMA_DIR } from './schema-tables.ts';

/**
 * db/schema-pg mirrors db/schema table for table: same columns (name, nullability, default, key,
 * uniqueness, enum values, a type that carries the same values), same indexes and foreign keys.
 * Needs no PostgreSQL server. The row types are checked in schema-types.test.ts.
 */

const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../db/migrations-pg/', import.meta.url));

/** For each SQLite column type, the PostgreSQL column types that hold the same values. */
const PG_TYPES_FOR_SQLITE: Record<string, string[]> = {
  SQLiteInteger: ['PgInteger', 'PgBigInt53'],
  SQLiteBoolean: ['PgBoolean'],
  SQLiteText: ['PgText'],
  // json keeps the stored text as written (key order included), which the custody log digests.
  SQLiteTextJson: ['PgJson'],
  SQLiteReal: ['PgDoublePrecision'],
  SQLiteBlobBuffer: ['PgCustomColumn'],
};

const schemaFiles = listSchemaFiles(SQLITE_SCHEMA_DIR);

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

function renderWhere(where: SQL | undefined, dialect: SQLiteSyncDialect | PgDialect): string | null {
  return where ? dialect.sqlToQuery(where).sql : null;
}

type ColumnLike = {
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  primary: boolean;
  isUnique: boolean;
  uniqueName: string | undefined;
  default: unknown;
  columnType: string;
};

function describeColumn(column: ColumnLike) {
  const enumValues = (column as { enumValues?: readonly string[] }).enumValues;
  return {
    name: column.name,
    notNull: column.notNull,
    hasDefault: column.hasDefault,
    primary: column.primary,
    unique: column.isUnique ? column.uniqueName : null,
    // A plain value (text, number, boolean); SQL defaults would need their own comparison.
    default: column.default === undefined ? null : column.default,
    enumValues: enumValues && enumValues.length > 0 ? [...enumValues] : null,
  };
}

type SqliteConfig = ReturnType<typeof getSqliteTableConfig>;
type PgConfig = ReturnType<typeof getPgTableConfig>;

function describeTable(config: SqliteConfig | PgConfig, dialect: SQLiteSyncDialect | PgDialect) {
  return {
    name: config.name,
    columns: config.columns.map((column) => describeColumn(column)).sort((a, b) => a.name.localeCompare(b.name)),
    indexes: config.indexes
      .map((index) => ({
        name: index.config.name ?? '(unnamed)',
        columns: index.config.columns.map((column) => (column as { name: string }).name),
        unique: index.config.unique,
        where: renderWhere(index.config.where, dialect as never),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const reference = fk.reference();
        return {
          name: fk.getName(),
          columns: reference.columns.map((column) => column.name),
          foreignTable: (is(reference.foreignTable, PgTable) ? getPgTableConfig(reference.foreignTable) : getSqliteTableConfig(reference.foreignTable as SQLiteTable)).name,
          foreignColumns: reference.foreignColumns.map((column) => column.name),
          // Both dialects mean "no action" when none is given; drizzle leaves it unset in SQLite.
          onDelete: fk.onDelete ?? 'no action',
          onUpdate: fk.onUpdate ?? 'no action',
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    primaryKeys: config.primaryKeys.map((pk) => ({ name: pk.getName(), columns: pk.columns.map((column) => column.name) })),
    uniqueConstraints: config.uniqueConstraints.map((unique) => ({ name: unique.getName(), columns: unique.columns.map((column) => column.name) })),
    checks: config.checks.map((check) => check.name),
  };
}

describe('db/schema-pg mirrors db/schema', () => {
  it('has one PostgreSQL file for every SQLite schema file, and no other', () => {
    const pgFiles = listSchemaFiles(PG_SCHEMA_DIR);
    expect(pgFiles).toEqual(schemaFiles);
    expect(schemaFiles.length).toBeGreaterThan(0);
  });

  for (const file of schemaFiles) {
    it(`${file}: same tables, columns, indexes and foreign keys`, async () => {
      const sqliteTables = (await loadSqliteTables(file)).map((t) => getSqliteTableConfig(t));
      const pgTables = (await loadPgTables(file)).map((t) => getPgTableConfig(t));
      expect(pgTables.map((t) => t.name).sort()).toEqual(sqliteTables.map((t) => t.name).sort());
      for (const sqliteTable of sqliteTables) {
        const pgTable = pgTables.find((t) => t.name === sqliteTable.name)!;
        expect(describeTable(pgTable, pgDialect), `table ${sqliteTable.name}`).toEqual(describeTable(sqliteTable, sqliteDialect));
      }
    });

    it(`${file}: every column has a PostgreSQL type that holds the SQLite values`, async () => {
      const sqliteTables = (await loadSqliteTables(file)).map((t) => getSqliteTableConfig(t));
      const pgTables = (await loadPgTables(file)).map((t) => getPgTableConfig(t));
      const mismatches: string[] = [];
      for (const sqliteTable of sqliteTables) {
        const pgTable = pgTables.find((t) => t.name === sqliteTable.name)!;
        for (const column of sqliteTable.columns) {
          const pgColumn = pgTable.columns.find((c) => c.name === column.name);
          const allowed = PG_TYPES_FOR_SQLITE[column.columnType] ?? [];
          if (!pgColumn || !allowed.includes(pgColumn.columnType)) {
            mismatches.push(`${sqliteTable.name}.${column.name}: ${column.columnType} → ${pgColumn?.columnType ?? 'missing'}`);
          } else if (pgColumn.columnType === 'PgCustomColumn' && pgColumn.getSQLType() !== 'bytea') {
            mismatches.push(`${sqliteTable.name}.${column.name}: blob → ${pgColumn.getSQLType()}, not bytea`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('the latest PostgreSQL migration snapshot matches db/schema-pg (no change left ungenerated)', async () => {
    const journal = JSON.parse(readFileSync(`${PG_MIGRATIONS_DIR}meta/_journal.json`, 'utf8')) as { entries: { idx: number }[] };
    const last = journal.entries.at(-1)!;
    const snapshot = JSON.parse(readFileSync(`${PG_MIGRATIONS_DIR}meta/${String(last.idx).padStart(4, '0')}_snapshot.json`, 'utf8')) as {
      tables: Record<string, { name: string; columns: Record<string, { type: string; notNull: boolean }>; indexes: Record<string, unknown>; foreignKeys: Record<string, unknown> }>;
    };
    const fromSnapshot = Object.values(snapshot.tables)
      .map((t) => ({
        name: t.name,
        columns: Object.entries(t.columns).map(([name, c]) => `${name} ${c.type}${c.notNull ? ' not null' : ''}`).sort(),
        indexes: Object.keys(t.indexes).sort(),
        foreignKeys: Object.keys(t.foreignKeys).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const fromSchema = [];
    for (const file of schemaFiles) {
      for (const config of (await loadPgTables(file)).map((t) => getPgTableConfig(t))) {
        fromSchema.push({
          name: config.name,
          columns: config.columns.map((c) => `${c.name} ${c.getSQLType()}${c.notNull ? ' not null' : ''}`).sort(),
          indexes: config.indexes.map((i) => i.config.name!).sort(),
          foreignKeys: config.foreignKeys.map((fk) => fk.getName()).sort(),
        });
      }
    }
    expect(fromSchema.sort((a, b) => a.name.localeCompare(b.name))).toEqual(fromSnapshot);
  });

  it('no PostgreSQL migration names the "public" schema (each installation or test picks its own)', () => {
    const named = readdirSync(PG_MIGRATIONS_DIR)
      .filter((name) => name.endsWith('.sql'))
      .filter((name) => readFileSync(`${PG_MIGRATIONS_DIR}${name}`, 'utf8').includes('"public".'));
    expect(named).toEqual([]);
  });
});
