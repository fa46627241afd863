import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { hidePassword } from '../../db/pg-database.ts';
import { afterEach } from 'vitest';

/**
 * A fresh PostgreSQL schema per test, dropped afterwards. The server is the one named by
 * COPYHOUND_TEST_DATABASE_URL (on the dev machine postgres://root@127.0.0.1:5432/test). A missing
 * variable or an unreachable server fails the test: PostgreSQL tests never skip quietly.
 */

export const TEST_DATABASE_URL_VARIABLE = 'COPYHOUND_TEST_DATABASE_URL';

// A dead server should fail the test within a few seconds, not at the test timeout.
const CONNECT_TIMEOUT_MS = 5_000;

export interface PgTestDb {
  /** The schema made for this test: every connection below has it as its search_path. */
  schema: string;
  /** A connection string whose connections use the test schema (search_path in `options`). */
  url: string;
  /** A pool on `url`, ended before the schema is dropped. */
  pool: pg.Pool;
}

/** The server's connection string, or an error that says how to give one. */
export function readTestDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env[TEST_DATABASE_URL_VARIABLE];
  if (!url) {
    throw new Error(
      `${TEST_DATABASE_URL_VARIABLE} is not set: PostgreSQL tests need a server, e.g. ` +
        `${TEST_DATABASE_URL_VARIABLE}=postgres://root@127.0.0.1:5432/test npm run test:pg`,
    );
  }
  return url;
}

/** The same server and database, with every connection's search_path set to `schema`. */
function buildSchemaUrl(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function createSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${TEST_DATABASE_URL_VARIABLE}=${hidePassword(url)} is not reachable: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    // The job queue a test's workers or server made beside it (crawlers/crawl-workers.ts).
    await client.query(`DROP SCHEMA IF EXISTS "${schema}_jobs" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Call at the top of a describe block; each call of the returned function makes a new schema
 * (a random name) with a pool on it. After each test the pools end and the schemas are dropped.
 */
export function usePgTestDb(): () => Promise<PgTestDb> {
  let made: { db: PgTestDb; serverUrl: string }[] = [];
  afterEach(async () => {
    const done = made;
    made = [];
    for (const { db, serverUrl } of done) {
      await db.pool.end();
      await dropSchema(serverUrl, db.schema);
    }
  });
  return async () => {
    const url = readTestDatabaseUrl();
    const schema = `copyhound_test_${randomBytes(6).toString('hex')}`;
    await createSchema(url, schema);
    const schemaUrl = buildSchemaUrl(url, schema);
    const db: PgTestDb = { schema, url: schemaUrl, pool: new pg.Pool({ connectionString: schemaUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }) };
    made.push({ db, serverUrl: url });
    return db;
  };
}
