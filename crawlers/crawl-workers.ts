import type { App } from '../src/app.ts';
import { CopyhoundError } from '../src/errors.ts';
import { createCrawlQueue, DEFAULT_RETRY, type CrawlQueue, type PageFetchPayload } from '../src/queue/crawl-queue.ts';
import { createHostPoliteness, type HostPoliteness } from '../src/queue/host-politeness.ts';
import { startSchedulerLock, type SchedulerLock } from '../src/queue/scheduler-lock.ts';
import { createCrawlFetchers } from './fetch-adapter.ts';
import { enqueueSourceRun, runPageJob, runSourceJob } from './queued-crawl.ts';
import { createDatabaseRobotsShare } from './robots-store.ts';
import { createCrawlScheduler, type CrawlScheduler } from './scheduler.ts';
import { createSharedHostScheduler } from './shared-host-scheduler.ts';

/**
 * The crawl on PostgreSQL with any number of processes: each runs `concurrency` page jobs (and one
 * source-run job at a time) from the shared queue, and contends for the scheduler lock; the one
 * holding it queues the sources as their schedules come due (exactly one scheduler at a time, taken
 * over within seconds when its holder dies). `serve` runs it with concurrency 0: it schedules,
 * the workers fetch.
 */
export interface CrawlWorkers {
  queue: CrawlQueue;
  isScheduler(): boolean;
  /** Stops taking jobs; running ones finish (up to timeoutMs) or go back to the queue. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

// A graceful stop lets running pages finish this long; past it they return to the queue.
const STOP_TIMEOUT_MS = 30_000;

export function readQueueSchema(app: App): string {
  if (app.database.dialect !== 'pg' || !app.database.pgSchema) {
    throw new CopyhoundError('needs_postgres', 'crawl workers share a job queue in PostgreSQL: set COPYHOUND_DATABASE_URL=postgres://… (see README, "PostgreSQL and many workers")');
  }
  return app.config.queue.schema || `${app.database.pgSchema}_jobs`;
}

export interface CrawlWorkersOptions {
  concurrency: number;
  /** Told as each page job ends: done (returned) or failed (threw; the queue retries it). For the worker's metrics. */
  onPageJob?(result: 'done' | 'failed'): void;
}

export async function startCrawlWorkers(app: App, options: CrawlWorkersOptions): Promise<CrawlWorkers> {
  const schema = readQueueSchema(app);
  const url = app.database.pgUrl!;
  const logger = app.logger.child({ component: 'worker' });
  const queue = await createCrawlQueue({
    connectionString: url,
    schema,
    logger,
    leaseSeconds: { 'page-fetch': app.config.queue.pageLeaseSeconds },
    retry: { 'page-fetch': { limit: DEFAULT_RETRY['page-fetch'].limit, delaySeconds: app.config.queue.retryDelaySeconds } },
    maintenanceIntervalSeconds: app.config.queue.maintenanceSeconds,
    pollingIntervalSeconds: app.config.queue.pollSeconds,
  });
  let politeness: HostPoliteness | undefined;
  try {
    if (options.concurrency > 0) {
      const hosts = createHostPoliteness({ connectionString: url, namespace: schema, logger, maxConnections: options.concurrency * 2 + 2 });
      politeness = hosts;
      const crawl = app.config.crawl;
      const fetchers = createCrawlFetchers(app, {
        wrapScheduler: (local) => createSharedHostScheduler(local, hosts, { perHostConcurrency: crawl.perHostConcurrency, minHostDelayMs: crawl.minHostDelayMs, maxCrawlDelayMs: crawl.maxCrawlDelayMs }),
        // Each host's robots.txt read once for all the workers, as its politeness is shared.
        robotsShare: createDatabaseRobotsShare(app.database.db),
      });
      const deps = { app, queue, fetchers };
      // Source runs as many at once as pages: reading a feed or sitemap waits on the network too,
      // and until a source is read its pages cannot be spread over the hosts.
      await queue.work('source-run', async (payload, job) => await runSourceJob(deps, payload, job.signal), { concurrency: options.concurrency });
      const pageJob = async (payload: PageFetchPayload, signal: AbortSignal) => {
        try {
          await runPageJob(deps, payload, signal);
        } catch (error) {
          options.onPageJob?.('failed');
          throw error;
        }
        options.onPageJob?.('done');
      };
      await queue.work('page-fetch', async (payload, job) => await pageJob(payload, job.signal), { concurrency: options.concurrency });
    }
  } catch (error) {
    // Nothing may keep running after a failed start: the queue's timers would keep the process alive.
    await queue.stop({ graceful: false, timeoutMs: 0 }).catch(() => undefined);
    await politeness?.close().catch(() => undefined);
    throw error;
  }
  let scheduler: CrawlScheduler | undefined;
  const startScheduling = async () => {
    scheduler = createCrawlScheduler(app, { dispatch: async (source) => void (await enqueueSourceRun(queue, source.id, new Date())) });
    await scheduler.start();
    logger.info('this process is the crawl scheduler');
  };
  const stopScheduling = async () => {
    const was = scheduler;
    scheduler = undefined;
    await was?.stop();
  };
  const lock: SchedulerLock = await startSchedulerLock({
    connectionString: url,
    namespace: schema,
    logger,
    onAcquired: () => void startScheduling().catch((error: unknown) => logger.error({ err: error }, 'could not start scheduling')),
    onLost: (error) => {
      logger.warn({ err: error }, 'lost the scheduler lock; another process schedules now');
      void stopScheduling().catch((stopError: unknown) => logger.error({ err: stopError }, 'could not stop scheduling'));
    },
  });
  let stopping: Promise<void> | undefined;
  return {
    queue,
    isScheduler: () => lock.isHeld(),
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        await lock.release();
        await stopScheduling();
        await queue.stop({ graceful: true, timeoutMs: stopOptions.timeoutMs ?? STOP_TIMEOUT_MS });
        // Time fetches sat waiting for busy hosts: much of it says more workers would not help.
        if (politeness) logger.info({ hostSlots: politeness.readSlotWaits() }, 'host politeness: slots taken and waits');
        await politeness?.close();
      })();
      return stopping;
    },
  };
}
