import { firstRow } from './dialect.ts';
import { count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { captures } from './schema/captures.ts';
import { captureRenders } from './schema/custody.ts';
import { reportCaptures, reportEvents, type ReportEventRow } from './schema/reports.ts';

/**
 * What the report page reads beyond the report itself, newest first and a bounded number at a
 * time: a report re-checked daily for years has thousands of captures and events, and the page
 * shows the latest. Every query walks an index on the report id (report_captures' unique index,
 * report_events_report_idx), so its cost is the rows shown, not the report's whole past.
 */

/** One capture of a report's page as the page lists it, with whether a PNG render is stored. */
export interface ReportPageCapture {
  captureId: number;
  role: string;
  linkedAt: string;
  finalUrl: string;
  status: number;
  remoteAddress: string;
  startedAt: string;
  bodySha256: string;
  warcSha256: string | null;
  contentType: string;
  truncated: string | null;
  /** The newest PNG render of the capture, or null when none was made yet. */
  pngRenderId: number | null;
}

/** The report's captures, newest link first, at most `limit`. */
export async function listReportCapturesNewest(db: Db, reportId: number, limit: number): Promise<ReportPageCapture[]> {
  // A correlated lookup per shown capture, on capture_renders_capture_idx: at most `limit` probes.
  const png = sql<number | null>`(select max(${captureRenders.id}) from ${captureRenders} where ${captureRenders.captureId} = ${captures.id} and ${captureRenders.format} = 'png')`;
  return (await db
    .select({
      captureId: captures.id,
      role: reportCaptures.role,
      linkedAt: reportCaptures.at,
      finalUrl: captures.finalUrl,
      status: captures.status,
      remoteAddress: captures.remoteAddress,
      startedAt: captures.startedAt,
      bodySha256: captures.bodySha256,
      warcSha256: captures.warcSha256,
      contentType: captures.contentType,
      truncated: captures.truncated,
      pngRenderId: png,
    })
    .from(reportCaptures)
    .innerJoin(captures, eq(captures.id, reportCaptures.captureId))
    .where(eq(reportCaptures.reportId, reportId))
    .orderBy(desc(reportCaptures.id))
    .limit(limit));
}

export async function countReportCaptures(db: Db, reportId: number): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(reportCaptures).where(eq(reportCaptures.reportId, reportId)).limit(1))?.n ?? 0;
}

/** The report's history, newest event first, at most `limit`. */
export async function listReportEventsNewest(db: Db, reportId: number, limit: number): Promise<ReportEventRow[]> {
  return (await db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(desc(reportEvents.id)).limit(limit));
}

export async function countReportEvents(db: Db, reportId: number): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(reportEvents).where(eq(reportEvents.reportId, reportId)).limit(1))?.n ?? 0;
}

