import { asc, eq, inArray } from 'drizzle-orm';
import { appendCustodyEntry, digestRecord } from './custody-log.ts';
import { JsonText, placeholders, preparedWrite } from './prepared.ts';
import type { Db } from './open-db.ts';
import { reportEvents, type ReportEventRow } from './schema/reports.ts';

/**
 * A report's history. Only inserts and reads live here: the table is append-only, and triggers
 * (migration 0010) refuse any UPDATE or DELETE that might come from elsewhere.
 */

export type { ReportEventRow };

/**
 * What an event's custody entry vouches for: the stored row, field for field (nulls included),
 * its detail as the JSON text stored (a JSON column holds JSON.stringify of the value).
 */
export function eventRecordOf(row: Omit<ReportEventRow, 'detail'> & { detail: ReportEventRow['detail'] | string }) {
  const detailJson = row.detail == null ? null : typeof row.detail === 'string' ? row.detail : JSON.stringify(row.detail);
  // Keys in code-unit order: canonical JSON is then plain JSON.stringify (db/custody-log.ts).
  return { actor: row.actor, at: row.at, detailJson, fromStatus: row.fromStatus ?? null, id: row.id, kind: row.kind, note: row.note ?? null, reportId: row.reportId, toStatus: row.toStatus ?? null };
}

/** Appends an event to a report's history and logs it (custody log); returns its id. */
export async function appendReportEvent(db: Db, row: Omit<ReportEventRow, 'id'>): Promise<number> {
  // Prepared once per connection: a consent change writes an event for thousands of reports.
  const run = preparedWrite(db, 'appendReportEvent', (c) => c.insert(reportEvents).values(placeholders('reportId', 'at', 'actor', 'kind', 'fromStatus', 'toStatus', 'note', 'detail')), { returnsId: true });
  // An event without detail is SQL NULL (preparedWrite binds null as NULL, not the JSON 'null').
  const detailJson = row.detail == null ? null : JSON.stringify(row.detail);
  const id = await run({ ...row, detail: detailJson === null ? null : new JsonText(detailJson) });
  // Logged here, where every event is written, so no path can add one unlogged. The detail is
  // hashed as it will read back: JSON drops undefined members, and so does canonical JSON.
  await appendCustodyEntry(db, { type: 'report_event', refId: id, at: row.at, sha256: digestRecord(eventRecordOf({ ...row, id, detail: detailJson })) });
  return id;
}

export async function listReportEvents(db: Db, reportId: number, limit: number): Promise<ReportEventRow[]> {
  return (await db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).limit(limit));
}

/** The events with these ids (any order), for a walk over the custody log. */
export async function listReportEventsByIds(db: Db, ids: readonly number[]): Promise<ReportEventRow[]> {
  if (ids.length === 0) return [];
  return (await db.select().from(reportEvents).where(inArray(reportEvents.id, [...ids])));
}
