import { asc, eq } from 'drizzle-orm';
import { placeholders, preparedWrite } from './prepared.ts';
import type { Db } from './open-db.ts';
import { reportEvents, type ReportEventRow } from './schema/reports.ts';

/**
 * A report's history. Only inserts and reads live here: the table is append-only, and triggers
 * (migration 0010) refuse any UPDATE or DELETE that might come from elsewhere.
 */

export type { ReportEventRow };

export function appendReportEvent(db: Db, row: Omit<ReportEventRow, 'id'>): void {
  // Prepared once per connection: a consent change writes an event for thousands of reports.
  const run = preparedWrite(db, 'appendReportEvent', (c) => c.insert(reportEvents).values(placeholders('reportId', 'at', 'actor', 'kind', 'fromStatus', 'toStatus', 'note', 'detail')));
  // An event without detail is SQL NULL (preparedWrite binds null as NULL, not the JSON 'null').
  run(row);
}

export function listReportEvents(db: Db, reportId: number, limit: number): ReportEventRow[] {
  return db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).limit(limit).all();
}
