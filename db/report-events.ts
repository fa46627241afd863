import { asc, eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { reportEvents, type ReportEventRow } from './schema/reports.ts';

/**
 * A report's history. Only inserts and reads live here: the table is append-only, and triggers
 * (migration 0010) refuse any UPDATE or DELETE that might come from elsewhere.
 */

export type { ReportEventRow };

export function appendReportEvent(db: Db, row: Omit<ReportEventRow, 'id'>): ReportEventRow {
  return db.insert(reportEvents).values(row).returning().get();
}

export function listReportEvents(db: Db, reportId: number, limit: number): ReportEventRow[] {
  return db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).limit(limit).all();
}
