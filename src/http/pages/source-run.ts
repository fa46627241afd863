import { sharedCrawlFetchers } from '../../../crawlers/fetch-adapter.ts';
import { isSourceRunning, runSource } from '../../../crawlers/run-source.ts';
import type { SourceRow } from '../../../db/sources.ts';
import type { App } from '../../app.ts';
import { ConflictError } from '../../errors.ts';

/**
 * "Run now" from the Sources page: one run of a source in the background, through the crawler
 * code the scheduler uses (runSource: the crawl run lease, resumable runs, the pipeline). The
 * request answers once the run holds its lease; the run's outcome is stored on its run row.
 */
export interface SourceRunner {
  /** Starts a run; ConflictError when a run of the source is already in progress here or elsewhere. */
  start(source: SourceRow): Promise<void>;
}

export function createSourceRunner(app: App): SourceRunner {
  const log = app.logger.child({ component: 'run-now' });
  return {
    async start(source) {
      if (isSourceRunning(source.id)) throw new ConflictError(`A run of "${source.name}" is already in progress; its outcome will appear under Last runs`, { sourceId: source.id });
      // The scheduler's own fetchers: one politeness state (host scheduler, robots cache) per process.
      const fetchers = sharedCrawlFetchers(app);
      let refusal: ConflictError | undefined;
      const work = runSource(app, source, { fetchers });
      work.then(
        (summary) => log.info({ source: source.name, runId: summary.runId, status: summary.status, pagesFetched: summary.pagesFetched }, 'run started from the web app finished'),
        (error: unknown) => {
          if (error instanceof ConflictError) refusal = error;
          else log.error({ err: error, source: source.name }, 'run started from the web app failed');
        },
      );
      // runSource claims the run lease before its first I/O, so a refusal (another process holds
      // the lease) has settled once the current microtasks have run.
      await new Promise((resolve) => setImmediate(resolve));
      if (refusal) throw new ConflictError(`${refusal.message}; try again when that run has finished`, refusal.details);
    },
  };
}
