import type { HostPoliteness } from '../src/queue/host-politeness.ts';
import type { HostScheduler } from './host-scheduler.ts';

/**
 * Per-host politeness across every worker process. The process's own host scheduler still decides
 * retries, backoff and its own concurrency; each attempt then also holds one of the host's shared
 * slots (PostgreSQL advisory locks, src/queue/host-politeness.ts) for the request and the host's
 * delay after it, so the delay and per-host concurrency hold whichever workers fetch the host.
 */
export interface SharedHostSchedulerOptions {
  perHostConcurrency: number;
  /** Our own least pause between two requests to a host (ms). */
  minHostDelayMs: number;
  /** Largest robots.txt Crawl-delay honoured (ms). */
  maxCrawlDelayMs: number;
}

function hostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}

export function createSharedHostScheduler(local: HostScheduler, politeness: HostPoliteness, options: SharedHostSchedulerOptions): HostScheduler {
  const crawlDelays = new Map<string, number>();
  return {
    async run(url, task, runOptions) {
      const host = hostOf(url);
      return await local.run(
        url,
        async (attempt) => {
          const delayMs = Math.max(options.minHostDelayMs, crawlDelays.get(host) ?? 0);
          const slot = await politeness.acquireHostSlot(host, { concurrency: options.perHostConcurrency, delayMs, ...(runOptions?.signal ? { signal: runOptions.signal } : {}) });
          try {
            return await task(attempt);
          } finally {
            // Frees the slot once the delay has passed; the fetch's caller goes on at once.
            void slot.release();
          }
        },
        runOptions,
      );
    },
    setCrawlDelayMs(url, ms) {
      local.setCrawlDelayMs(url, ms);
      if (ms === undefined) crawlDelays.delete(hostOf(url));
      else crawlDelays.set(hostOf(url), Math.min(ms, options.maxCrawlDelayMs));
    },
    stats: () => local.stats(),
  };
}
