import { asc, eq, sql } from 'drizzle-orm';
import { dialectOf, executeStatement } from './dialect.ts';
import type { Db } from './open-db.ts';
import { captures } from './schema/captures.ts';
import { reportCaptures, type ReportCaptureRow } from './schema/reports.ts';

/** The captures that show a report's page. Append-only (triggers in migration 0010). */

export type { ReportCaptureRow };

/** Links a capture to a report once; a capture already linked is left as it is. */
export async function linkReportCapture(db: Db, row: Omit<ReportCaptureRow, 'id'>): Promise<void> {
  await db.insert(reportCaptures).values(row).onConflictDoNothing();
}

/** linkReportCapture for many links, in the order given (on PostgreSQL one statement). */
export async function linkReportCaptures(db: Db, rows: readonly Omit<ReportCaptureRow, 'id'>[]): Promise<void> {
  if (rows.length === 0) return;
  if (dialectOf(db) !== 'pg') {
    for (const row of rows) await linkReportCapture(db, row);
    return;
  }
  const items = rows.map((r, i) => ({ n: i + 1, report_id: r.reportId, capture_id: r.captureId, role: r.role, at: r.at }));
  await executeStatement(
    db,
    sql`insert into ${reportCaptures} (report_id, capture_id, role, at)
        select x.report_id, x.capture_id, x.role, x.at
        from json_to_recordset(${JSON.stringify(items)}::json) as x(n integer, report_id integer, capture_id bigint, role text, at text)
        order by x.n
        on conflict do nothing`,
  );
}

export async function listReportCaptures(db: Db, reportId: number, limit: number) {
  return (await db
    .select({
      captureId: reportCaptures.captureId,
      role: reportCaptures.role,
      at: reportCaptures.at,
      url: captures.finalUrl,
      status: captures.status,
      sha256: captures.bodySha256,
      fetchedAt: captures.startedAt,
    })
    .from(reportCaptures)
    .innerJoin(captures, eq(captures.id, reportCaptures.captureId))
    .where(eq(reportCaptures.reportId, reportId))
    .orderBy(asc(reportCaptures.id))
    .limit(limit));
}
