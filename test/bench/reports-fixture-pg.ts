/**
 * The 1M-report fixture (reports-fixture.ts) on PostgreSQL, for `bench:reports --database-url`.
 *
 * The cached SQLite fixture is copied into its own schema, bench_reports_<digest>, by the
 * project's own migration (src/database-migration.ts, what `copyhound migrate --from FILE --to
 * URL` runs: one transaction, every table verified by row count and digest before it commits),
 * from a private copy of the file (opening a file runs PRAGMA optimize, which must not write
 * statistics into the cached fixture). Every table is then vacuumed and analysed (VACUUM
 * (ANALYZE)): the planner gets statistics, and the visibility map and hint bits are set as
 * autovacuum would have set them on a server that has held these rows for a while, so reads are
 * not timed while they dirty pages. Only then is the schema marked complete (its COMMENT); a
 * schema without the mark (a copy that failed or was stopped) is dropped and copied again.
 * The digest covers the fixture version and the newest PostgreSQL migration, so a change to
 * either gets a new schema; --fresh copies again.
 *
 * Targets 1 and 2 only read, so they run on the fixture schema itself. Target 3 writes (consents,
 * re-decided reports, history, custody log); as the SQLite bench gives each run its own copy of
 * the file, it runs on a copy of the schema made for the run (copyPgFixtureSchema: the migrations'
 * tables, filled by INSERT ... SELECT inside the server, vacuumed and analysed) and dropped after.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../db/open-db.ts';
import { hidePassword, openPgDatabase, PG_MIGRATIONS_DIR } from '../../db/pg-database.ts';
import { listTablesInCopyOrder, resetSequence } from '../../db/table-copy.ts';
import { migrateDatabase } from '../../src/database-migration.ts';
import { copyReportsFixture, FIXTURE_VERSION, TOTAL_REPORTS } from './reports-fixture.ts';

// Rows per page of the migration (its maximum is 20,000; insert statements are bounded apart).
const MIGRATE_BATCH_SIZE = 10_000;
// Progress of the copy: a line at most this often.
const PROGRESS_EVERY_MS = 15_000;
const COMPLETE_MARK = 'copyhound bench:reports fixture, complete';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The same server and database, with every connection's search_path set to `schema`. */
export function schemaUrl(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

function fixtureSchemaName(): string {
  const journal = readFileSync(join(PG_MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8');
  const digest = createHash('sha256').update(`${FIXTURE_VERSION}\n${TOTAL_REPORTS}\n${journal}`).digest('hex').slice(0, 12);
  return `bench_reports_${digest}`;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'copyhound bench:reports' });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function isComplete(client: pg.Client, schema: string): Promise<boolean> {
  const r = await client.query<{ mark: string | null }>(`select obj_description(oid, 'pg_namespace') as mark from pg_namespace where nspname = $1`, [schema]);
  return r.rows[0]?.mark === COMPLETE_MARK;
}

/** VACUUM (ANALYZE) of every copied table of `schema`, timed. */
async function vacuumAnalyze(url: string, schema: string): Promise<number> {
  const start = performance.now();
  await withClient(url, async (client) => {
    for (const table of listTablesInCopyOrder()) await client.query(`vacuum (analyze) ${quote(schema)}.${quote(table.name)}`);
  });
  return (performance.now() - start) / 1000;
}

/**
 * The schema holding the fixture on the server at `url`, copied from the SQLite fixture at
 * `sqliteFixture` when it is missing, incomplete or `fresh`. Answers the schema's name.
 */
export async function ensurePgReportsFixture(url: string, sqliteFixture: string, fresh: boolean): Promise<string> {
  const schema = fixtureSchemaName();
  const ready = await withClient(url, async (client) => {
    if (!fresh && await isComplete(client, schema)) return true;
    await client.query(`drop schema if exists ${quote(schema)} cascade`);
    await client.query(`create schema ${quote(schema)}`);
    return false;
  });
  if (ready) {
    console.log(`data: cached PostgreSQL schema ${schema} on ${hidePassword(url)} (--fresh to copy it again)`);
    return schema;
  }
  console.log(`data: copying the fixture into PostgreSQL schema ${schema} on ${hidePassword(url)} with src/database-migration.ts (one transaction, verified) ...`);
  const dir = mkdtempSync(join(tmpdir(), 'copyhound-bench-reports-pg-'));
  try {
    const sourcePath = join(dir, 'copyhound.db');
    copyReportsFixture(sqliteFixture, sourcePath);
    const source = openDatabase({ path: sourcePath, busyTimeoutMs: 5000 });
    try {
      const target = await openPgDatabase({ url: schemaUrl(url, schema), poolSize: 2, applicationName: 'copyhound bench:reports migrate' });
      try {
        const start = performance.now();
        let total = 0;
        let done = 0;
        let lastLine = start;
        const elapsed = () => ((performance.now() - start) / 1000).toFixed(0);
        const result = await migrateDatabase(source.db, target.db, {
          batchSize: MIGRATE_BATCH_SIZE,
          onStart: (n) => {
            total = n;
            console.log(`data: ${n} rows to copy`);
          },
          onRows: (table, n) => {
            done += n;
            const now = performance.now();
            if (now - lastLine >= PROGRESS_EVERY_MS) {
              lastLine = now;
              console.log(`data:   ${done}/${total} rows (${((100 * done) / total).toFixed(0)} %), in ${table}, ${elapsed()} s, ${Math.round(done / ((now - start) / 1000))} rows/s`);
            }
          },
          onTableDone: (table, rows) => {
            if (rows >= 100_000) console.log(`data:   ${table}: ${rows} rows copied, ${elapsed()} s`);
          },
        });
        const seconds = (performance.now() - start) / 1000;
        console.log(`data: migrated ${result.rows} rows in ${seconds.toFixed(0)} s (${Math.round(result.rows / seconds)} rows/s, copy and verification), custody log root ${result.custody.target.rootHash.slice(0, 16)}…, committed`);
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`data: VACUUM (ANALYZE) of ${schema} in ${(await vacuumAnalyze(url, schema)).toFixed(0)} s`);
  await withClient(url, async (client) => client.query(`comment on schema ${quote(schema)} is '${COMPLETE_MARK}'`));
  return schema;
}

/**
 * A copy of the fixture schema for one run's writes: a new schema with the migrations' tables,
 * indexes and triggers (openPgDatabase), every table filled from the fixture inside the server in
 * one transaction (foreign keys and triggers off for it, session_replication_role = replica: the
 * rows were verified when the fixture was made), sequences moved past the copied keys, then
 * VACUUM (ANALYZE). Answers its name; dropPgSchema removes it.
 */
export async function copyPgFixtureSchema(url: string, fixtureSchema: string): Promise<string> {
  const schema = `${fixtureSchema}_run_${process.pid}`;
  const start = performance.now();
  await withClient(url, async (client) => {
    await client.query(`drop schema if exists ${quote(schema)} cascade`);
    await client.query(`create schema ${quote(schema)}`);
  });
  const runDb = await openPgDatabase({ url: schemaUrl(url, schema), poolSize: 1, applicationName: 'copyhound bench:reports copy' });
  try {
    const tables = listTablesInCopyOrder();
    await withClient(url, async (client) => {
      await client.query('set session_replication_role = replica');
      await client.query('begin');
      for (const table of tables) {
        const columns = table.columns.map(quote).join(', ');
        await client.query(`insert into ${quote(schema)}.${quote(table.name)} (${columns}) select ${columns} from ${quote(fixtureSchema)}.${quote(table.name)}`);
      }
      await client.query('commit');
    });
    for (const table of tables) await resetSequence(runDb.db, table);
  } finally {
    await runDb.close();
  }
  const copied = (performance.now() - start) / 1000;
  const vacuumed = await vacuumAnalyze(url, schema);
  console.log(`    data: copied ${fixtureSchema} into ${schema} for this target's writes in ${copied.toFixed(0)} s, VACUUM (ANALYZE) ${vacuumed.toFixed(0)} s (untimed; dropped afterwards)`);
  return schema;
}

export async function dropPgSchema(url: string, schema: string): Promise<void> {
  await withClient(url, async (client) => client.query(`drop schema if exists ${quote(schema)} cascade`));
}
