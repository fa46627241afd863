import { asc, eq, inArray, sql } from 'drizzle-orm';
import { appendCustodyEntry, digestRecord, type NewCustodyEntry } from './custody-log.ts';
import { dialectOf, queryRows } from './dialect.ts';
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

export type NewReportEvent = Omit<ReportEventRow, 'id'>;

/** Appends an event to a report's history and logs it (custody log); returns its id. */
export async function appendReportEvent(db: Db, row: NewReportEvent): Promise<number> {
  const [id] = await insertReportEventRows(db, [row]);
  // Logged here, where every event is written, so no path can add one unlogged.
  await appendCustodyEntry(db, eventCustodyEntry(row, id));
  return id;
}

/**
 * The custody entry of a stored event. The detail is hashed as it reads back: JSON drops
 * undefined members, and so does canonical JSON.
 */
export function eventCustodyEntry(row: NewReportEvent, id: number): NewCustodyEntry {
  const detailJson = row.detail == null ? null : JSON.stringify(row.detail);
  return { type: 'report_event', refId: id, at: row.at, sha256: digestRecord(eventRecordOf({ ...row, id, detail: detailJson })) };
}

/**
 * Inserts events in the order given and answers their ids, without logging them: only for a
 * writer that appends each one's eventCustodyEntry in the same transaction (src/decision-batch.ts,
 * which logs decisions and events in the order they were made).
 */
export async function insertReportEventRows(db: Db, rows: readonly NewReportEvent[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const json = (row: NewReportEvent) => (row.detail == null ? null : JSON.stringify(row.detail));
  if (dialectOf(db) === 'pg') {
    // One statement for a chunk's events (a round trip each was most of a consent change).
    const items = rows.map((r, i) => ({ n: i + 1, report_id: r.reportId, at: r.at, actor: r.actor, kind: r.kind, from_status: r.fromStatus ?? null, to_status: r.toStatus ?? null, note: r.note ?? null, detail: json(r) }));
    const inserted = await queryRows<{ id: number }>(
      db,
      sql`insert into ${reportEvents} (report_id, at, actor, kind, from_status, to_status, note, detail)
          select x.report_id, x.at, x.actor, x.kind, x.from_status, x.to_status, x.note, x.detail::json
          from json_to_recordset(${JSON.stringify(items)}::json) as x(n integer, report_id integer, at text, actor text, kind text, from_status text, to_status text, note text, detail text)
          order by x.n
          returning id`,
    );
    // Identity values are drawn in the insert's row order; RETURNING's order is not promised.
    return inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
  // Prepared once per connection: a consent change writes an event for thousands of reports.
  const run = preparedWrite(db, 'appendReportEvent', (c) => c.insert(reportEvents).values(placeholders('reportId', 'at', 'actor', 'kind', 'fromStatus', 'toStatus', 'note', 'detail')), { returnsId: true });
  const ids: number[] = [];
  for (const row of rows) {
    // An event without detail is SQL NULL (preparedWrite binds null as NULL, not the JSON 'null').
    const detailJson = json(row);
    ids.push(await run({ ...row, detail: detailJson === null ? null : new JsonText(detailJson) }));
  }
  return ids;
}

export async function listReportEvents(db: Db, reportId: number, limit: number): Promise<ReportEventRow[]> {
  return (await db.select().from(reportEvents).where(eq(reportEvents.reportId, reportId)).orderBy(asc(reportEvents.id)).limit(limit));
}

/** The events with these ids (any order), for a walk over the custody log. */
export async function listReportEventsByIds(db: Db, ids: readonly number[]): Promise<ReportEventRow[]> {
  if (ids.length === 0) return [];
  return (await db.select().from(reportEvents).where(inArray(reportEvents.id, [...ids])));
}
