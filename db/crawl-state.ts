import { changedRows, firstRow, returnedRow } from './dialect.ts';
import { and, desc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { prepared } from './prepared.ts';
import { writeTransaction } from './write-transaction.ts';
import { crawlFrontier, crawlRuns, crawlUrls, type CrawlRunRow, type CrawlUrlRow, type RunFrontier, type UrlStatus } from './schema/crawl.ts';

/** Queries for crawl runs and per-URL crawl state. Plain drizzle, no SQLite-only SQL. */

export type { CrawlRunRow, CrawlUrlRow, RunFrontier, UrlStatus };

export interface RunCounters {
  pagesFetched: number;
  pagesUnchanged: number;
  pagesFailed: number;
  matchesFound: number;
  /** Watch sources: pages whose 404/410 proved a flagged copy removed (also in pagesFetched). */
  pagesRemoved: number;
  errors: Record<string, number>;
}

export async function startRun(db: Db, sourceId: number, now: string): Promise<CrawlRunRow> {
  return returnedRow(await db
    .insert(crawlRuns)
    .values({ sourceId, status: 'running', startedAt: now, pagesFetched: 0, pagesUnchanged: 0, pagesFailed: 0, matchesFound: 0, errors: {} })
    .returning());
}

/** A run left `running` (its process was killed): the next run of the source resumes it. */
export async function findUnfinishedRun(db: Db, sourceId: number): Promise<CrawlRunRow | undefined> {
  return firstRow(await db
    .select()
    .from(crawlRuns)
    .where(and(eq(crawlRuns.sourceId, sourceId), eq(crawlRuns.status, 'running')))
    .orderBy(desc(crawlRuns.id)).limit(1));
}

export async function findRun(db: Db, id: number): Promise<CrawlRunRow | undefined> {
  return firstRow(await db.select().from(crawlRuns).where(eq(crawlRuns.id, id)).limit(1));
}

export async function listRuns(db: Db, sourceId: number, limit: number): Promise<CrawlRunRow[]> {
  return (await db.select().from(crawlRuns).where(eq(crawlRuns.sourceId, sourceId)).orderBy(desc(crawlRuns.id)).limit(limit));
}

export async function saveRunProgress(db: Db, runId: number, progress: Partial<RunCounters> & { frontier?: RunFrontier }): Promise<void> {
  await db.update(crawlRuns).set(progress).where(eq(crawlRuns.id, runId));
}

/**
 * The per-page counter update (the hot path of a crawl), only while `owner` holds the run's lease.
 * Returns false when another process has taken the run over: the caller must stop, its counters
 * are stale.
 */
export async function saveRunCounters(db: Db, runId: number, owner: string, c: RunCounters): Promise<boolean> {
  return (await prepared(db, 'saveRunCounters', (d) =>
    d
      .update(crawlRuns)
      .set({
        pagesFetched: sql`${sql.placeholder('pagesFetched')}`,
        pagesUnchanged: sql`${sql.placeholder('pagesUnchanged')}`,
        pagesFailed: sql`${sql.placeholder('pagesFailed')}`,
        matchesFound: sql`${sql.placeholder('matchesFound')}`,
        pagesRemoved: sql`${sql.placeholder('pagesRemoved')}`,
        errors: sql`${sql.placeholder('errors')}`,
      })
      .where(and(eq(crawlRuns.id, sql.placeholder('runId')), eq(crawlRuns.leaseOwner, sql.placeholder('owner')))),
  ).run({ runId, owner, pagesFetched: c.pagesFetched, pagesUnchanged: c.pagesUnchanged, pagesFailed: c.pagesFailed, matchesFound: c.matchesFound, pagesRemoved: c.pagesRemoved, errors: JSON.stringify(c.errors) })) === 1;
}

/** Ends the run, only while `owner` holds its lease (a run taken over is the new holder's to end). */
export async function finishRun(db: Db, runId: number, owner: string, status: 'completed' | 'failed', counters: RunCounters, now: string, message?: string): Promise<boolean> {
  return (
    changedRows(await db.update(crawlRuns)
      .set({ ...counters, status, finishedAt: now, message: message ?? null })
      .where(and(eq(crawlRuns.id, runId), eq(crawlRuns.leaseOwner, owner)))) === 1
  );
}

export async function findUrlState(db: Db, sourceId: number, url: string): Promise<CrawlUrlRow | undefined> {
  return (await prepared(db, 'findUrlState', (d) =>
    d
      .select()
      .from(crawlUrls)
      .where(and(eq(crawlUrls.sourceId, sql.placeholder('sourceId')), eq(crawlUrls.url, sql.placeholder('url')))),
  ).get({ sourceId, url }));
}

/** URLs a run has already visited (stored before the process stopped). */
export async function listUrlsDoneInRun(db: Db, runId: number): Promise<Set<string>> {
  return new Set(
    (await db
      .select({ url: crawlUrls.url })
      .from(crawlUrls)
      .where(eq(crawlUrls.lastRunId, runId)))
      .map((r) => r.url),
  );
}

export interface UrlVisit {
  sourceId: number;
  url: string;
  runId: number;
  at: string;
  status: UrlStatus;
  /** True when the server gave a usable answer (2xx or 304). */
  ok: boolean;
  etag?: string | null;
  lastModified?: string | null;
  textHash?: string | null;
  failureReason?: string | null;
  captureId?: number | null;
  /**
   * Record it only if the URL has no visit in this run yet (a queued page job: two tries of one job
   * may overlap when a lease ran out while the first still ran). The row's lock decides which.
   */
  onlyFirstInRun?: boolean;
}

/**
 * Records one visit; validators and the text hash are kept from before when the visit had none.
 * `before` is the state the caller read before the visit (one source runs in one process at once).
 */
// URLs per lookup in findUrlStates: well under SQLite's 32,766 bound variables and PostgreSQL's 65,535.
const URL_STATES_BATCH = 500;

/** The crawl state of each of the source's `urls` that has one, by URL (one query per 500 URLs). */
export async function findUrlStates(db: Db, sourceId: number, urls: readonly string[]): Promise<Map<string, CrawlUrlRow>> {
  const found = new Map<string, CrawlUrlRow>();
  for (let at = 0; at < urls.length; at += URL_STATES_BATCH) {
    const batch = urls.slice(at, at + URL_STATES_BATCH);
    for (const row of await db.select().from(crawlUrls).where(and(eq(crawlUrls.sourceId, sourceId), inArray(crawlUrls.url, batch)))) found.set(row.url, row);
  }
  return found;
}

/** Answers whether the visit was recorded (false only with onlyFirstInRun, when the run had one). */
export async function recordUrlVisit(db: Db, v: UrlVisit, given?: CrawlUrlRow | null): Promise<boolean> {
  // null: the caller read it and there was none; undefined: not read yet.
  const before = given === undefined ? await findUrlState(db, v.sourceId, v.url) : (given ?? undefined);
  const row = {
    lastRunId: v.runId,
    lastFetchedAt: v.at,
    lastOkAt: v.ok ? v.at : (before?.lastOkAt ?? null),
    etag: v.ok ? (v.etag ?? before?.etag ?? null) : (before?.etag ?? null),
    lastModified: v.ok ? (v.lastModified ?? before?.lastModified ?? null) : (before?.lastModified ?? null),
    textHash: v.textHash ?? before?.textHash ?? null,
    status: v.status,
    failureReason: v.failureReason ?? null,
    // Consecutive failed visits; a usable answer resets it.
    attempts: v.ok ? 0 : (before?.attempts ?? 0) + 1,
    captureId: v.captureId ?? before?.captureId ?? null,
  };
  if (before) {
    // Under the row's lock a second writer's WHERE is checked again against the first's commit.
    const firstInRun = v.onlyFirstInRun ? or(isNull(crawlUrls.lastRunId), ne(crawlUrls.lastRunId, v.runId)) : undefined;
    return changedRows(await db.update(crawlUrls).set(row).where(and(eq(crawlUrls.id, before.id), firstInRun))) > 0;
  }
  // A second insert of the URL fails on its unique key: that try is rolled back and tried again.
  await db.insert(crawlUrls).values({ sourceId: v.sourceId, url: v.url, ...row });
  return true;
}

export interface RunClaim {
  run: CrawlRunRow;
  resumed: boolean;
}

/**
 * Claims the source's unfinished run (or starts one) for `owner`, in one immediate transaction so
 * two processes cannot both claim it. Returns undefined when another live owner holds the lease;
 * `isOwnerGone` lets the caller declare a holder dead (a killed process on this host) at once.
 */
export type LeaseHolderState = 'alive' | 'gone' | 'unknown';

export async function claimRun(db: Db, sourceId: number, owner: string, now: string, leaseUntil: string, holderState: (owner: string) => LeaseHolderState): Promise<RunClaim | undefined> {
  return writeTransaction(
    db,
    async (t) => {
      const unfinished = await findUnfinishedRun(t, sourceId);
      if (unfinished) {
        const holder = unfinished.leaseOwner;
        if (holder !== null && holder !== owner) {
          // A holder alive on this host keeps its run even past its lease (it may be slow, never
          // doubled); a dead one loses it at once; one elsewhere, once its lease has run out.
          const state = holderState(holder);
          const expired = unfinished.leaseUntil === null || unfinished.leaseUntil <= now;
          if (state === 'alive' || (state === 'unknown' && !expired)) return undefined;
        }
        await t.update(crawlRuns).set({ leaseOwner: owner, leaseUntil }).where(eq(crawlRuns.id, unfinished.id));
        return { run: { ...unfinished, leaseOwner: owner, leaseUntil }, resumed: true };
      }
      const run = returnedRow(await t
        .insert(crawlRuns)
        .values({ sourceId, status: 'running', startedAt: now, pagesFetched: 0, pagesUnchanged: 0, pagesFailed: 0, matchesFound: 0, errors: {}, leaseOwner: owner, leaseUntil })
        .returning());
      return { run, resumed: false };
    },
  );
}

/** Extends the lease; false when `owner` no longer holds it. */
export async function renewLease(db: Db, runId: number, owner: string, leaseUntil: string): Promise<boolean> {
  return changedRows(await db.update(crawlRuns).set({ leaseUntil }).where(and(eq(crawlRuns.id, runId), eq(crawlRuns.leaseOwner, owner)))) === 1;
}

/** Gives the run up (interrupted): the next process may resume it at once. */
export async function releaseLease(db: Db, runId: number, owner: string): Promise<void> {
  await db.update(crawlRuns).set({ leaseOwner: null, leaseUntil: null }).where(and(eq(crawlRuns.id, runId), eq(crawlRuns.leaseOwner, owner)));
}

/** Adds accepted URLs to a site run's frontier (already-known ones are ignored). */
export async function addFrontierEntries(db: Db, runId: number, entries: readonly { url: string; depth: number }[]): Promise<void> {
  const insert = prepared(db, 'addFrontierEntry', (d) =>
    d
      .insert(crawlFrontier)
      .values({ runId: sql`${sql.placeholder('runId')}`, url: sql`${sql.placeholder('url')}`, depth: sql`${sql.placeholder('depth')}`, done: false })
      .onConflictDoNothing(),
  );
  for (const e of entries) await insert.run({ runId, url: e.url, depth: e.depth });
}

export async function markFrontierDone(db: Db, runId: number, url: string): Promise<void> {
  (await prepared(db, 'markFrontierDone', (d) =>
    d
      .update(crawlFrontier)
      .set({ done: true })
      .where(and(eq(crawlFrontier.runId, sql.placeholder('runId')), eq(crawlFrontier.url, sql.placeholder('url')))),
  ).run({ runId, url }));
}

/** Every URL of a site run's frontier in the order it was accepted. */
export async function listFrontier(db: Db, runId: number): Promise<{ url: string; depth: number; done: boolean }[]> {
  return (await db
    .select({ url: crawlFrontier.url, depth: crawlFrontier.depth, done: crawlFrontier.done })
    .from(crawlFrontier)
    .where(eq(crawlFrontier.runId, runId))
    .orderBy(crawlFrontier.id));
}

/** One URL behind a failure reason, with when it last failed. */
export interface FailedUrl {
  url: string;
  at: string | null;
}

/**
 * The URLs whose last visit failed, per reason, latest first, at most `perReason` of each: what an
 * operator needs to see behind "blocked_address 12" before fixing a setting or a source.
 */
export async function listFailedUrlsByReason(db: Db, sourceId: number, perReason: number): Promise<Record<string, FailedUrl[]>> {
  const failed = and(eq(crawlUrls.sourceId, sourceId), eq(crawlUrls.status, 'failed'));
  const reasons = (await db.selectDistinct({ reason: crawlUrls.failureReason }).from(crawlUrls).where(failed));
  const byReason: Record<string, FailedUrl[]> = {};
  for (const { reason } of reasons) {
    byReason[reason ?? 'unknown'] = (await db
      .select({ url: crawlUrls.url, at: crawlUrls.lastFetchedAt })
      .from(crawlUrls)
      .where(and(failed, reason === null ? isNull(crawlUrls.failureReason) : eq(crawlUrls.failureReason, reason)))
      .orderBy(desc(crawlUrls.lastFetchedAt), desc(crawlUrls.id))
      .limit(perReason));
  }
  return byReason;
}
