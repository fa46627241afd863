/**
 * The orchestrator for one run of one source: enumerate (or resume) → fetch each page politely
 * through the pipeline → record the visit → finish with counters. Boring on purpose: every
 * decision is stored on rows (crawl_runs, crawl_urls), so a killed process resumes where it was:
 * URLs a run already visited are skipped, a site crawl's new links and the page's "done" mark are
 * written in the page's own transaction (crawl_frontier rows), and matches
 * are unique per (page, article), so nothing is fetched twice after it was stored and no match is
 * duplicated.
 */
import { finishRun, findUrlState, listUrlsDoneInRun, addFrontierEntries, markFrontierDone, listFrontier, saveRunCounters, saveRunProgress, type CrawlRunRow, type CrawlUrlRow, type RunCounters, type RunFrontier, type UrlStatus } from '../db/crawl-state.ts';
import { findFlaggedMatchesForUrl } from '../db/matches.ts';
import { millisOfIso } from '../src/time/parse-date.ts';
import type { Db } from '../db/open-db.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { RecheckOutcome } from '../db/schema/matches.ts';
import type { App } from '../src/app.ts';
import { ConflictError, FetchError } from '../src/errors.ts';
import { pageKeyOf, processPage, type PageOutcome } from '../src/pipeline.ts';
import { createCrawlFetchers, type CrawlFetchers } from './fetch-adapter.ts';
import { claimRunLease, type RunLease } from './run-lease.ts';
import { discoverLinks, SiteFrontier, type FrontierOptions, type FrontierState } from './site.ts';
import { enumerateSource, siteFrontierOptions } from './source-types.ts';
import { judgeVisit, recordVisit } from './record-visit.ts';
import { tryNormaliseUrl } from './url-normalise.ts';

// Feeds and sitemaps are re-read every run, but a page fetched fine this recently is not fetched
// again: articles rarely change within hours, and a sitemap of 50,000 URLs on an hourly schedule
// would otherwise refetch everything every hour. Per-source limits.revisitAfterMs overrides it.
export const DEFAULT_REVISIT_AFTER_MS = 12 * 60 * 60 * 1000;
// 404 and 410 prove a page is gone (a 5xx or timeout proves nothing).
const REMOVED_STATUSES = new Set([404, 410]);

export interface RunProgress {
  done: number;
  /** Known for list sources; grows as a site crawl discovers pages. */
  total: number;
  url: string;
  status: UrlStatus | 'skipped';
}

export interface RunSourceOptions {
  /** Told the run's id once this process holds the run (before any page is fetched). */
  onClaimed?: (runId: number) => void;
  fetchers?: CrawlFetchers;
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
  now?: () => Date;
}

export interface RunSummary extends RunCounters {
  runId: number;
  sourceId: number;
  name: string;
  status: 'completed' | 'failed' | 'aborted';
  resumed: boolean;
  /** Skipped because fetched recently (revisit interval) or already done before a resume. */
  pagesSkipped: number;
  message?: string;
}

/** Sources with a run in progress in this process: never two runs of one source at once. */
const activeSources = new Set<number>();
export function isSourceRunning(sourceId: number): boolean {
  return activeSources.has(sourceId);
}

class InterruptedVisit extends Error {}

/**
 * The site frontier of a run: rebuilt from its rows (pending ones queued again, in the order they
 * were accepted), or seeded from the enumerated start state on the run's first page.
 */
async function loadSiteFrontier(db: Db, runId: number, seed: FrontierState | undefined, options: FrontierOptions): Promise<SiteFrontier> {
  const rows = await listFrontier(db, runId);
  if (rows.length === 0) {
    const site = seed ? SiteFrontier.fromJSON(seed, options) : new SiteFrontier(options);
    await addFrontierEntries(db, runId, site.toJSON().queue);
    return site;
  }
  const queryVariants: Record<string, number> = {};
  for (const r of rows) {
    const q = r.url.indexOf('?');
    if (q !== -1) queryVariants[r.url.slice(0, q)] = (queryVariants[r.url.slice(0, q)] ?? 0) + 1;
  }
  return SiteFrontier.fromJSON(
    {
      version: 1,
      queue: rows.filter((r) => !r.done).map((r) => ({ url: r.url, depth: r.depth })),
      seen: rows.map((r) => r.url),
      taken: rows.filter((r) => r.done).length,
      queryVariants,
      rejected: {},
    },
    options,
  );
}

function bump(errors: Record<string, number>, reason: string): void {
  errors[reason] = (errors[reason] ?? 0) + 1;
}

export function recheckOutcome(outcome: PageOutcome, articleId: string, previousTextHash: string | null): RecheckOutcome | undefined {
  if (outcome.status === 'failed') return outcome.httpStatus !== undefined && REMOVED_STATUSES.has(outcome.httpStatus) ? 'removed' : undefined;
  if (outcome.status === 'not_modified' || outcome.status === 'unchanged') return 'still_present';
  if (outcome.status === 'owned') return undefined;
  if (!outcome.matches.some((m) => m.articleId === articleId)) return 'removed';
  return outcome.textHash === previousTextHash ? 'still_present' : 'changed';
}

