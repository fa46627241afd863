/**
 * Runs sources on their cron schedules (node-cron 4) inside `copyhound serve`. Never two runs of
 * one source at once: node-cron's noOverlap skips a tick while the previous run of that task is
 * busy, and runSource refuses a source already running in this process (a `crawl` started by hand
 * through the same scheduler, say). The schedule table is re-read periodically, so sources added,
 * changed or disabled through the CLI or API are picked up without a restart.
 */
import { setMaxListeners } from 'node:events';
import cron, { type ScheduledTask } from 'node-cron';
import { findSourceById, listSources } from '../db/sources.ts';
import type { App } from '../src/app.ts';
import { ConflictError } from '../src/errors.ts';
import { sharedCrawlFetchers, type CrawlFetchers } from './fetch-adapter.ts';
import { isSourceRunning, runSource, type RunSummary } from './run-source.ts';
import type { SourceRow } from '../db/schema/sources.ts';

// Sources changed by another process (CLI) are noticed within this long; one indexed query each time.
export const SOURCE_RELOAD_INTERVAL_MS = 30_000;

export interface CrawlScheduler {
  start(): Promise<void>;
  /** Re-reads the sources table and (re)schedules what changed. */
  reload(): Promise<void>;
  /** Stops scheduling, interrupts running runs (they resume on the next start) and waits for them. */
  stop(): Promise<void>;
  /** Source ids with a task scheduled. */
  scheduled(): number[];
}

export interface CrawlSchedulerOptions {
  reloadIntervalMs?: number;
  onRunFinished?: (summary: RunSummary) => void;
  /**
   * Hands a due source to the job queue instead of running it in this process (PostgreSQL with
   * workers: `copyhound worker`). Without it the scheduler runs the source itself.
   */
  dispatch?: (source: SourceRow) => Promise<void>;
}

export function createCrawlScheduler(app: App, options: CrawlSchedulerOptions = {}): CrawlScheduler {
  const tasks = new Map<number, { schedule: string; task: ScheduledTask }>();
  const running = new Set<Promise<unknown>>();
  const controller = new AbortController();
  // Every fetch of every run listens on this one signal.
  setMaxListeners(0, controller.signal);
  let fetchers: CrawlFetchers | undefined;
  let reloadTimer: NodeJS.Timeout | undefined;
  const log = app.logger.child({ component: 'scheduler' });
  // node-cron's own messages (mostly "tick skipped, still running") go to our log, not the console.
  const cronLogger = {
    info: (m: string) => log.debug(m),
    warn: (m: string) => log.debug(m),
    error: (m: string | Error, e?: Error) => log.error({ err: e ?? m }, String(m)),
    debug: (m: string | Error) => log.debug(String(m)),
  };

  async function tick(sourceId: number): Promise<void> {
    if (controller.signal.aborted) return;
    const source = await findSourceById(app.database.db, sourceId);
    if (!source || !source.enabled) return;
    if (options.dispatch) {
      await options.dispatch(source).catch((error: unknown) => log.error({ err: error, source: source.name }, 'could not queue the scheduled run'));
      return;
    }
    if (isSourceRunning(sourceId)) {
      log.info({ source: source.name }, 'previous run still busy; tick skipped');
      return;
    }
    fetchers ??= sharedCrawlFetchers(app);
    const work = runSource(app, source, { fetchers, signal: controller.signal });
    running.add(work);
    try {
      const summary = await work;
      options.onRunFinished?.(summary);
    } catch (error) {
      if (error instanceof ConflictError) log.info({ source: source.name }, 'source busy in another process; tick skipped');
      else log.error({ err: error, source: source.name }, 'scheduled run failed');
    } finally {
      running.delete(work);
    }
  }

  async function reload(): Promise<void> {
    if (controller.signal.aborted) return;
    const wanted = new Map<number, string>();
    for (const s of await listSources(app.database.db, { enabledOnly: true })) if (s.schedule) wanted.set(s.id, s.schedule);
    for (const [id, t] of tasks) {
      if (wanted.get(id) !== t.schedule) {
        void t.task.destroy();
        tasks.delete(id);
      }
    }
    for (const [id, schedule] of wanted) {
      if (tasks.has(id)) continue;
      const task = cron.schedule(schedule, async () => await tick(id), { name: `source-${id}`, noOverlap: true, logger: cronLogger });
      tasks.set(id, { schedule, task });
      log.info({ sourceId: id, schedule }, 'source scheduled');
    }
  }

  return {
    async start() {
      await reload();
      // A failed periodic re-read (the database busy, say) is logged; the next one tries again.
      reloadTimer = setInterval(() => reload().catch((error: unknown) => log.warn({ err: error }, 'could not re-read the sources; trying again at the next interval')), options.reloadIntervalMs ?? SOURCE_RELOAD_INTERVAL_MS);
      reloadTimer.unref();
    },
    reload,
    async stop() {
      clearInterval(reloadTimer);
      controller.abort(new Error('scheduler stopped'));
      for (const t of tasks.values()) await t.task.destroy();
      tasks.clear();
      await Promise.allSettled([...running]);
    },
    scheduled: () => [...tasks.keys()],
  };
}
