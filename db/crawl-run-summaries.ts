import { desc, eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { crawlRuns } from './schema/crawl.ts';
import { RUN_SUMMARY_COLUMNS } from './sources.ts';

/**
 * A source's last runs without their work lists: the frontier of a run is every URL it
 * enumerated (up to the list bounds), which a page listing runs never shows.
 */

export interface CrawlRunSummary {
  id: number;
  status: (typeof crawlRuns.status.enumValues)[number];
  startedAt: string;
  finishedAt: string | null;
  pagesFetched: number;
  pagesUnchanged: number;
  pagesFailed: number;
  matchesFound: number;
  /** Watch sources: pages whose 404/410 proved a flagged copy removed (also in pagesFetched). */
  pagesRemoved: number;
  errors: Record<string, number>;
  message: string | null;
}

export async function listRunSummaries(db: Db, sourceId: number, limit: number): Promise<CrawlRunSummary[]> {
  return (await db
    .select(RUN_SUMMARY_COLUMNS)
    .from(crawlRuns)
    .where(eq(crawlRuns.sourceId, sourceId))
    .orderBy(desc(crawlRuns.id))
    .limit(limit));
}
