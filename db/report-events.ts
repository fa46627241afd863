import { asc, eq } from 'drizzle-orm';
import { placeholders, prepared } from './prepared.ts';
import type { Db } from './open-db.ts';
import { reportEvents, type ReportEventRow } from './schema/reports.ts';

/**
 * A report's history. Only inserts and reads live here: the table is append-only, and triggers
 * (migration 0010) refuse any UPDATE or DELETE that might come from elsewhere.
 */

export type { ReportEventRow };

export function appendReportEvent(db: Db, row: Omit<ReportEventRow, 'id'>): void {
  // Prepared once per connection: a consent change writes an event for thousands of reports.
  // A JSON placeholder would store null as the text 'null': an event without detail has its own statement.
  const withDetail = row.detail !== null;
  prepared(db, withDetail ? 'appendReportEvent' : 'appendReportEventNoDetail', (c) =>
    c
      .insert(reportEvents)
      .values({ ...placeholders('reportId', 'at', 'actor', 'kind', 'fromStatus', 'toStatus', 'note'), detail: withDetail ? placeholders('detail').detail : null })
      .prepare(),
  ).run(row);
}

export function listReportEvents(db: Db, reportId: number, limit: number): ReportEventRow[] {
  return db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).limit(limit).all();
}
