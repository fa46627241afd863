import { asc, eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { captures } from './schema/captures.ts';
import { reportCaptures, type ReportCaptureRow } from './schema/reports.ts';

/** The captures that show a report's page. Append-only (triggers in migration 0010). */

export type { ReportCaptureRow };

/** Links a capture to a report once; a capture already linked is left as it is. */
export async function linkReportCapture(db: Db, row: Omit<ReportCaptureRow, 'id'>): Promise<void> {
  await db.insert(reportCaptures).values(row).onConflictDoNothing();
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
