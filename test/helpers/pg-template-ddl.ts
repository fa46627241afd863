import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { openPgDatabase } from '../../db/pg-database.ts';
import { TEMPLATE_SCHEMA_MARK } from './database-template.ts';

const run = promisify(execFile);

// pg_dump's session set-up (search_path '', psql's \restrict) and the schema's own creation:
// the copy is made inside a CREATE SCHEMA of its own name.
const SKIPPED_LINE = /^(\\|CREATE SCHEMA |ALTER SCHEMA |SELECT pg_catalog\.set_config\('search_path')/;

/** Single-quoted SQL literal. */
function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Migrates `schema` on `server` from nothing, then writes its DDL (pg_dump --schema-only, with
 * the schema's name replaced by TEMPLATE_SCHEMA_MARK) and its migration journal's rows to a file,
 * whose path it answers. Answers null, and the tests' schemas then migrate one by one, when
 * pg_dump is missing or fails: slower, never less checked.
 */
export async function writePgTemplateDdl(server: string, schema: string): Promise<string | null> {
  const admin = new pg.Client({ connectionString: server, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA "${schema}"`);
    const url = new URL(server);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const database = await openPgDatabase({ url: url.toString(), poolSize: 1 });
    await database.close();
    let dump: string;
    try {
      dump = (await run('pg_dump', ['--schema-only', '--no-owner', '--no-privileges', `--schema=${schema}`, `--dbname=${server}`], { maxBuffer: 64 * 1024 * 1024 })).stdout;
    } catch (error) {
      console.warn(`pg_dump failed (${(error as Error).message.split('\n')[0]}): each test schema will be migrated from nothing`);
      return null;
    }
    const ddl = dump
      .split('\n')
      .filter((line) => !SKIPPED_LINE.test(line))
      .join('\n')
      .replaceAll(`${schema}.`, `${TEMPLATE_SCHEMA_MARK}.`);
    const journal = await admin.query<{ id: number; hash: string; created_at: string }>(`select id, hash, created_at::text as created_at from "${schema}".__drizzle_migrations order by id`);
    const target = `${TEMPLATE_SCHEMA_MARK}.__drizzle_migrations`;
    const rows = journal.rows.map((row) => `INSERT INTO ${target} (id, hash, created_at) VALUES (${row.id}, ${quoteLiteral(row.hash)}, ${row.created_at});`);
    const sequence = `SELECT pg_catalog.setval(${quoteLiteral(`${TEMPLATE_SCHEMA_MARK}.__drizzle_migrations_id_seq`)}, ${journal.rows.at(-1)?.id ?? 1}, ${journal.rows.length > 0});`;
    const file = join(mkdtempSync(join(tmpdir(), 'copyhound-pg-template-')), 'template.sql');
    writeFileSync(file, [ddl, ...rows, sequence].join('\n'));
    return file;
  } finally {
    await admin.end();
  }
}
