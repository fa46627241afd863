import { and, count, eq, sql } from 'drizzle-orm';
import { changedRows, firstRow, lockTransactionScope, returnedRow } from './dialect.ts';
import type { Db } from './open-db.ts';
import { crawlRuns, crawlUrls, type CrawlRunRow } from './schema/crawl.ts';
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

/** Adds one page's figures to its run. Call in the page's write transaction. */
export async function addRunTallies(tx: Db, runId: number, t: RunTallies): Promise<void> {
  // Pages of one run are stored side by side: their figures and the run's end one at a time.
  await lockTransactionScope(tx, `crawl-run:${runId}`);
  const set = {
    pagesFetched: sql`${crawlRuns.pagesFetched} + ${t.pagesFetched}`,
    pagesUnchanged: sql`${crawlRuns.pagesUnchanged} + ${t.pagesUnchanged}`,
    pagesFailed: sql`${crawlRuns.pagesFailed} + ${t.pagesFailed}`,
    matchesFound: sql`${crawlRuns.matchesFound} + ${t.matchesFound}`,
    pagesRemoved: sql`${crawlRuns.pagesRemoved} + ${t.pagesRemoved}`,
  };
  if (t.errorReason === undefined) {
    await tx.update(crawlRuns).set(set).where(eq(crawlRuns.id, runId));
    return;
  }
  // The errors column is JSON: read, bump, write; the writer lock makes that safe across workers.
  const row = firstRow(await tx.select({ errors: crawlRuns.errors }).from(crawlRuns).where(eq(crawlRuns.id, runId)).limit(1));
  const errors = { ...row?.errors };
  errors[t.errorReason] = (errors[t.errorReason] ?? 0) + 1;
  await tx.update(crawlRuns).set({ ...set, errors }).where(eq(crawlRuns.id, runId));
}

/** URLs of the run with a visit recorded. */
export async function countRunVisits(db: Db, runId: number): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(crawlUrls).where(eq(crawlUrls.lastRunId, runId)))?.n ?? 0;
}

/** Ends a queued run once `expected` of its URLs have a visit; true when this call ended it. */
export async function finishQueuedRunIfDone(tx: Db, runId: number, expected: number, now: string): Promise<boolean> {
  if ((await countRunVisits(tx, runId)) < expected) return false;
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
