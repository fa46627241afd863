/**
 * Wraps a FetchText with robots.txt and host politeness, so sitemap walks, feed polls and site
 * crawls all obey the same rules. The order matters and is easy to get wrong by hand:
 * 1. robots.txt check (not for /robots.txt itself), which also yields the host's Crawl-delay;
 * 2. the Crawl-delay is handed to the scheduler BEFORE scheduling (a Crawl-delay provider that
 *    fetched robots.txt through this same scheduler would wait on itself);
 * 3. the request runs under the scheduler; 408/429/5xx answers become retryable FetchErrors
 *    (with Retry-After), and when retries run out the last answer is returned as is, so the
 *    FetchText contract (resolve for every HTTP status) holds.
 */
import { FetchError, isRetryableStatus } from '../src/errors.ts';
import { parseRetryAfter, type HostScheduler } from './host-scheduler.ts';
import type { RobotsCache } from './robots.ts';
import type { FetchText, FetchTextResponse } from './types.ts';

export interface PoliteFetchDeps {
  scheduler: HostScheduler;
  /** Omit only for fetches that robots.txt does not govern (none in normal crawling). */
  robots?: RobotsCache;
  now?: () => number;
}

/** Carries a retryable answer through the scheduler so the last one can be returned. */
class RetryableStatusError extends FetchError {
  readonly response: FetchTextResponse;
  constructor(url: string, response: FetchTextResponse, retryAfterMs: number | undefined) {
    super('bad_status', url, `HTTP ${response.status}`, {
      status: response.status,
      retryable: true,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    this.response = response;
  }
}

function isRobotsTxt(url: string): boolean {
  try {
    return new URL(url).pathname === '/robots.txt';
  } catch {
    return false;
  }
}

export function createPoliteFetch(fetch: FetchText, deps: PoliteFetchDeps): FetchText {
  const now = deps.now ?? Date.now;
  return async (url, init) => {
    if (deps.robots && !isRobotsTxt(url)) {
      await deps.robots.assertAllowed(url);
      deps.scheduler.setCrawlDelayMs(url, await deps.robots.getCrawlDelayMs(url));
    }
    try {
      return await deps.scheduler.run(
        url,
        async () => {
          const res = await fetch(url, init);
          if (isRetryableStatus(res.status)) throw new RetryableStatusError(url, res, parseRetryAfter(res.headers['retry-after'], now()));
          return res;
        },
        init?.signal ? { signal: init.signal } : {},
      );
    } catch (error) {
      if (error instanceof RetryableStatusError) return error.response;
      throw error;
    }
  };
}
