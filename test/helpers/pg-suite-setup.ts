import pg from 'pg';
import { readTestDatabaseUrl } from './pg-test-db.ts';
import { TEST_SCHEMA_PREFIX } from './test-database.ts';

/**
 * The PostgreSQL suite's global setup: drops the schemas the suite makes (test/helpers/
 * test-database.ts), before it runs (a run that was killed left them) and after.
 */
async function dropTestSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: readTestDatabaseUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query<{ name: string }>('select nspname as name from pg_namespace where starts_with(nspname, $1)', [TEST_SCHEMA_PREFIX]);
    for (const { name } of found.rows) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<void> {
  await dropTestSchemas();
}

export async function teardown(): Promise<void> {
  await dropTestSchemas();
}
