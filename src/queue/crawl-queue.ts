import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import { analyzeJobs, countJobsByState, insertJobsUnlessLive, insertJobUnlessLive, listJobEndStatements, markJobNotRetryable, NO_JOB_ENDED, queryJobs, type PgBossDb } from '../../db/pg/crawl-queue-jobs.ts';
import { assertSchemaName, createPgPool } from '../../db/pg/pg-connection.ts';
import type { Logger } from '../log.ts';
import { isRetryableJobError } from './job-errors.ts';
import { setUpQueues } from './queue-setup.ts';

/**
 * The crawl job queue on PostgreSQL (pg-boss 10, in its own schema). Two kinds of job:
 * - `source-run`: run one source (read its feed/sitemap/list and enqueue its pages);
 * - `page-fetch`: fetch and check one page of a run.
 * Any number of worker processes may call work(); each job is given to one worker at a time.
 */

export interface SourceRunPayload {
  sourceId: number;
  /** ISO-8601; when the scheduler (or a user) asked for the run. */
  requestedAt: string;
}

export interface PageFetchPayload {
  sourceId: number;
  runId: number;
  url: string;
  /** The URL's host name, for per-host politeness (host-politeness.ts). */
  host: string;
  /** The URLs in the run's frontier, to tell when the run is done (jobs queued before it was carried read the run). */
  runUrls?: number;
}

export interface JobPayloads {
  'source-run': SourceRunPayload;
  'page-fetch': PageFetchPayload;
}
export type JobKind = keyof JobPayloads;
export const JOB_KINDS: readonly JobKind[] = ['source-run', 'page-fetch'];

/**
 * The lease: a job running longer than this is failed by pg-boss's maintenance and retried, which
 * is how the job of a worker that died (SIGKILL, lost machine) comes back. A page fetch is bounded
 * by the fetch deadline (COPYHOUND_FETCH_TOTAL_TIMEOUT_MS, 30 s by default, at most 600 s) plus the
 * wait for a host slot, extraction and matching, so 15 minutes never overtakes a live worker; a
 * source run reads one feed or sitemap (index) and enqueues pages: 30 minutes.
 * The handler's signal aborts when the lease ends, so a worker stops work another will redo.
 */
export const DEFAULT_LEASE_SECONDS: Readonly<Record<JobKind, number>> = { 'source-run': 30 * 60, 'page-fetch': 15 * 60 };

/**
 * How often expired leases are looked for (pg-boss maintenance; one process in the cluster does it
 * per interval). A dead worker's job is back at most lease + this + the retry delay later.
 */
export const DEFAULT_MAINTENANCE_INTERVAL_SECONDS = 60;

/**
 * Attempts after the first, and the base of pg-boss's exponential backoff (delay × 2^n / 2, with up
 * to as much again of jitter): a failing page is retried after about 1, 2, 4 minutes then given up.
 * A lease that expires also uses one attempt.
 */
export const DEFAULT_RETRY: Readonly<Record<JobKind, { limit: number; delaySeconds: number }>> = {
  'source-run': { limit: 2, delaySeconds: 60 },
  'page-fetch': { limit: 3, delaySeconds: 60 },
};

/** How often an idle worker asks for a job (pg-boss polls; it has no LISTEN in v10). */
export const DEFAULT_POLLING_INTERVAL_SECONDS = 2;

// The handler's signal aborts this long before pg-boss gives the job up at the lease's end, so
// the handler sees the abort first and can stop cleanly.
const LEASE_ABORT_MARGIN_MS = 1_000;

// After the workers stop, how long handlers whose signal aborted get to return before the
// connections close (their job is already handed back; this only keeps their last SQL valid).
const STOP_HANDLER_GRACE_MS = 5_000;

// Jobs per enqueueMany transaction: one statement each for the locks, the live check and the
// insert; 1,000 keeps each statement's parameter arrays small and a batch well under a second.
const ENQUEUE_BATCH_JOBS = 1_000;
// Jobs this process queues before it has PostgreSQL re-analyse the job table (analyzeJobs): a
// queue grown by this much may be planned as the near-empty one last analysed. An ANALYZE costs
// tens of ms; 1,000 jobs take a worker minutes to fetch.
const ANALYZE_AFTER_JOBS = 1_000;

// Connections per process: pg-boss's polling, completions and our enqueues share them.
const POOL_MAX_CONNECTIONS = 10;

export interface JobContext {
  id: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /** Aborted when the lease is about to end or the queue stops without waiting. */
  signal: AbortSignal;
}

export type JobHandler<K extends JobKind> = (payload: JobPayloads[K], context: JobContext) => Promise<void>;

export interface JobCounts {
  /** Waiting to run, including waiting to retry: the queue depth. */
  queued: number;
  active: number;
  completed: number;
  failed: number;
}

