import { changedRows, firstRow, returnedRow } from './dialect.ts';
import { asc, count, desc, eq, sql } from 'drizzle-orm';
import { listFailedUrlsByReason, type FailedUrl } from './crawl-state.ts';
import type { Db } from './open-db.ts';
import { crawlRuns, crawlUrls, type CrawlRunRow } from './schema/crawl.ts';
import { matches, pages } from './schema/matches.ts';
import { sources, type NewSourceRow, type SourceRow } from './schema/sources.ts';

/** Queries for crawl sources and their health. Plain drizzle, no SQLite-only SQL. */

export type { SourceRow, NewSourceRow };

export async function insertSource(db: Db, row: NewSourceRow): Promise<SourceRow> {
  return returnedRow(await db.insert(sources).values(row).returning());
}

export async function findSourceById(db: Db, id: number): Promise<SourceRow | undefined> {
  return firstRow(await db.select().from(sources).where(eq(sources.id, id)).limit(1));
}

export async function findSourceByName(db: Db, name: string): Promise<SourceRow | undefined> {
  return firstRow(await db.select().from(sources).where(eq(sources.name, name)).limit(1));
}

export async function listSources(db: Db, options: { enabledOnly?: boolean } = {}): Promise<SourceRow[]> {
  return (await db
    .select()
    .from(sources)
    .where(options.enabledOnly ? eq(sources.enabled, true) : undefined)
    .orderBy(asc(sources.id)));
}

export async function updateSource(db: Db, id: number, set: Partial<Omit<NewSourceRow, 'id' | 'createdAt'>>): Promise<SourceRow | undefined> {
  return returnedRow(await db.update(sources).set(set).where(eq(sources.id, id)).returning());
}

export async function deleteSource(db: Db, id: number): Promise<boolean> {
  return changedRows(await db.delete(sources).where(eq(sources.id, id))) > 0;
}

export interface SourceHealth {
  lastRun: Pick<CrawlRunRow, 'id' | 'status' | 'startedAt' | 'finishedAt' | 'pagesFetched' | 'pagesUnchanged' | 'pagesFailed' | 'matchesFound' | 'pagesRemoved' | 'errors' | 'message'> | null;
  /** URLs this source has visited at least once. */
  pages: number;
  /** Current failures of its URLs (their last visit), by reason. */
  errorsByReason: Record<string, number>;
  /** The URLs behind each reason of errorsByReason, latest failure first (FAILED_URLS_SHOWN each at most). */
  failedUrls: Record<string, FailedUrl[]>;
  /** Stored matches on pages this source visited. */
  matchesFound: number;
}

/** A run's figures without its work list (the frontier): what lists of runs show. */
export const RUN_SUMMARY_COLUMNS = {
  id: crawlRuns.id,
  status: crawlRuns.status,
  startedAt: crawlRuns.startedAt,
  finishedAt: crawlRuns.finishedAt,
  pagesFetched: crawlRuns.pagesFetched,
  pagesUnchanged: crawlRuns.pagesUnchanged,
  pagesFailed: crawlRuns.pagesFailed,
  matchesFound: crawlRuns.matchesFound,
  pagesRemoved: crawlRuns.pagesRemoved,
  errors: crawlRuns.errors,
  message: crawlRuns.message,
};

// Enough to see the pattern (one host, one path) behind a reason without flooding a terminal.
export const FAILED_URLS_SHOWN = 20;

export async function readSourceHealth(db: Db, sourceId: number): Promise<SourceHealth> {
  const lastRun =
    firstRow(await db
      .select(RUN_SUMMARY_COLUMNS)
      .from(crawlRuns)
      .where(eq(crawlRuns.sourceId, sourceId))
      .orderBy(desc(crawlRuns.id)).limit(1)) ?? null;
  const pageCount = firstRow(await db.select({ n: count() }).from(crawlUrls).where(eq(crawlUrls.sourceId, sourceId)).limit(1))?.n ?? 0;
  const errorsByReason: Record<string, number> = {};
  const failures = (await db
    .select({ reason: crawlUrls.failureReason, n: count() })
    .from(crawlUrls)
    .where(sql`${crawlUrls.sourceId} = ${sourceId} and ${crawlUrls.status} = 'failed'`)
    .groupBy(crawlUrls.failureReason));
  for (const f of failures) errorsByReason[f.reason ?? 'unknown'] = f.n;
  const matchesFound =
    firstRow(await db
      .select({ n: count() })
      .from(matches)
      .innerJoin(pages, eq(pages.id, matches.pageId))
      .innerJoin(crawlUrls, eq(crawlUrls.url, pages.url))
      .where(eq(crawlUrls.sourceId, sourceId)).limit(1))?.n ?? 0;
  return { lastRun, pages: pageCount, errorsByReason, failedUrls: await listFailedUrlsByReason(db, sourceId, FAILED_URLS_SHOWN), matchesFound };
}
