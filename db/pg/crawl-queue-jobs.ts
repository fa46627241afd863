import { createRequire } from 'node:module';
import type pg from 'pg';
import { computeAdvisoryLockKey, takeTransactionLock } from './advisory-locks.ts';
import { queryWithoutValues } from '../query-errors.ts';
import { assertSchemaName } from './pg-connection.ts';

/**
 * SQL the crawl queue runs against pg-boss 10's own tables (`<schema>.job`, partitioned by queue
 * name). pg-boss has no API for these three things; test/queue/crawl-queue.pg.test.ts pins the
 * column names and states we rely on, so a pg-boss upgrade that changes them fails there first.
 */

/** pg-boss's way to run its statements on a connection of ours (inside our transaction). */
export interface PgBossDb {
  executeSql(text: string, values: unknown[]): Promise<{ rows: any[] }>;
}

/**
 * The queue's statements on node-postgres directly, pg-boss's included, fail without bound values
 * (db/query-errors.ts): job payloads hold crawled URLs and source settings, and PostgreSQL's error
 * for a payload it refuses quotes the JSON in its `where` field. Code and names stay for pg-boss.
 */
export function queryJobs(runner: pg.Pool | pg.ClientBase, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  return queryWithoutValues<pg.QueryResult>(runner, { text, values });
}

// pg-boss 10's statement builders; the package has no public name for them (its main file only).
const pgBossPlans = createRequire(import.meta.url)('pg-boss/src/plans.js') as { completeJobs(schema: string): string; failJobsById(schema: string): string };

/**
 * pg-boss's statements that record a job's end (complete, fail). Its worker sends them without
 * waiting for them or catching their failure (manager.js, work's onFetch), so a failure there (a
 * dropped connection; PostgreSQL refusing the JSON of the error being recorded) is an unhandled
 * rejection that ends the worker process. The queue answers those failures itself (crawl-queue.ts).
 */
export function listJobEndStatements(schemaName: string): ReadonlySet<string> {
  const schema = assertSchemaName(schemaName);
  return new Set([pgBossPlans.completeJobs(schema), pgBossPlans.failJobsById(schema)]);
}

/** What pg-boss reads back from a completion statement that changed no job ("0 affected"). */
export const NO_JOB_ENDED = { rows: [{ count: 0 }] };

/** Job states that still hold a singleton key: waiting, waiting to retry, running. */
const LIVE_STATES = `('created', 'retry', 'active')`;

/**
 * Inserts a job unless one with the same queue and singleton key is live (created, retry or
 * active), so a URL is never queued while it is being fetched and never twice. pg-boss's
 * 'stately' policy alone allows one queued job beside one active one with the same key, and then
 * its fetch stops on a unique-key violation when it tries to start the second while the first
 * runs (pg-boss issues #535, #492); one live job per key avoids that state altogether.
 * The check and the insert run in one transaction under a transaction-level advisory lock on the
 * key, so two processes enqueueing the same URL at once cannot both pass the check.
 * Returns the new job's id, or null when a live job already had the key.
 */
export async function insertJobUnlessLive(
  pool: pg.Pool,
  job: { schema: string; queue: string; singletonKey: string },
  insert: (db: PgBossDb) => Promise<string | null>,
): Promise<string | null> {
  const schema = assertSchemaName(job.schema);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      await takeTransactionLock(client, computeAdvisoryLockKey(`${schema}:job-key:${job.queue}`, job.singletonKey));
      const live = await queryJobs(
        client,
        `SELECT 1 FROM ${schema}.job WHERE name = $1 AND singleton_key = $2 AND state IN ${LIVE_STATES} LIMIT 1`,
        [job.queue, job.singletonKey],
      );
      if (live.rowCount) {
        await client.query('ROLLBACK');
        return null;
      }
      const id = await insert({ executeSql: (text, values) => queryJobs(client, text, values) });
      await client.query('COMMIT');
      return id;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
    client.release(broken);
  }
}

export interface JobStateCount {
  queue: string;
  state: string;
  count: number;
}

