import { dialectOf, firstRow, queryValues, returnedRow } from './dialect.ts';
import { and, asc, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { prepared } from './prepared.ts';
import { reversedHostRange } from './host-key.ts';
import { articles } from './schema/articles.ts';
import { DECISION_VALUES, reports, type ReportRow } from './schema/reports.ts';
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

// Flat columns in a fixed order: lists map them with drizzle, exports by position (toListItem),
// since drizzle's generic row mapping cost ~1 s per 100k rows, more than reading them.
const listColumns = {
  id: reports.id,
  pageId: reports.pageId,
  articleKey: reports.articleKey,
  matchId: reports.matchId,
  pageUrl: reports.pageUrl,
  host: reports.host,
  rhost: reports.rhost,
  kind: reports.kind,
  coverage: reports.coverage,
  copiedWords: reports.copiedWords,
  decision: reports.decision,
  reasons: reports.reasons,
  consentId: reports.consentId,
  licenseeId: reports.licenseeId,
  status: reports.status,
  assignee: reports.assignee,
  notes: reports.notes,
  textHash: reports.textHash,
  firstSeenAt: reports.firstSeenAt,
  lastSeenAt: reports.lastSeenAt,
  createdAt: reports.createdAt,
  updatedAt: reports.updatedAt,
  articleId: articles.id,
  licenseeName: licensees.name,
};
const LIST_ID = 0;

/** One raw row of listColumns as a ReportListItem (the positions above; reasons is stored as JSON text). */
function toListItem(r: unknown[]): ReportListItem {
  return {
    id: r[0] as number,
    pageId: r[1] as number,
    articleKey: r[2] as number,
    matchId: r[3] as number | null,
    pageUrl: r[4] as string,
    host: r[5] as string,
    rhost: r[6] as string,
    kind: r[7] as ReportRow['kind'],
    coverage: r[8] as number,
    copiedWords: r[9] as number,
    decision: r[10] as ReportRow['decision'],
    reasons: JSON.parse(r[11] as string) as string[],
    consentId: r[12] as number | null,
    licenseeId: r[13] as number | null,
    status: r[14] as ReportRow['status'],
    assignee: r[15] as string | null,
    notes: r[16] as string | null,
    textHash: r[17] as string,
    firstSeenAt: r[18] as string,
    lastSeenAt: r[19] as string,
    createdAt: r[20] as string,
    updatedAt: r[21] as string,
    articleId: r[22] as string,
    licenseeName: r[23] as string | null,
  };
}

/** Reports with their article's id and licensee's name: the rows lists, exports and details show. */
function selectListRows(db: Db) {
  return db.select(listColumns).from(reports).innerJoin(articles, eq(articles.key, reports.articleKey)).leftJoin(licensees, eq(licensees.id, reports.licenseeId));
}

function filterConditions(f: ReportFilters): SQL[] {
  const where: SQL[] = [];
  if (f.status?.length) {
    where.push(f.status.length === 1 ? eq(reports.status, f.status[0]) : inArray(reports.status, f.status));
    // Word for word the condition of the partial index reports_status_seen_idx: SQLite uses a
    // partial index only when the query states its condition (a bound status does not prove it).
    if (!f.status.includes('licensed')) where.push(sql`${reports.status} <> 'licensed'`);
  }
  if (f.decision?.length) where.push(f.decision.length === 1 ? eq(reports.decision, f.decision[0]) : inArray(reports.decision, f.decision));
  else if (f.status?.length && f.domain) {
    // Every decision, stated: the same rows, but the planner can now seek reports_list_idx
    // (status, decision, rhost, ...) once per decision instead of walking a status's rows in
    // last-seen order until a page of the domain turns up (measured on 1M reports by bench:web:
    // 290-840 ms for a status and a domain, 2-9 ms with this).
    where.push(inArray(reports.decision, [...DECISION_VALUES]));
  }
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

function orderOf(sort: ReportSort): SQL[] {
  const order = sort.direction === 'desc' ? desc : asc;
  return sort.field === 'id' ? [order(reports.id)] : [order(sortColumns[sort.field]), order(reports.id)];
}

/**
 * One page of reports in the given order, after the cursor (keyset paging: as fast on page 1,000
 * as on page 1). The page's ids are chosen on the reports table alone, where reports_list_idx
 * holds every column the usual filters and sorts read, and only those rows are then joined:
 * joining first made the planner weigh the joins for every candidate row.
 */
export async function listReports(db: Db, q: { filters: ReportFilters; sort: ReportSort; cursor?: ReportCursor; limit: number }): Promise<ReportListItem[]> {
  const where = filterConditions(q.filters);
  const filterFirst = await hasFewMatchesOnPg(db, q.filters, where);
  if (q.cursor) where.push(cursorCondition(q.sort, q.cursor));
  const orderBy = orderOf(q.sort);
  const pageIds = db
    .select({ id: reports.id })
    .from(reports)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(...(filterFirst ? orderOutsideIndexes(q.sort) : orderBy))
    .limit(q.limit);
  return await selectListRows(db).where(inArray(reports.id, pageIds)).orderBy(...orderBy);
}

// A domain's matching reports up to which PostgreSQL reads them all and sorts them (a bitmap scan
// of reports_list_idx, then the rows), not walk a sort index: ~2,000 row reads cost about what a
// walk costs when 1 report in 2,000 matches (50 found in ~25,000 read), so past it the walk wins.
const FILTER_FIRST_MAX_ROWS = 2000;

/**
 * True on PostgreSQL when a domain's filtered reports are few. The planner estimates a domain and
 * a status/decision as independent: a licensee's domain with 60,000 reports and none unlicensed
 * was estimated at 7,000 matches, so it walked the coverage index backwards through all 1M rows
 * (20-28 s) looking for them. The count reads reports_list_idx only (index-only, ≤ 2,001 entries).
 */
async function hasFewMatchesOnPg(db: Db, filters: ReportFilters, where: SQL[]): Promise<boolean> {
  if (dialectOf(db) !== 'pg' || !filters.domain) return false;
  const matching = db.select({ one: sql`1` }).from(reports).where(and(...where)).limit(FILTER_FIRST_MAX_ROWS + 1).as('matching');
  const counted = firstRow(await db.select({ n: sql<number>`count(*)` }).from(matching));
  return Number(counted?.n ?? 0) <= FILTER_FIRST_MAX_ROWS;
}

/**
 * The same order with the nulls placed where no index has them (the columns are NOT NULL, so the
 * rows come in the same order): PostgreSQL then cannot walk a sort index and must filter first.
 */
function orderOutsideIndexes(sort: ReportSort): SQL[] {
  const columns = sort.field === 'id' ? [reports.id] : [sortColumns[sort.field], reports.id];
  return columns.map((c) => (sort.direction === 'desc' ? sql`${c} desc nulls last` : sql`${c} asc nulls first`));
}

/** The cursor that continues after this row in this order. */
export function cursorAfter(row: ReportRow, sort: ReportSort): ReportCursor {
  const value = sort.field === 'lastSeen' ? row.lastSeenAt : sort.field === 'firstSeen' ? row.firstSeenAt : sort.field === 'coverage' ? row.coverage : row.id;
  return { value, id: row.id };
}

// Reports read per statement of an export: a bounded IN list (far below SQLite's and PostgreSQL's
// parameter limits) and a bounded number of rows held at once.
const EXPORT_BATCH_ROWS = 1000;

/**
 * Every report matching the filters, in order (an export of any size). The order is read once, as
 * ids only (4-8 bytes a report), then the rows a batch of ids at a time. Each read is a complete
 * statement, so the connection is free while the consumer waits (an HTTP export paused on a slow
 * client holds no open statement and no read snapshot), and each report comes exactly once even
 * when one is seen again mid-export: re-running the filtered, sorted query per batch (the earlier
 * design) re-read and re-sorted the whole window every time and could skip or repeat a report
 * whose sort value moved. A row shows its values when its batch is read.
 */
export async function* iterateReports(db: Db, filters: ReportFilters, sort: ReportSort, batchSize = EXPORT_BATCH_ROWS): AsyncGenerator<ReportListItem> {
  const where = filterConditions(filters);
  const ids = (await queryValues(db, db
    .select({ id: reports.id })
    .from(reports)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(...orderOf(sort))))
    .map((row) => row[0] as number);
  // Built once per batch length (the last batch may be shorter): building a 1,000-value IN list
  // through the query builder per batch cost more than SQLite's reads.
  const statements = new Map<number, ReturnType<typeof prepareRowsByIds>>();
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    let statement = statements.get(batch.length);
    if (!statement) statements.set(batch.length, (statement = prepareRowsByIds(db, batch.length)));
    const rows = await statement.values(bindRowIds(db, batch));
    const byId = new Map<number, unknown[]>();
    for (const row of rows) byId.set(row[LIST_ID] as number, row);
    for (const id of batch) {
      // Reports are never deleted, so every id is found; the check only guards the type.
      const row = byId.get(id);
      if (row) yield toListItem(row);
    }
  }
}

/** The list columns of `count` reports given by id (placeholders id0, id1, ...; on PostgreSQL one array, ids), as raw rows. */
function prepareRowsByIds(db: Db, count: number) {
  // PostgreSQL takes the batch as one array: one parameter to bind and one plan for every batch
  // length (bench:reports --pg, export sorted by id: ~58k → ~70k rows/s over 1,000 placeholders).
  if (dialectOf(db) === 'pg') return prepared(db, 'reportRowsByIdArray', (d) => selectListRows(d).where(sql`${reports.id} = any(${sql.placeholder('ids')}::int[])`));
  const ids = Array.from({ length: count }, (_, i) => sql.placeholder(`id${i}`));
  return prepared(db, `reportRowsByIds:${count}`, (d) => selectListRows(d).where(inArray(reports.id, ids)));
}

function bindRowIds(db: Db, batch: readonly number[]): Record<string, unknown> {
  return dialectOf(db) === 'pg' ? { ids: batch } : Object.fromEntries(batch.map((id, i) => [`id${i}`, id]));
}

export async function findReportById(db: Db, id: number): Promise<ReportListItem | undefined> {
  return firstRow(await selectListRows(db).where(eq(reports.id, id)).limit(1));
}

export async function findReportsByIds(db: Db, ids: number[]): Promise<ReportRow[]> {
  return ids.length === 0 ? [] : (await db.select().from(reports).where(inArray(reports.id, ids)));
}

export async function findReportForPair(db: Db, pageId: number, articleKey: number): Promise<ReportRow | undefined> {
  return firstRow(await db.select().from(reports).where(and(eq(reports.pageId, pageId), eq(reports.articleKey, articleKey))).limit(1));
}

export async function findReportsForMatch(db: Db, matchId: number): Promise<ReportRow[]> {
  return (await db.select().from(reports).where(eq(reports.matchId, matchId)));
}

/** Ids of the reports on a page (its index by page and article). */
export async function findReportIdsOfPage(db: Db, pageId: number): Promise<number[]> {
  return (await db.select({ id: reports.id }).from(reports).where(eq(reports.pageId, pageId))).map((r) => r.id);
}

export async function insertReport(db: Db, row: Omit<ReportRow, 'id'>): Promise<ReportRow> {
  return returnedRow(await db.insert(reports).values(row).returning());
}

export async function updateReport(db: Db, id: number, set: Partial<Omit<ReportRow, 'id' | 'pageId' | 'articleKey' | 'createdAt'>>): Promise<void> {
  await db.update(reports).set(set).where(eq(reports.id, id));
}

/** How many reports cite the article (it cannot be deleted while any does). */
export async function countReportsForArticle(db: Db, articleKey: number): Promise<number> {
  return firstRow(await db.select({ n: sql<number>`count(*)` }).from(reports).where(eq(reports.articleKey, articleKey)).limit(1))?.n ?? 0;
}

export async function countReports(db: Db, filters: ReportFilters = {}): Promise<number> {
  const where = filterConditions(filters);
  return firstRow(await db.select({ n: sql<number>`count(*)` }).from(reports).where(where.length > 0 ? and(...where) : undefined).limit(1))?.n ?? 0;
}
