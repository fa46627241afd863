import { count, desc, eq, sql } from 'drizzle-orm';
import type { CrawlRunSummary } from './crawl-run-summaries.ts';
import type { Db } from './open-db.ts';
import { prepared } from './prepared.ts';
import { captureBodies, captures } from './schema/captures.ts';
import { crawlRuns, RUN_STATUSES } from './schema/crawl.ts';
import { matches } from './schema/matches.ts';
import { REPORT_STATUS_VALUES, reports } from './schema/reports.ts';
import { sources } from './schema/sources.ts';
import { RUN_SUMMARY_COLUMNS } from './sources.ts';

/**
 * Read-only aggregates for the Prometheus scrape (src/metrics). Each is one small query, read at
 * scrape time: the crawl pipeline writes these numbers already, nothing is counted twice. Prepared
 * once per connection: building the SQL cost more than running it (a scrape every few seconds).
 * Plain drizzle, no SQLite-only SQL.
 */

export interface StatusCount {
  status: string;
  count: number;
}

/**
 * Every source that has run, with its latest run's figures (the run summary columns: never the
 * work list). One statement; the latest run of each source is one seek in crawl_runs_source_idx.
 */
export async function listLatestRunPerSource(db: Db): Promise<{ source: string; run: CrawlRunSummary }[]> {
  const rows = (await prepared(db, 'metrics:latestRuns', (d) => {
    const latestId = d.select({ id: crawlRuns.id }).from(crawlRuns).where(eq(crawlRuns.sourceId, sources.id)).orderBy(desc(crawlRuns.id)).limit(1);
    return d
      .select({ source: sources.name, ...RUN_SUMMARY_COLUMNS })
      .from(sources)
      .innerJoin(crawlRuns, eq(crawlRuns.id, sql`(${latestId})`))
      .orderBy(sources.id);
  }).all());
  return rows.map(({ source, ...run }) => ({ source, run }));
}

/** Every status of `all` with its count, 0 included: a series that comes and goes reads as a gap, not a zero. */
function withZeros(all: readonly string[], found: StatusCount[]): StatusCount[] {
  const byStatus = new Map(found.map((f) => [f.status, f.count]));
  return [...new Set([...all, ...byStatus.keys()])].map((status) => ({ status, count: byStatus.get(status) ?? 0 }));
}

/**
 * Crawl runs by status (running, completed, failed). No index has the status: this reads each
 * run's row up to its status (not its work list), about 1 ms per 1,000 stored runs.
 */
export async function countCrawlRunsByStatus(db: Db): Promise<StatusCount[]> {
  const found = (await prepared(db, 'metrics:runsByStatus', (d) => d.select({ status: crawlRuns.status, count: count() }).from(crawlRuns).groupBy(crawlRuns.status)).all());
  return withZeros(RUN_STATUSES, found);
}

/** Reports by status: a walk of reports_list_idx (status first), no table reads. */
export async function countReportsByStatus(db: Db): Promise<StatusCount[]> {
  const found = (await prepared(db, 'metrics:reportsByStatus', (d) => d.select({ status: reports.status, count: count() }).from(reports).groupBy(reports.status)).all());
  return withZeros(REPORT_STATUS_VALUES, found);
}

export async function countMatches(db: Db): Promise<number> {
  return (await prepared(db, 'metrics:matches', (d) => d.select({ n: count() }).from(matches)).get())?.n ?? 0;
}

/** Captures stored, and the bytes of their distinct bodies (each body is written once, then revisited). */
export async function sumCaptureBytes(db: Db): Promise<{ captures: number; bodyBytes: number }> {
  const capturesCount = (await prepared(db, 'metrics:captures', (d) => d.select({ n: count() }).from(captures)).get())?.n ?? 0;
  const bodyBytes =
    (await prepared(db, 'metrics:captureBodyBytes', (d) =>
      d
        .select({ n: sql<number>`coalesce(sum(${captureBodies.size}), 0)`.mapWith(Number) })
        .from(captureBodies),
    ).get())?.n ?? 0;
  return { captures: capturesCount, bodyBytes };
}
