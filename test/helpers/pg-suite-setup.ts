import pg from 'pg';
import { readTestDatabaseUrl } from './pg-test-db.ts';
import { randomBytes } from 'node:crypto';
import { readRunSchemaPrefix, TEST_RUN_VARIABLE } from './test-database.ts';
import { writePgTemplateDdl } from './pg-template-ddl.ts';
import { TEMPLATE_DDL_VARIABLE } from './database-template.ts';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The PostgreSQL suite's global setup: names this run's schemas (test/helpers/test-database.ts;
 * the test processes inherit the variable), migrates the template the tests' schemas are copied
 * from (test/helpers/database-template.ts), and drops them all when the run ends. A run that was
 * killed leaves its schemas; `DROP SCHEMA ... CASCADE` on the cht_* schemas clears them.
 */
async function dropTestSchemas(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: readTestDatabaseUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const found = await client.query<{ name: string }>('select nspname as name from pg_namespace where starts_with(nspname, $1)', [prefix]);
    for (const { name } of found.rows) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<void> {
  process.env[TEST_RUN_VARIABLE] = randomBytes(4).toString('hex');
  const file = await writePgTemplateDdl(readTestDatabaseUrl(), `${readRunSchemaPrefix()}template`);
  if (file) process.env[TEMPLATE_DDL_VARIABLE] = file;
}

export async function teardown(): Promise<void> {
  const file = process.env[TEMPLATE_DDL_VARIABLE];
  // The file and the temporary folder made for it.
  if (file) rmSync(dirname(file), { recursive: true, force: true });
  await dropTestSchemas(readRunSchemaPrefix());
}
