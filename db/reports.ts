import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { reversedHostRange } from './host-key.ts';
import { articles } from './schema/articles.ts';
import { reports, type ReportRow } from './schema/reports.ts';
import { licensees } from './schema/rights.ts';

/** Infringement reports: one row per (page, owned article). Rows are updated, never deleted. */

export type { ReportRow };

export interface ReportFilters {
  status?: ReportRow['status'][];
  decision?: ReportRow['decision'][];
  kind?: ReportRow['kind'];
  /** A host; its sub-domains are included ("example.com" also finds "www.example.com"). */
  domain?: string;
  articleKey?: number;
  licenseeId?: number;
  /** First seen at or after / before (ISO UTC). */
  since?: string;
  until?: string;
  minCoverage?: number;
}

export const REPORT_SORT_FIELDS = ['lastSeen', 'firstSeen', 'coverage', 'id'] as const;
export type ReportSortField = (typeof REPORT_SORT_FIELDS)[number];

export interface ReportSort {
  field: ReportSortField;
  direction: 'asc' | 'desc';
}

/** Where the previous page ended: the sort value and the id of its last row. */
export interface ReportCursor {
  value: string | number;
  id: number;
}

const sortColumns = {
  lastSeen: reports.lastSeenAt,
  firstSeen: reports.firstSeenAt,
  coverage: reports.coverage,
  id: reports.id,
} as const;

/** A report row with the owned article's own id and the licensee's name, as lists show it. */
export type ReportListItem = ReportRow & { articleId: string; licenseeName: string | null };

// Flat columns: drizzle maps them straight into one object per row (a nested select plus a
// spread per row cost more than SQLite's own work in a 100k-row export).
const listColumns = { ...getTableColumns(reports), articleId: articles.id, licenseeName: licensees.name };

function filterConditions(f: ReportFilters): SQL[] {
  const where: SQL[] = [];
  if (f.status?.length) where.push(f.status.length === 1 ? eq(reports.status, f.status[0]) : inArray(reports.status, f.status));
  if (f.decision?.length) where.push(f.decision.length === 1 ? eq(reports.decision, f.decision[0]) : inArray(reports.decision, f.decision));
  if (f.kind) where.push(eq(reports.kind, f.kind));
  if (f.domain) {
    const range = reversedHostRange(f.domain, true);
    where.push(and(gte(reports.rhost, range.from), lt(reports.rhost, range.to))!);
  }
  if (f.articleKey !== undefined) where.push(eq(reports.articleKey, f.articleKey));
  if (f.licenseeId !== undefined) where.push(eq(reports.licenseeId, f.licenseeId));
  if (f.since) where.push(gte(reports.firstSeenAt, f.since));
  if (f.until) where.push(lt(reports.firstSeenAt, f.until));
  if (f.minCoverage !== undefined) where.push(gte(reports.coverage, f.minCoverage));
  return where;
}

/**
 * Rows after the cursor in sort order, as one row-value comparison: SQLite (3.15+) and PostgreSQL
 * both use it as an index range, where "a < v OR (a = v AND id < x)" made every page re-walk all
 * the rows before it.
 */
function cursorCondition(sort: ReportSort, cursor: ReportCursor): SQL {
  const column = sortColumns[sort.field];
  if (sort.field === 'id') return sort.direction === 'desc' ? lt(reports.id, cursor.id) : gt(reports.id, cursor.id);
  return sort.direction === 'desc' ? sql`(${column}, ${reports.id}) < (${cursor.value}, ${cursor.id})` : sql`(${column}, ${reports.id}) > (${cursor.value}, ${cursor.id})`;
}

/** One page of reports in the given order, after the cursor (keyset paging: as fast on page 1,000 as on page 1). */
export function listReports(db: Db, q: { filters: ReportFilters; sort: ReportSort; cursor?: ReportCursor; limit: number }): ReportListItem[] {
  const where = filterConditions(q.filters);
  if (q.cursor) where.push(cursorCondition(q.sort, q.cursor));
  const order = q.sort.direction === 'desc' ? desc : asc;
  const orderBy = q.sort.field === 'id' ? [order(reports.id)] : [order(sortColumns[q.sort.field]), order(reports.id)];
  return db
    .select(listColumns)
    .from(reports)
    .innerJoin(articles, eq(articles.key, reports.articleKey))
    .leftJoin(licensees, eq(licensees.id, reports.licenseeId))
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(...orderBy)
    .limit(q.limit)
    .all();
}

/** The cursor that continues after this row in this order. */
export function cursorAfter(row: ReportRow, sort: ReportSort): ReportCursor {
  const value = sort.field === 'lastSeen' ? row.lastSeenAt : sort.field === 'firstSeen' ? row.firstSeenAt : sort.field === 'coverage' ? row.coverage : row.id;
  return { value, id: row.id };
}

/** Every report matching the filters, in order, read a batch at a time (an export of any size). */
export function* iterateReports(db: Db, filters: ReportFilters, sort: ReportSort, batchSize = 5000): Generator<ReportListItem> {
  let cursor: ReportCursor | undefined;
  for (;;) {
    const batch = listReports(db, { filters, sort, ...(cursor ? { cursor } : {}), limit: batchSize });
    yield* batch;
    if (batch.length < batchSize) return;
    cursor = cursorAfter(batch[batch.length - 1], sort);
  }
}

export function findReportById(db: Db, id: number): ReportListItem | undefined {
  return db.select(listColumns).from(reports).innerJoin(articles, eq(articles.key, reports.articleKey)).leftJoin(licensees, eq(licensees.id, reports.licenseeId)).where(eq(reports.id, id)).get();
}

export function findReportsByIds(db: Db, ids: number[]): ReportRow[] {
  return ids.length === 0 ? [] : db.select().from(reports).where(inArray(reports.id, ids)).all();
}

export function findReportForPair(db: Db, pageId: number, articleKey: number): ReportRow | undefined {
  return db.select().from(reports).where(and(eq(reports.pageId, pageId), eq(reports.articleKey, articleKey))).get();
}

export function findReportsForMatch(db: Db, matchId: number): ReportRow[] {
  return db.select().from(reports).where(eq(reports.matchId, matchId)).all();
}

export function insertReport(db: Db, row: Omit<ReportRow, 'id'>): ReportRow {
  return db.insert(reports).values(row).returning().get();
}

export function updateReport(db: Db, id: number, set: Partial<Omit<ReportRow, 'id' | 'pageId' | 'articleKey' | 'createdAt'>>): void {
  db.update(reports).set(set).where(eq(reports.id, id)).run();
}

/** How many reports cite the article (it cannot be deleted while any does). */
export function countReportsForArticle(db: Db, articleKey: number): number {
  return db.select({ n: sql<number>`count(*)` }).from(reports).where(eq(reports.articleKey, articleKey)).get()?.n ?? 0;
}

export function countReports(db: Db, filters: ReportFilters = {}): number {
  const where = filterConditions(filters);
  return db.select({ n: sql<number>`count(*)` }).from(reports).where(where.length > 0 ? and(...where) : undefined).get()?.n ?? 0;
}