export interface CrawlQueueOptions {
  connectionString: string;
  /** pg-boss's schema (created on first start): lower-case letters, digits, underscores. */
  schema: string;
  logger?: Logger;
  /** Overrides for tests; production uses the defaults above. */
  leaseSeconds?: Partial<Record<JobKind, number>>;
  retry?: Partial<Record<JobKind, { limit: number; delaySeconds: number }>>;
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

export interface CrawlQueue {
  /**
   * Queues a job unless one with the same key is queued or running: the URL for a page fetch, the
   * source for a source run. Returns the job id, or null when it was already there.
   */
  enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], options?: { startAfter?: Date }): Promise<string | null>;
  /** enqueue() for many jobs of one kind, in batches; answers how many were queued (the rest were live). */
  enqueueMany<K extends JobKind>(kind: K, payloads: readonly JobPayloads[K][], options?: { priorities?: readonly number[] }): Promise<number>;
  /** Starts `concurrency` workers for the kind in this process. */
  work<K extends JobKind>(kind: K, handler: JobHandler<K>, options: { concurrency: number }): Promise<void>;
  /** Counts per kind, for /metrics and /healthz. */
  countJobs(): Promise<Record<JobKind, JobCounts>>;
  /**
   * Stops the workers and closes the connections. graceful: running jobs may finish (up to
   * timeoutMs); otherwise their signals abort at once and pg-boss hands the jobs back for retry.
   */
  stop(options: { graceful: boolean; timeoutMs?: number }): Promise<void>;
}

/** The singleton key: what must never be queued or running twice. */
function computeSingletonKey<K extends JobKind>(kind: K, payload: JobPayloads[K]): string {
  return kind === 'page-fetch' ? (payload as PageFetchPayload).url : `source:${(payload as SourceRunPayload).sourceId}`;
}

