/**
 * The crawlers' two ways to fetch, both through one host scheduler and one robots.txt cache:
 * - pages go through fetchPage (SSRF guard, limits, capture as evidence, conditional requests);
 * - resources (robots.txt, feeds, sitemaps) go through fetchPage too, accepting any type and
 *   without a capture (they are not evidence).
 */
import type { App } from '../src/app.ts';
import { FetchError } from '../src/errors.ts';
import { fetchPage, type FetchedPage } from '../src/fetch/index.ts';
import type { PageFetcher } from '../src/pipeline.ts';
import { createHostScheduler, hostSchedulerOptionsFromConfig, type HostScheduler } from './host-scheduler.ts';
import { createPoliteFetch } from './polite-fetch.ts';
import { RobotsCache, robotsOptionsFromConfig, type RobotsShare } from './robots.ts';
import type { FetchText, FetchTextResponse } from './types.ts';

const ANY_TYPE = '*/*';

type FetchConfig = App['config']['fetch'];

/**
 * Feeds, sitemaps and robots.txt: the same guarded fetcher as pages (SSRF guard, pinned DNS,
 * limits), any content type, no capture (they are not evidence). Resolves for any HTTP status.
 */
export function createResourceFetch(config: FetchConfig): FetchText {
  return async (url, init) => {
    const page = await fetchPage(url, {
      config,
      acceptTypes: [ANY_TYPE],
      ...(init?.signal ? { signal: init.signal } : {}),
      ...conditionalOf(init?.headers),
    });
    return { status: page.status, headers: page.headers, text: page.text, body: page.body, finalUrl: page.finalUrl };
  };
}

function conditionalOf(headers: Record<string, string> | undefined): { conditional?: { etag?: string; lastModified?: string } } {
  const etag = headers?.['if-none-match'];
  const lastModified = headers?.['if-modified-since'];
  return etag || lastModified ? { conditional: { etag, lastModified } } : {};
}

/** Everything a crawl process shares across its runs: one politeness state for all sources. */
export interface CrawlFetchers {
  /** Robots-checked, scheduled, captured page fetch for the pipeline. */
  page: PageFetcher;
  /** Robots-checked, scheduled fetch for feeds and sitemaps. */
  resource: FetchText;
  scheduler: HostScheduler;
  robots: RobotsCache;
}

export interface CrawlFetchersOptions {
  /** Keep every fetched page as a capture (default). Off only for diagnostics: matches then have no evidence. */
  capture?: boolean;
  /** Wraps the process's host scheduler (workers add the politeness shared across processes). */
  wrapScheduler?: (local: HostScheduler) => HostScheduler;
  /** robots.txt answers shared with the other processes (workers: crawlers/robots-store.ts). */
  robotsShare?: RobotsShare;
}

const shared = new WeakMap<App, CrawlFetchers>();

/**
 * The process's one set of crawl fetchers for an app: the scheduler's runs and the web app's
 * "run now" share its host scheduler and robots cache, so per-host politeness holds across both.
 */
export function sharedCrawlFetchers(app: App): CrawlFetchers {
  let fetchers = shared.get(app);
  if (!fetchers) shared.set(app, (fetchers = createCrawlFetchers(app)));
  return fetchers;
}

export function createCrawlFetchers(app: App, options: CrawlFetchersOptions = {}): CrawlFetchers {
  const local = createHostScheduler(hostSchedulerOptionsFromConfig(app.config.crawl), { logger: app.logger });
  const scheduler = options.wrapScheduler ? options.wrapScheduler(local) : local;
  const rawResource = createResourceFetch(app.config.fetch);
  // robots.txt itself runs under the scheduler too (polite-fetch skips the robots check for it).
  const robots = new RobotsCache(createPoliteFetch(rawResource, { scheduler }), {
    ...robotsOptionsFromConfig(app.config.crawl),
    logger: app.logger,
    ...(options.robotsShare ? { shared: options.robotsShare } : {}),
  });
  const resource = createPoliteFetch(rawResource, { scheduler, robots });

  // The scheduler only sees FetchTextResponses; the full FetchedPage (capture, notModified) rides along.
  const fetchedOf = new WeakMap<FetchTextResponse, FetchedPage>();
  const rawPage: FetchText = async (url, init) => {
    const page = await fetchPage(url, {
      config: app.config.fetch,
      ...(options.capture === false ? {} : { captureStore: app.captureStore }),
      logger: app.logger,
      ...(init?.signal ? { signal: init.signal } : {}),
      ...conditionalOf(init?.headers),
    });
    const response: FetchTextResponse = { status: page.status, headers: page.headers, text: page.text, finalUrl: page.finalUrl };
    fetchedOf.set(response, page);
    return response;
  };
  const politePage = createPoliteFetch(rawPage, { scheduler, robots });
  const page: PageFetcher = async (url, conditional, signal) => {
    const headers: Record<string, string> = {};
    if (conditional?.etag) headers['if-none-match'] = conditional.etag;
    if (conditional?.lastModified) headers['if-modified-since'] = conditional.lastModified;
    const response = await politePage(url, { headers, ...(signal ? { signal } : {}) });
    const fetched = fetchedOf.get(response);
    if (!fetched) throw new FetchError('connection', url, `no page for ${url}`);
    return fetched;
  };
  return { page, resource, scheduler, robots };
}
