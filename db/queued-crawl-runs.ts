import { and, eq, sql } from 'drizzle-orm';
import { changedRows, firstRow, returnedRow } from './dialect.ts';
import type { Db } from './open-db.ts';
import { prepared } from './prepared.ts';
import { crawlRuns, crawlUrls, type CrawlRunRow, type CrawlUrlRow } from './schema/crawl.ts';
import { sources } from './schema/sources.ts';
import { writeTransaction } from './write-transaction.ts';

/**
 * Crawl runs spread over the job queue (PostgreSQL, `copyhound worker`): the run's row is shared
 * by every worker doing one of its pages, so its figures are added to in each page's transaction
 * rather than kept by one process, and the run ends when as many of its URLs have a visit as its
 * frontier lists. Such runs are held by QUEUE_RUN_OWNER instead of a process's lease.
 */
export const QUEUE_RUN_OWNER = 'queue';

export interface RunTallies {
  pagesFetched: number;
  pagesUnchanged: number;
  pagesFailed: number;
  matchesFound: number;
  pagesRemoved: number;
  /** A failure's reason, counted in the run's errors. */
  errorReason?: string;
}

/** What a page job needs to know before it fetches: its run, its source and the URL's last visit. */
export interface PageJobContext {
  runStatus: string;
  runOwner: string | null;
  sourceType: string;
  isOwnerFeed: boolean;
  /** The URL's crawl state in the source; undefined before its first visit. */
  state: CrawlUrlRow | undefined;
}

/**
 * One read for the page job's three questions (is the run still going, what the source is, when the
 * URL was last visited): every page of a crawl asks them, and a round trip costs more than the rows.
 * Undefined when the run or its source is gone.
 */
export async function findPageJobContext(db: Db, runId: number, sourceId: number, url: string): Promise<PageJobContext | undefined> {
  const row = await prepared(db, 'findPageJobContext', (d) =>
    d
      .select({ runStatus: crawlRuns.status, runOwner: crawlRuns.leaseOwner, sourceType: sources.type, isOwnerFeed: sources.isOwnerFeed, state: crawlUrls })
      .from(crawlRuns)
      .innerJoin(sources, eq(sources.id, crawlRuns.sourceId))
      .leftJoin(crawlUrls, and(eq(crawlUrls.sourceId, crawlRuns.sourceId), eq(crawlUrls.url, sql.placeholder('url'))))
      .where(and(eq(crawlRuns.id, sql.placeholder('runId')), eq(crawlRuns.sourceId, sql.placeholder('sourceId')))),
  ).get({ runId, sourceId, url });
  if (!row) return undefined;
  return { runStatus: row.runStatus, runOwner: row.runOwner, sourceType: row.sourceType, isOwnerFeed: row.isOwnerFeed, state: row.state ?? undefined };
}

/**
 * The source's queued run to go on with, or a new one. Undefined when a process (`copyhound
 * crawl`, or `serve` on its own) is running the source itself.
 */
export async function startQueuedRun(db: Db, sourceId: number, now: string): Promise<{ run: CrawlRunRow; resumed: boolean } | undefined> {
  return await writeTransaction(db, async (tx) => {
    const unfinished = firstRow(await tx.select().from(crawlRuns).where(and(eq(crawlRuns.sourceId, sourceId), eq(crawlRuns.status, 'running'))).limit(1));
    if (unfinished) return unfinished.leaseOwner === QUEUE_RUN_OWNER ? { run: unfinished, resumed: true } : undefined;
    const run = returnedRow(
      await tx
        .insert(crawlRuns)
        .values({ sourceId, status: 'running', startedAt: now, pagesFetched: 0, pagesUnchanged: 0, pagesFailed: 0, matchesFound: 0, errors: {}, leaseOwner: QUEUE_RUN_OWNER, leaseUntil: null })
        .returning(),
    );
    return { run, resumed: false };
  });
}

/**
 * Adds one page's figures to its run and answers the run's visits so far (every page adds one to
 * exactly one of fetched, unchanged or failed). Call in the page's write transaction. The UPDATE
 * locks the run's row until that transaction ends, so pages of one run add their figures one at
 * a time and each reads a total that includes every page committed before it: the page that
 * completes the run sees that it did. (A count of the run's visits would not: two pages
 * committing together would each miss the other's uncommitted row.)
 */
export async function addRunTallies(tx: Db, runId: number, t: RunTallies): Promise<number> {
  const totals = firstRow(
    await tx
      .update(crawlRuns)
      .set({
        pagesFetched: sql`${crawlRuns.pagesFetched} + ${t.pagesFetched}`,
        pagesUnchanged: sql`${crawlRuns.pagesUnchanged} + ${t.pagesUnchanged}`,
        pagesFailed: sql`${crawlRuns.pagesFailed} + ${t.pagesFailed}`,
        matchesFound: sql`${crawlRuns.matchesFound} + ${t.matchesFound}`,
        pagesRemoved: sql`${crawlRuns.pagesRemoved} + ${t.pagesRemoved}`,
      })
      .where(eq(crawlRuns.id, runId))
      .returning({ fetched: crawlRuns.pagesFetched, unchanged: crawlRuns.pagesUnchanged, failed: crawlRuns.pagesFailed, errors: crawlRuns.errors }),
  );
  // The run was removed meanwhile: nothing to add to, nothing to end.
  if (!totals) return 0;
  if (t.errorReason !== undefined) {
    // The errors column is JSON: read (above, under the row's lock), bump, write.
    const errors = { ...totals.errors };
    errors[t.errorReason] = (errors[t.errorReason] ?? 0) + 1;
    await tx.update(crawlRuns).set({ errors }).where(eq(crawlRuns.id, runId));
  }
  return totals.fetched + totals.unchanged + totals.failed;
}

/** Ends a queued run once its visits reach the `expected` URLs of its frontier; true when this call ended it. */
export async function finishQueuedRunIfDone(tx: Db, runId: number, visits: number, expected: number, now: string): Promise<boolean> {
  if (visits < expected) return false;
  const ended = await tx
    .update(crawlRuns)
    .set({ status: 'completed', finishedAt: now, leaseOwner: null })
    .where(and(eq(crawlRuns.id, runId), eq(crawlRuns.status, 'running'), eq(crawlRuns.leaseOwner, QUEUE_RUN_OWNER)));
  return changedRows(ended) === 1;
}

/** Ends a queued run that could not start (its source could not be read). */
export async function failQueuedRun(db: Db, runId: number, reason: string, message: string, now: string): Promise<void> {
  await db
    .update(crawlRuns)
    .set({ status: 'failed', finishedAt: now, message, errors: { [reason]: 1 }, leaseOwner: null })
    .where(and(eq(crawlRuns.id, runId), eq(crawlRuns.leaseOwner, QUEUE_RUN_OWNER)));
}
