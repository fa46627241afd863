import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { openDatabase, type OpenDatabase } from '../../db/open-db.ts';
import { openPgDatabase } from '../../db/pg-database.ts';
import { readTestDatabaseUrl } from './pg-test-db.ts';
import { copySqliteTemplate, createSchemaFromTemplate } from './database-template.ts';

/**
 * Which database the suite runs on. `npm test` runs on SQLite files; `npm run test:pg` runs the
 * same tests on PostgreSQL (COPYHOUND_TEST_DIALECT=pg, set by vitest.pg.config.ts). There each
 * SQLite path a test uses stands for its own PostgreSQL schema, named from the path: the same
 * file opened twice (by the test and by a CLI child, say) is the same schema, and two files are
 * two schemas, as two SQLite files are two databases.
 */
export const TEST_DIALECT: 'sqlite' | 'pg' = process.env.COPYHOUND_TEST_DIALECT === 'pg' ? 'pg' : 'sqlite';

/** Every schema the PostgreSQL suite makes starts with this. */
export const TEST_SCHEMA_PREFIX = 'cht_';

/**
 * Names this run's schemas (set by test/helpers/pg-suite-setup.ts before the test processes start),
 * so two runs on one server neither share a schema nor drop each other's.
 */
export const TEST_RUN_VARIABLE = 'COPYHOUND_TEST_SCHEMA_RUN';

/** The prefix of this run's schemas. */
export function readRunSchemaPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return `${TEST_SCHEMA_PREFIX}${env[TEST_RUN_VARIABLE] ?? 'x'}_`;
}

// A test's pools stay small: dozens of test databases may be open at once on one server.
const TEST_POOL_SIZE = 4;

// One CREATE SCHEMA per schema and process, shared by callers that ask at the same moment.
const made = new Map<string, Promise<void>>();

async function createSchemaOnce(server: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // Another process (a CLI child of the same test) made it at the same moment.
    if ((error as { code?: string }).code !== '23505' && (error as { code?: string }).code !== '42P06') throw error;
  } finally {
    await client.end();
  }
}

/** The schema standing for the SQLite file at `path`. */
export function schemaForPath(path: string): string {
  return `${readRunSchemaPrefix()}${createHash('sha256').update(resolve(path)).digest('hex').slice(0, 24)}`;
}

/**
 * The connection URL of the schema standing for `path`, made if it does not exist yet: empty, or
 * with `fromTemplate` already migrated (test/helpers/database-template.ts).
 */
export async function pgUrlForPath(path: string, options: { fromTemplate?: boolean } = {}): Promise<string> {
  const server = readTestDatabaseUrl();
  const schema = schemaForPath(path);
  let creating = made.get(schema);
  if (!creating) {
    creating = options.fromTemplate ? createSchemaFromTemplate(server, schema) : createSchemaOnce(server, schema);
    made.set(schema, creating);
    creating.catch(() => made.delete(schema));
  }
  await creating;
  const url = new URL(server);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * Opens the test's database at `path`: that SQLite file, or its PostgreSQL schema. A new one is
 * copied from the migrated template (test/helpers/database-template.ts), not migrated here.
 */
export async function openTestDatabase(path: string, busyTimeoutMs = 5000): Promise<OpenDatabase> {
  if (TEST_DIALECT === 'sqlite') {
    copySqliteTemplate(path);
    return openDatabase({ path, busyTimeoutMs });
  }
  return await openPgDatabase({ url: await pgUrlForPath(path, { fromTemplate: true }), poolSize: TEST_POOL_SIZE });
}

/**
 * Config overrides naming the test's database at `path` (and its PostgreSQL URL in the pg suite).
 * With `fromTemplate`, a database not there yet is put there migrated, for a caller that opens it
 * at once (a test server): not where a test looks at what the first open does (init, the demo).
 */
export async function testDatabaseSettings(path: string, options: { fromTemplate?: boolean } = {}): Promise<{ path: string; url: string; poolSize: number }> {
  if (TEST_DIALECT === 'sqlite' && options.fromTemplate) copySqliteTemplate(path);
  return { path, url: TEST_DIALECT === 'pg' ? await pgUrlForPath(path, options) : '', poolSize: TEST_POOL_SIZE };
}

/** The SQLite file a CLI run would use: --db, else COPYHOUND_DB, else copyhound.db in the data folder. */
function findCliDatabasePath(args: readonly string[], env: Record<string, string | undefined>, cwd: string): string {
  const at = args.indexOf('--db');
  if (at >= 0 && args[at + 1]) return resolve(cwd, args[at + 1]);
  if (env.COPYHOUND_DB) return resolve(cwd, env.COPYHOUND_DB);
  return join(resolve(cwd, env.COPYHOUND_DATA_DIR ?? './data'), 'copyhound.db');
}

/** Environment for a CLI run in the pg suite: the PostgreSQL URL standing for the file it would use. */
export async function cliDatabaseEnv(args: readonly string[], env: Record<string, string | undefined>, cwd = process.cwd()): Promise<Record<string, string>> {
  if (TEST_DIALECT === 'sqlite' || env.COPYHOUND_DATABASE_URL !== undefined) return {};
  return { COPYHOUND_DATABASE_URL: await pgUrlForPath(findCliDatabasePath(args, env, cwd)), COPYHOUND_DB_POOL_SIZE: String(TEST_POOL_SIZE) };
}
