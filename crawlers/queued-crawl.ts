import { findRun, findUrlStates, listUrlsDoneInRun, saveRunProgress } from '../db/crawl-state.ts';
import { findFlaggedMatchesForUrl } from '../db/matches.ts';
import { addRunTallies, failQueuedRun, findPageJobContext, finishQueuedRunIfDone, QUEUE_RUN_OWNER, startQueuedRun, type RunTallies } from '../db/queued-crawl-runs.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import { findSourceById } from '../db/sources.ts';
import type { App } from '../src/app.ts';
import { ConflictError, FetchError } from '../src/errors.ts';
import { pageKeyOf, processPage, type PageOutcome } from '../src/pipeline.ts';
import type { CrawlQueue, PageFetchPayload, SourceRunPayload } from '../src/queue/crawl-queue.ts';
import { millisOfIso } from '../src/time/parse-date.ts';
import type { CrawlFetchers } from './fetch-adapter.ts';
import { DEFAULT_REVISIT_AFTER_MS, recheckOutcome, runSource } from './run-source.ts';
import { enumerateSource } from './source-types.ts';
import { judgeVisit, recordVisit } from './record-visit.ts';

/**
 * A crawl spread over the job queue. A `source-run` job reads the source (feed, sitemap, URL list,
 * watched URLs), records the run with the URLs to visit, and queues one `page-fetch` job per URL;
 * any worker then does any page, and the page's own transaction adds its figures to the run and
 * ends the run when it was the last. A site crawl discovers its pages as it reads them, so one
 * worker runs it whole (runSource), as `copyhound crawl` does.
 * A job that is run again (its worker died after the page was stored) finds the visit recorded and
 * stops: a page is stored once. A source run that is run again queues only the pages not yet done,
 * and the queue keeps one live job per URL.
 */
export interface QueuedCrawlDeps {
  app: App;
  queue: CrawlQueue;
  fetchers: CrawlFetchers;
}

/** Thrown when a page's fetch was cut short by the job's own end: the job is tried again. */
class InterruptedPageJob extends Error {
  readonly retryable = true;
}

function hostOf(url: string): string {
  return new URL(url).host.toLowerCase();
}

/** Queues a run of the source (the scheduler's tick, or "run now"); null when one is already queued or running. */
export async function enqueueSourceRun(queue: Pick<CrawlQueue, 'enqueue'>, sourceId: number, now: Date): Promise<string | null> {
  return await queue.enqueue('source-run', { sourceId, requestedAt: now.toISOString() });
}

export async function runSourceJob(deps: QueuedCrawlDeps, payload: SourceRunPayload, signal: AbortSignal): Promise<void> {
  const { app } = deps;
  const db = app.database.db;
  const log = app.logger.child({ sourceId: payload.sourceId });
  const source = await findSourceById(db, payload.sourceId);
  if (!source || !source.enabled) return log.info('queued run skipped: the source is gone or disabled');
  if (source.type === 'site') {
    try {
      await runSource(app, source, { fetchers: deps.fetchers, signal });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      log.info({ source: source.name }, 'site source busy elsewhere; run skipped');
    }
    return;
  }
  const now = () => new Date().toISOString();
  const started = await startQueuedRun(db, source.id, now());
  if (!started) return log.info({ source: source.name }, 'source is being crawled by a process of its own; run skipped');
  const { run } = started;
  let urls: string[];
  if (run.frontier?.kind === 'list') {
    const done = await listUrlsDoneInRun(db, run.id);
    urls = run.frontier.urls.filter((url) => !done.has(url));
  } else {
    let listed: string[];
    try {
      const frontier = await enumerateSource(source, { fetch: deps.fetchers.resource, config: app.config.crawl, db, signal, onProblem: (p) => log.warn(p, 'source problem') });
      listed = frontier.kind === 'list' ? frontier.urls : [];
    } catch (error) {
      if (signal.aborted) throw new InterruptedPageJob('source run interrupted');
      const reason = error instanceof FetchError ? error.reason : 'source_failed';
      await failQueuedRun(db, run.id, reason, `${source.url ?? source.name}: ${(error as Error).message}`, now());
      return log.warn({ reason, err: (error as Error).message }, 'queued run failed: source could not be read');
    }
    urls = await filterDue(app, source, listed);
    await saveRunProgress(db, run.id, { frontier: { kind: 'list', urls } });
  }
  if (urls.length === 0) {
    await finishQueuedRunIfDone(db, run.id, 0, 0, now());
    return;
  }
  // The whole frontier, not what is left of it: a resumed run's pages count the visits before.
  const runUrls = run.frontier?.kind === 'list' ? run.frontier.urls.length : urls.length;
  const queued = await deps.queue.enqueueMany(
    'page-fetch',
    urls.map((url) => ({ sourceId: source.id, runId: run.id, url, host: hostOf(url), runUrls })),
    { priorities: interleaveHosts(urls) },
  );
  log.info({ runId: run.id, urls: urls.length, queued }, 'queued run: pages queued');
}