/** Jobs per queue and state in pg-boss's job table (completed and failed ones stay until archived). */
export async function countJobsByState(pool: pg.Pool, schemaName: string): Promise<JobStateCount[]> {
  const schema = assertSchemaName(schemaName);
  const result = await pool.query<{ queue: string; state: string; count: number }>(
    `SELECT name AS queue, state::text AS state, count(*)::int AS count FROM ${schema}.job GROUP BY name, state`,
  );
  return result.rows;
}

/**
 * Makes a running job's next failure final: pg-boss retries while retry_count < retry_limit, so
 * setting the limit to the count turns the coming fail() into state 'failed' with no retry.
 */
export async function markJobNotRetryable(pool: pg.Pool, schemaName: string, queue: string, id: string): Promise<void> {
  const schema = assertSchemaName(schemaName);
  await pool.query(`UPDATE ${schema}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2 AND state = 'active'`, [queue, id]);
}

/**
 * insertJobUnlessLive for many keys in one transaction (a source run queues thousands of pages):
 * the keys' advisory locks are taken in one statement, in key order so two batches sharing keys
 * cannot deadlock, then the live ones are left out and the rest inserted in one statement.
 * Returns how many jobs were inserted.
 */
export async function insertJobsUnlessLive<T extends { singletonKey: string }>(
  pool: pg.Pool,
  batch: { schema: string; queue: string; jobs: readonly T[] },
  insert: (db: PgBossDb, jobs: T[]) => Promise<void>,
): Promise<number> {
  const schema = assertSchemaName(batch.schema);
  const unique = [...new Map(batch.jobs.map((job) => [job.singletonKey, job])).values()];
  if (unique.length === 0) return 0;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    try {
      const keys = unique.map((job) => computeAdvisoryLockKey(`${schema}:job-key:${batch.queue}`, job.singletonKey));
      await client.query('SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) AS keys', [keys]);
      const live = await queryJobs(
        client,
        `SELECT singleton_key AS key FROM ${schema}.job WHERE name = $1 AND singleton_key = ANY($2::text[]) AND state IN ${LIVE_STATES}`,
        [batch.queue, unique.map((job) => job.singletonKey)],
      );
      const taken = new Set(live.rows.map((row: { key: string }) => row.key));
      const fresh = unique.filter((job) => !taken.has(job.singletonKey));
      if (fresh.length > 0) await insert({ executeSql: (text, values) => queryJobs(client, text, values) }, fresh);
      await client.query('COMMIT');
      return fresh.length;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
  } finally {
    client.release(broken);
  }
}

/**
 * An index in the order pg-boss hands jobs out (priority, then age), over the jobs still waiting.
 * pg-boss 10's own index for its fetch is (name, start_after), so every fetch read and sorted all
 * the queue's waiting jobs to find the first: 20,000 queued pages cost ~50 ms a fetch, and the
 * crawl slowed as its queue grew. With this one, a fetch walks to the first unlocked job (0.3 ms
 * measured on the same queue). Made on the partitioned table, so every queue's partition, present
 * or future, has it; IF NOT EXISTS, so it is made once per installation (on a large existing queue
 * that once takes a while, under the set-up lock).
 */
export async function ensureFetchOrderIndex(client: pg.ClientBase, schemaName: string): Promise<void> {
  const schema = assertSchemaName(schemaName);
  await client.query(`CREATE INDEX IF NOT EXISTS ${FETCH_ORDER_INDEX} ON ${schema}.job (name, priority DESC, created_on, id) WHERE state < 'active'`);
}

/** The index's name (the test looks for it in the fetch's plan). */
export const FETCH_ORDER_INDEX = 'copyhound_job_fetch_order';

/**
 * Refreshes PostgreSQL's statistics of the job table (each queue's partition). A queue that was
 * near empty when last analysed and has since been filled is planned as if still empty: the
 * fetch then takes pg-boss's start_after index and sorts every waiting job (seen: estimated 1 to
 * 12 rows, 20,000 there, ~50 ms a fetch) instead of walking the fetch order index above.
 * Autovacuum catches up eventually, but not within a crawl's first minutes (seen: not at all in
 * five). ANALYZE samples at most 30,000 rows per partition: tens of milliseconds.
 */
export async function analyzeJobs(pool: pg.Pool, schemaName: string): Promise<void> {
  const schema = assertSchemaName(schemaName);
  await pool.query(`ANALYZE ${schema}.job`);
}
