/**
 * The crawlers' two ways to fetch, both through one host scheduler and one robots.txt cache:
 * - pages go through fetchPage (SSRF guard, limits, capture as evidence, conditional requests);
 * - resources (robots.txt, feeds, sitemaps) go through a small guarded GET here, because
 *   fetchPage refuses non-page types and they are not evidence. The same address guard and
 *   pinned DNS apply, redirects are re-checked hop by hop, bodies are capped and kept raw
 *   (`identity` is requested; the sitemap parser gunzips .xml.gz itself).
 */
import { request } from 'undici';
import type { App } from '../src/app.ts';
import { FetchError } from '../src/errors.ts';
import { assertUrlAllowed, decodeHtmlBytes, fetchPage, parseAllowList, resolveWithSystem, buildUserAgent, type FetchedPage } from '../src/fetch/index.ts';
import { toFetchError, DeadlineError } from '../src/fetch/error-mapping.ts';
import { createPinnedAgent } from '../src/fetch/pinned-agent.ts';
import type { PageFetcher } from '../src/pipeline.ts';
import { createHostScheduler, hostSchedulerOptionsFromConfig, type HostScheduler } from './host-scheduler.ts';
import { createPoliteFetch } from './polite-fetch.ts';
import { RobotsCache, robotsOptionsFromConfig } from './robots.ts';
import type { FetchText, FetchTextResponse } from './types.ts';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type FetchConfig = App['config']['fetch'];

/** A guarded GET for non-page resources; resolves for any HTTP status, rejects with FetchError. */
export function createResourceFetch(config: FetchConfig): FetchText {
  const allow = parseAllowList(config.allow);
  return async (url, init) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlineError(`no answer within ${config.totalTimeoutMs} ms`)), config.totalTimeoutMs);
    const onAbort = () => controller.abort(init?.signal?.reason ?? new Error('aborted'));
    if (init?.signal?.aborted) onAbort();
    else init?.signal?.addEventListener('abort', onAbort, { once: true });
    const pinned = createPinnedAgent({
      allow,
      resolve: resolveWithSystem,
      connectTimeoutMs: config.connectTimeoutMs,
      headersTimeoutMs: config.headersTimeoutMs,
      bodyIdleTimeoutMs: config.bodyIdleTimeoutMs,
      maxHeaderBytes: config.maxHeaderBytes,
    });
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const target = new URL(current);
        assertUrlAllowed(target, allow);
        const res = await request(target, {
          method: 'GET',
          dispatcher: pinned.agent,
          signal: controller.signal,
          headers: { 'user-agent': buildUserAgent(config), 'accept-encoding': 'identity', ...init?.headers },
        });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        if (REDIRECT_STATUSES.has(res.statusCode) && headers.location) {
          res.body.resume();
          if (hop >= config.maxRedirects) throw new FetchError('too_many_redirects', url, `more than ${config.maxRedirects} redirects`, { status: res.statusCode });
          current = new URL(headers.location, target).href;
          continue;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > config.maxBodyBytes) {
            res.body.destroy();
            throw new FetchError('too_large', url, `${current} is larger than ${config.maxBodyBytes} bytes`);
          }
          chunks.push(chunk as Buffer);
        }
        const body = Buffer.concat(chunks, size);
        return { status: res.statusCode, headers, text: decodeHtmlBytes(body, headers['content-type']).text, body, finalUrl: current };
      }
    } catch (error) {
      throw toFetchError(error, current, controller.signal);
    } finally {
      clearTimeout(timer);
      init?.signal?.removeEventListener('abort', onAbort);
      pinned.agent.destroy().catch(() => {});
    }
  };
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
}

export function createCrawlFetchers(app: App, options: CrawlFetchersOptions = {}): CrawlFetchers {
  const scheduler = createHostScheduler(hostSchedulerOptionsFromConfig(app.config.crawl), { logger: app.logger });
  const rawResource = createResourceFetch(app.config.fetch);
  // robots.txt itself runs under the scheduler too (polite-fetch skips the robots check for it).
  const robots = new RobotsCache(createPoliteFetch(rawResource, { scheduler }), { ...robotsOptionsFromConfig(app.config.crawl), logger: app.logger });
  const resource = createPoliteFetch(rawResource, { scheduler, robots });

  // The scheduler only sees FetchTextResponses; the full FetchedPage (capture, notModified) rides along.
  const fetchedOf = new WeakMap<FetchTextResponse, FetchedPage>();
  const rawPage: FetchText = async (url, init) => {
    const conditional = { etag: init?.headers?.['if-none-match'], lastModified: init?.headers?.['if-modified-since'] };
    const page = await fetchPage(url, {
      config: app.config.fetch,
      ...(options.capture === false ? {} : { captureStore: app.captureStore }),
      logger: app.logger,
      ...(init?.signal ? { signal: init.signal } : {}),
      ...(conditional.etag || conditional.lastModified ? { conditional } : {}),
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