/**
 * Job priorities that take the queued pages host by host in turn: a host's first page gets 0, its
 * second -1, and so on (pg-boss hands out the highest priority first, then the oldest). Without
 * them a source's pages would sit together in the queue and every worker would take pages of the
 * same host at once, only to wait for that host's politeness slot while other hosts sit idle.
 */
function interleaveHosts(urls: readonly string[]): number[] {
  const seen = new Map<string, number>();
  return urls.map((url) => {
    const host = hostOf(url);
    const n = seen.get(host) ?? 0;
    seen.set(host, n + 1);
    return -n;
  });
}

/** The URLs not visited within the source's revisit interval (a watched URL is always due). */
async function filterDue(app: App, source: SourceRow, urls: string[]): Promise<string[]> {
  if (source.type === 'watch') return urls;
  const revisitAfterMs = source.limits.revisitAfterMs ?? DEFAULT_REVISIT_AFTER_MS;
  const nowMs = Date.now();
  const due: string[] = [];
  const states = await findUrlStates(app.database.db, source.id, urls);
  for (const url of urls) {
    const state = states.get(url);
    const lastOk = state?.lastOkAt ? millisOfIso(state.lastOkAt) : null;
    if (lastOk === null || nowMs - lastOk >= revisitAfterMs) due.push(url);
  }
  return due;
}

function talliesOf(outcome: PageOutcome, provesRemoval: boolean): RunTallies {
  const t: RunTallies = { pagesFetched: 0, pagesUnchanged: 0, pagesFailed: 0, matchesFound: 0, pagesRemoved: 0 };
  if (provesRemoval) {
    t.pagesFetched = 1;
    t.pagesRemoved = 1;
  } else if (outcome.status === 'failed') {
    t.pagesFailed = 1;
    t.errorReason = outcome.reason;
  } else if (outcome.status === 'not_modified' || outcome.status === 'unchanged') t.pagesUnchanged = 1;
  else t.pagesFetched = 1;
  if (outcome.status === 'matched' || outcome.status === 'no_match') t.matchesFound = outcome.newMatches;
  return t;
}

/** The run's frontier size: carried by the job, or read from the run for jobs queued before it was. */
async function readRunUrls(app: App, payload: PageFetchPayload): Promise<number | undefined> {
  if (payload.runUrls !== undefined) return payload.runUrls;
  const run = await findRun(app.database.db, payload.runId);
  return run?.frontier?.kind === 'list' ? run.frontier.urls.length : undefined;
}

export async function runPageJob(deps: QueuedCrawlDeps, payload: PageFetchPayload, signal: AbortSignal): Promise<void> {
  const { app } = deps;
  const db = app.database.db;
  const url = payload.url;
  const context = await findPageJobContext(db, payload.runId, payload.sourceId, url);
  // The run ended (or was removed, or its source) since the job was queued: nothing left to do for it.
  if (!context || context.runStatus !== 'running' || context.runOwner !== QUEUE_RUN_OWNER) return;
  const expected = await readRunUrls(app, payload);
  if (expected === undefined) return;
  const { state } = context;
  const run = { id: payload.runId };
  const source = { id: payload.sourceId, type: context.sourceType, isOwnerFeed: context.isOwnerFeed };
  // A retried job whose page was stored before its worker died: done already.
  if (state?.lastRunId === run.id) return;
  const isWatch = source.type === 'watch';
  const flagged = isWatch ? await findFlaggedMatchesForUrl(db, pageKeyOf(url)) : [];
  const at = new Date().toISOString();
  await processPage(app, url, {
    fetch: deps.fetchers.page,
    ...(state?.etag || state?.lastModified ? { conditional: { ...(state.etag ? { etag: state.etag } : {}), ...(state.lastModified ? { lastModified: state.lastModified } : {}) } } : {}),
    ...(isWatch ? {} : { previousTextHash: state?.textHash ?? null }),
    ownerFeed: source.isOwnerFeed,
    recheck: isWatch,
    signal,
    commit: async (tx, outcome) => {
      if (outcome.status === 'failed' && signal.aborted) throw new InterruptedPageJob(`fetch of ${url} interrupted`);
      const judgement = judgeVisit(outcome, flagged.map((m) => ({ m, verdict: recheckOutcome(outcome, m.articleId, state?.textHash ?? null) })));
      // null: read above, and there was none (no second read in the transaction). Only the first
      // try to record the URL's visit in this run adds to the run's tallies, which tell its end.
      if (!(await recordVisit(tx, { sourceId: source.id, url, runId: run.id, at, outcome, state: state ?? null, onlyFirstInRun: true }, judgement))) return;
      const visits = await addRunTallies(tx, run.id, talliesOf(outcome, judgement.provesRemoval));
      if (await finishQueuedRunIfDone(tx, run.id, visits, expected, new Date().toISOString())) app.logger.info({ runId: run.id, sourceId: source.id }, 'queued run completed');
    },
  });
}