/** Connects, installs or migrates pg-boss's schema, and creates both queues with their policies. */
export async function createCrawlQueue(options: CrawlQueueOptions): Promise<CrawlQueue> {
  const schema = assertSchemaName(options.schema);
  const logger = options.logger;
  const pool = createPgPool(
    { connectionString: options.connectionString, applicationName: 'copyhound-queue', max: POOL_MAX_CONNECTIONS },
    (error) => logger?.warn({ err: error }, 'crawl queue: idle connection lost'),
  );
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  const jobEndStatements = listJobEndStatements(schema);
  // pg-boss runs its SQL through our pool (it would otherwise open its own, without our keepalive
  // settings), and a failure carries no bound value; its completions are not awaited, so stop()
  // waits for what is still in flight.
  const db: PgBossDb = {
    executeSql(text, values) {
      const endsJob = jobEndStatements.has(text);
      // After stop(), like pg-boss's own connection wrapper: nothing runs, nothing rejects (its
      // completions are not awaited, so a rejection would be unhandled and end the process).
      if (closed) return Promise.resolve(endsJob ? NO_JOB_ENDED : { rows: [] });
      let query: Promise<{ rows: any[] }> = queryJobs(pool, text, values as unknown[]);
      // Nobody waits for a job's end to be recorded (listJobEndStatements): a failure is logged
      // here and the job left active, so its lease brings it back, and the work it did is found
      // already stored when it runs again.
      if (endsJob) {
        query = query.catch((error: unknown) => {
          logger?.warn({ err: error }, 'crawl queue: could not record the end of a job; its lease will bring it back');
          return NO_JOB_ENDED;
        });
      }
      pending.add(query);
      void query.then(
        () => pending.delete(query),
        () => pending.delete(query),
      );
      return query;
    },
  };
  const boss = new PgBoss({
    db,
    schema,
    // Cron schedules are not used: the scheduler (scheduler-lock.ts) decides when sources run.
    schedule: false,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? DEFAULT_MAINTENANCE_INTERVAL_SECONDS,
  });
  boss.on('error', (error) => logger?.warn({ err: error }, 'crawl queue: pg-boss error'));
  try {
    const queues = JOB_KINDS.map((kind) => {
      const retry = options.retry?.[kind] ?? DEFAULT_RETRY[kind];
      return {
        name: kind,
        policy: 'stately' as const,
        expireInSeconds: options.leaseSeconds?.[kind] ?? DEFAULT_LEASE_SECONDS[kind],
        retryLimit: retry.limit,
        retryDelay: retry.delaySeconds,
        retryBackoff: true,
      };
    });
    await setUpQueues(boss, { connectionString: options.connectionString, schema, queues }, logger);
  } catch (error) {
    // pg-boss's timers (maintenance, monitoring) would keep the process alive after a failed start.
    await boss.stop({ graceful: false, close: false, wait: true }).catch(() => undefined);
    await pool.end().catch(() => undefined);
    throw error;
  }

  // The jobs running in this process: their abort controllers and their ends.
  const running = new Map<AbortController, Promise<void>>();
  let queuedSinceAnalyze = 0;
  let stopping: Promise<void> | undefined;
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? DEFAULT_POLLING_INTERVAL_SECONDS;

  async function runJob<K extends JobKind>(kind: K, handler: JobHandler<K>, job: PgBoss.JobWithMetadata<JobPayloads[K]>): Promise<void> {
    const controller = new AbortController();
    let finish = (): void => undefined;
    running.set(controller, new Promise<void>((resolve) => (finish = resolve)));
    const leaseMs = Math.max(0, job.expireInSeconds * 1000 - LEASE_ABORT_MARGIN_MS);
    const timer = setTimeout(() => controller.abort(new Error(`lease of job ${job.id} ended`)), leaseMs);
    try {
      await handler(job.data, { id: job.id, attempt: job.retryCount + 1, signal: controller.signal });
    } catch (error) {
      if (!isRetryableJobError(error) && !controller.signal.aborted) {
        await markJobNotRetryable(pool, schema, kind, job.id).catch((markError: Error) =>
          logger?.warn({ err: markError, jobId: job.id }, 'crawl queue: could not mark a job not retryable'),
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
      running.delete(controller);
      finish();
    }
  }

  async function stopQueue(graceful: boolean, timeoutMs: number): Promise<void> {
    if (!graceful) for (const controller of running.keys()) controller.abort(new Error('crawl queue stopped'));
    await boss.stop({ graceful, timeout: timeoutMs, wait: true, close: false });
    // Handlers still running after a graceful timeout are told to give up, and given a moment to.
    for (const controller of running.keys()) controller.abort(new Error('crawl queue stopped'));
    await Promise.race([Promise.all(running.values()), sleep(STOP_HANDLER_GRACE_MS, undefined, { ref: false })]);
    await Promise.allSettled([...pending]);
    closed = true;
    await pool.end();
  }

  return {
    async enqueue(kind, payload, enqueueOptions = {}) {
      const singletonKey = computeSingletonKey(kind, payload);
      return insertJobUnlessLive(pool, { schema, queue: kind, singletonKey }, (transaction) =>
        boss.send(kind, payload, { singletonKey, startAfter: enqueueOptions.startAfter, db: transaction }),
      );
    },

    async enqueueMany(kind, payloads, manyOptions = {}) {
      let queued = 0;
      for (let start = 0; start < payloads.length; start += ENQUEUE_BATCH_JOBS) {
        const jobs = payloads.slice(start, start + ENQUEUE_BATCH_JOBS).map((data, i) => ({
          name: kind,
          data,
          singletonKey: computeSingletonKey(kind, data),
          ...(manyOptions.priorities ? { priority: manyOptions.priorities[start + i] } : {}),
        }));
        queued += await insertJobsUnlessLive(pool, { schema, queue: kind, jobs }, async (transaction, fresh) => {
          await boss.insert(fresh, { db: transaction });
        });
      }
      queuedSinceAnalyze += queued;
      if (queuedSinceAnalyze >= ANALYZE_AFTER_JOBS) {
        queuedSinceAnalyze = 0;
        await analyzeJobs(pool, schema);
      }
      return queued;
    },

    async work(kind, handler, { concurrency }) {
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
      // pg-boss 10 has no per-worker concurrency: each work() call is one polling loop that runs
      // one job at a time (batchSize 1), so N calls give N jobs in parallel.
      for (let i = 0; i < concurrency; i += 1) {
        let workerId: string | undefined;
        workerId = await boss.work<JobPayloads[typeof kind]>(kind, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds }, async (jobs) => {
          try {
            for (const job of jobs) await runJob(kind, handler, job);
          } finally {
            // pg-boss waits out the rest of the polling interval even after a job; a worker that
            // just finished one asks again at once, and only an empty queue makes it wait.
            if (workerId) boss.notifyWorker(workerId);
          }
        });
      }
    },

    async countJobs() {
      const counts = Object.fromEntries(JOB_KINDS.map((kind) => [kind, { queued: 0, active: 0, completed: 0, failed: 0 }])) as Record<JobKind, JobCounts>;
      for (const row of await countJobsByState(pool, schema)) {
        const entry = counts[row.queue as JobKind];
        if (!entry) continue;
        if (row.state === 'created' || row.state === 'retry') entry.queued += row.count;
        else if (row.state === 'active' || row.state === 'completed' || row.state === 'failed') entry[row.state] += row.count;
      }
      return counts;
    },

    stop({ graceful, timeoutMs = 30_000 }) {
      // A second call (a signal handler and a finally, say) waits for the first.
      stopping ??= stopQueue(graceful, timeoutMs);
      return stopping;
    },
  };
}
