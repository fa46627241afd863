import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../db/open-db.ts';

/**
 * Fresh test databases copied from one migrated once, instead of each migrated from nothing:
 * migrating took ~65 ms per SQLite file and ~1.5 s per PostgreSQL schema (0002_text_collate_c
 * rewrites every table) on the 2-core CI machine, paid by nearly every test. The copy is the
 * migrated database itself (same tables, indexes, triggers and migration journal), so the
 * opening that follows finds every migration applied, as it would after migrating. The
 * migrations themselves still run from nothing wherever a test makes a database any other way
 * (CLI runs, test/pg, test/migrate, usePgTestDb).
 */

/** Names the file holding the PostgreSQL template's DDL (written by test/helpers/pg-suite-setup.ts). */
export const TEMPLATE_DDL_VARIABLE = 'COPYHOUND_TEST_SCHEMA_TEMPLATE';

/** The schema-qualified name prefix the template's DDL uses, replaced by each copy's own schema. */
export const TEMPLATE_SCHEMA_MARK = '__copyhound_template__';

let sqliteTemplate: string | undefined;

/** This process's migrated SQLite file, made on first use and removed when the process exits. */
function makeSqliteTemplate(): string {
  if (sqliteTemplate) return sqliteTemplate;
  const dir = mkdtempSync(join(tmpdir(), 'copyhound-template-'));
  const path = join(dir, 'template.db');
  // Closing the only connection checkpoints the log into the file and removes it: one file to copy.
  const database = openDatabase({ path, busyTimeoutMs: 5000 });
  void database.close();
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  sqliteTemplate = path;
  return path;
}

/** Puts a migrated SQLite file at `path` unless a file is already there. */
export function copySqliteTemplate(path: string): void {
  if (path === ':memory:' || existsSync(path)) return;
  const template = makeSqliteTemplate();
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(template, path);
}

let pgTemplateDdl: string | null | undefined;

/** The template's DDL, or null when the suite's setup could not make one (then schemas migrate). */
function readPgTemplateDdl(): string | null {
  if (pgTemplateDdl !== undefined) return pgTemplateDdl;
  const file = process.env[TEMPLATE_DDL_VARIABLE];
  pgTemplateDdl = file && existsSync(file) ? readFileSync(file, 'utf8') : null;
  return pgTemplateDdl;
}

/**
 * Makes `schema` as a copy of the migrated template (one round trip), or empty when there is no
 * template. A schema that already exists (made by another process of the same test) is left as is.
 */
export async function createSchemaFromTemplate(server: string, schema: string): Promise<void> {
  const ddl = readPgTemplateDdl();
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    const body = ddl === null ? '' : ddl.replaceAll(`${TEMPLATE_SCHEMA_MARK}.`, `"${schema}".`);
    // One query, so one transaction: a schema is made whole or not at all.
    await client.query(`CREATE SCHEMA "${schema}";\n${body}`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  } finally {
    await client.end();
  }
}