export async function runSource(app: App, source: SourceRow, options: RunSourceOptions = {}): Promise<RunSummary> {
  if (activeSources.has(source.id)) throw new ConflictError(`Source "${source.name}" is already being crawled`, { sourceId: source.id });
  activeSources.add(source.id);
  try {
    return await runLocked(app, source, options);
  } finally {
    activeSources.delete(source.id);
  }
}

async function runLocked(app: App, source: SourceRow, options: RunSourceOptions): Promise<RunSummary> {
  const fetchers = options.fetchers ?? createCrawlFetchers(app);

  const held = await claimRunLease(app, source, () => options.now?.() ?? new Date());
  if (!held) throw new ConflictError(`Source "${source.name}" is being crawled by another process`, { sourceId: source.id });
  options.onClaimed?.(held.run.id);
  const signal = options.signal ? AbortSignal.any([options.signal, held.lost]) : held.lost;
  try {
    return await crawlClaimed(app, source, { ...options, signal }, held.run, held.resumed, fetchers, held.lease);
  } finally {
    // Finished runs keep no lease; interrupted ones are free for the next process to resume.
    await held.release();
  }
}

async function crawlClaimed(app: App, source: SourceRow, options: RunSourceOptions, run: CrawlRunRow, resumed: boolean, fetchers: CrawlFetchers, lease: RunLease): Promise<RunSummary> {
  const db = app.database.db;
  const now = () => (options.now?.() ?? new Date()).toISOString();
  const log = app.logger.child({ source: source.name, sourceId: source.id });
  const unfinished = resumed ? run : undefined;
  const counters: RunCounters = {
    pagesFetched: run.pagesFetched,
    pagesUnchanged: run.pagesUnchanged,
    pagesFailed: run.pagesFailed,
    matchesFound: run.matchesFound,
    pagesRemoved: run.pagesRemoved,
    errors: { ...run.errors },
  };
  let pagesSkipped = 0;
  const summary = (status: RunSummary['status'], message?: string): RunSummary => ({
    runId: run.id,
    sourceId: source.id,
    name: source.name,
    status,
    resumed: unfinished !== undefined,
    pagesSkipped,
    ...counters,
    ...(message ? { message } : {}),
  });
  log.info({ runId: run.id, resumed: unfinished !== undefined }, unfinished ? 'crawl run resumed' : 'crawl run started');

  let frontier: RunFrontier | null = run.frontier;
  if (!frontier) {
    try {
      frontier = await enumerateSource(source, {
        fetch: fetchers.resource,
        config: app.config.crawl,
        db,
        ...(options.signal ? { signal: options.signal } : {}),
        onProblem: (p) => log.warn(p, 'source problem'),
      });
    } catch (error) {
      if (options.signal?.aborted) return summary('aborted');
      const reason = error instanceof FetchError ? error.reason : 'source_failed';
      bump(counters.errors, reason);
      const message = `${source.url ?? source.name}: ${(error as Error).message}`;
      await finishRun(db, run.id, lease.owner, 'failed', counters, now(), message);
      log.warn({ reason, err: (error as Error).message }, 'crawl run failed: source could not be read');
      return summary('failed', message);
    }
    await saveRunProgress(db, run.id, { frontier });
  }

  const done = await listUrlsDoneInRun(db, run.id);
  const revisitAfterMs = source.limits.revisitAfterMs ?? DEFAULT_REVISIT_AFTER_MS;
  const isWatch = source.type === 'watch';
  let doneCount = 0;

  /** Visits one URL; `extra` runs inside the same transaction (the site frontier save). Returns the recorded status. */
  async function visit(url: string, state: CrawlUrlRow | undefined, extra?: (db: Db, outcome: PageOutcome) => Promise<void>): Promise<UrlStatus | 'skipped'> {
    const flagged = isWatch ? await findFlaggedMatchesForUrl(db, pageKeyOf(url)) : [];
    // Site crawls need every body for its links, so they never ask for a 304.
    const usesValidators = frontier!.kind === 'list';
    const at = now();
    try {
      const outcome = await processPage(app, url, {
        fetch: fetchers.page,
        ...(usesValidators && (state?.etag || state?.lastModified)
          ? { conditional: { ...(state.etag ? { etag: state.etag } : {}), ...(state.lastModified ? { lastModified: state.lastModified } : {}) } }
          : {}),
        ...(isWatch ? {} : { previousTextHash: state?.textHash ?? null }),
        ownerFeed: source.isOwnerFeed,
        recheck: isWatch,
        ...(options.signal ? { signal: options.signal } : {}),
        commit: async (tx, outcome) => {
          // A fetch cut short by our own shutdown is not a visit: the resumed run must do it.
          if (outcome.status === 'failed' && options.signal?.aborted) throw new InterruptedVisit();
          // A 404/410 that proves a flagged copy gone is the answer a re-check looks for: the page
          // was fetched and read, so it is counted as removed, never as a failure.
          const judgement = judgeVisit(outcome, flagged.map((m) => ({ m, verdict: recheckOutcome(outcome, m.articleId, state?.textHash ?? null) })));
          const { provesRemoval } = judgement;
          if (provesRemoval) {
            counters.pagesFetched++;
            counters.pagesRemoved++;
          } else if (outcome.status === 'failed') {
            counters.pagesFailed++;
            bump(counters.errors, outcome.reason);
          } else if (outcome.status === 'not_modified' || outcome.status === 'unchanged') counters.pagesUnchanged++;
          else counters.pagesFetched++;
          if (outcome.status === 'matched' || outcome.status === 'no_match') counters.matchesFound += outcome.newMatches;
          await recordVisit(tx, { sourceId: source.id, url, runId: run.id, at, outcome, state }, judgement);
          await extra?.(tx, outcome);
          if (!await saveRunCounters(tx, run.id, lease.owner, counters)) {
            // Taken over: roll this page's bookkeeping back; the run's new holder does the page.
            lease.lose();
            throw new InterruptedVisit();
          }
        },
      });
      return outcome.status;
    } catch (error) {
      if (!(error instanceof InterruptedVisit)) throw error;
      return 'skipped';
    }
  }

  const aborted = () => options.signal?.aborted === true;
  const concurrency = Math.max(1, app.config.crawl.globalConcurrency);

  if (frontier.kind === 'list') {
    const urls = frontier.urls;
    let next = 0;
    const worker = async () => {
      while (!aborted()) {
        const i = next++;
        if (i >= urls.length) return;
        const url = urls[i];
        let status: RunProgress['status'] = 'skipped';
        const state = done.has(url) ? undefined : await findUrlState(db, source.id, url);
        const lastOk = state?.lastOkAt ? millisOfIso(state.lastOkAt) : null;
        const fresh = lastOk !== null && (millisOfIso(now()) ?? 0) - lastOk < revisitAfterMs;
        if (done.has(url) || (fresh && !isWatch)) pagesSkipped++;
        else status = await visit(url, state);
        options.onProgress?.({ done: ++doneCount, total: urls.length, url, status });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
  } else {
    const siteOptions = siteFrontierOptions(app.config.crawl, source);
    const site = await loadSiteFrontier(db, run.id, frontier.state as FrontierState | undefined, siteOptions);
    let sleepers: (() => void)[] = [];
    let inFlight = 0;
    const worker = async () => {
      while (!aborted()) {
        const entry = site.next();
        if (!entry) {
          if (inFlight === 0) return;
          // Another worker's page may add links: wait for it.
          await new Promise<void>((r) => sleepers.push(r));
          continue;
        }
        inFlight++;
        let status: RunProgress['status'] = 'skipped';
        try {
          if (done.has(entry.url)) {
            pagesSkipped++;
          } else {
            status = await visit(entry.url, await findUrlState(db, source.id, entry.url), async (tx, outcome) => {
              if (outcome.status !== 'failed' && outcome.status !== 'not_modified' && outcome.html && entry.depth < siteOptions.maxDepth) {
                const links = discoverLinks(outcome.html, entry.url, { includeWww: siteOptions.includeWww, dropQuery: siteOptions.dropQuery, extraStripParams: siteOptions.extraStripParams });
                const norm = { dropQuery: siteOptions.dropQuery, extraStripParams: siteOptions.extraStripParams };
                const queued: { url: string; depth: number }[] = [];
                for (const link of links) {
                  // The frontier stores URLs in normalised form; so does its table.
                  if (site.add(link, entry.depth + 1) === 'queued') queued.push({ url: tryNormaliseUrl(link, norm) ?? link, depth: entry.depth + 1 });
                }
                await addFrontierEntries(tx, run.id, queued);
              }
              await markFrontierDone(tx, run.id, entry.url);
            });
          }
        } finally {
          inFlight--;
          const woken = sleepers;
          sleepers = [];
          for (const w of woken) w();
        }
        options.onProgress?.({ done: ++doneCount, total: doneCount + site.pending + inFlight, url: entry.url, status });
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  if (aborted()) {
    log.info({ runId: run.id, ...counters }, 'crawl run interrupted; the next run resumes it');
    return summary('aborted');
  }
  if (!await finishRun(db, run.id, lease.owner, 'completed', counters, now())) {
    lease.lose();
    return summary('aborted', 'the run was taken over by another process');
  }
  log.info({ runId: run.id, ...counters, pagesSkipped }, 'crawl run completed');
  return summary('completed');
}
