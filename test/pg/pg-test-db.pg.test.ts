import { afterEach, describe, expect, it } from 'vitest';
import { readTestDatabaseUrl, TEST_DATABASE_URL_VARIABLE, usePgTestDb } from '../helpers/pg-test-db.ts';

// Nothing listens on TCP port 1 here (privileged, unassigned): a refused connection, at once.
const UNREACHABLE_URL = 'postgres://root@127.0.0.1:1/test';

describe('test/helpers/pg-test-db.ts', () => {
  const makePgTestDb = usePgTestDb();
  let previousSchema: string | undefined;
  const savedUrl = process.env[TEST_DATABASE_URL_VARIABLE];
  afterEach(() => {
    // Assigning undefined would store the string "undefined".
    if (savedUrl === undefined) delete process.env[TEST_DATABASE_URL_VARIABLE];
    else process.env[TEST_DATABASE_URL_VARIABLE] = savedUrl;
  });

  it('gives each test a fresh schema as the search_path of its connections', async () => {
    const first = await makePgTestDb();
    const second = await makePgTestDb();
    expect(first.schema).not.toBe(second.schema);
    const shown = await first.pool.query<{ search_path: string }>('show search_path');
    expect(shown.rows[0].search_path).toBe(first.schema);
    await first.pool.query('create table t (x int)');
    const tables = await first.pool.query<{ table_schema: string }>(`select table_schema from information_schema.tables where table_name = 't' and table_schema = $1`, [first.schema]);
    expect(tables.rows).toEqual([{ table_schema: first.schema }]);
    const empty = await second.pool.query(`select 1 from information_schema.tables where table_schema = $1`, [second.schema]);
    expect(empty.rowCount).toBe(0);
    previousSchema = first.schema;
  });

  it('dropped the previous test schema afterwards', async () => {
    expect(previousSchema).toBeDefined();
    const { pool } = await makePgTestDb();
    const found = await pool.query('select 1 from information_schema.schemata where schema_name = $1', [previousSchema]);
    expect(found.rowCount).toBe(0);
  });

  it('names COPYHOUND_TEST_DATABASE_URL when it is not set', () => {
    expect(() => readTestDatabaseUrl({})).toThrow(/COPYHOUND_TEST_DATABASE_URL is not set/);
  });

  it('names COPYHOUND_TEST_DATABASE_URL when PostgreSQL is not reachable', async () => {
    process.env[TEST_DATABASE_URL_VARIABLE] = UNREACHABLE_URL;
    await expect(makePgTestDb()).rejects.toThrow(/COPYHOUND_TEST_DATABASE_URL=postgres:\/\/root@127\.0\.0\.1:1\/test is not reachable/);
  });
});
