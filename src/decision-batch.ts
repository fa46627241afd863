import { appendCustodyEntries, type NewCustodyEntry } from '../db/custody-log.ts';
import { decisionCustodyEntry, storeMatchDecisions, type MatchDecisionWrite } from '../db/match-decisions.ts';
import type { Db } from '../db/open-db.ts';
import { linkReportCaptures } from '../db/report-captures.ts';
import { insertReports, saveReportDecisions, type ReportDecision, type ReportFigures } from '../db/report-decisions.ts';
import { eventCustodyEntry, insertReportEventRows, type NewReportEvent } from '../db/report-events.ts';
import type { ReportRow } from '../db/reports.ts';
import type { ReportCaptureRow } from '../db/schema/reports.ts';

/**
 * The writes a run of decisions makes (decide-store.ts), collected while deciding and stored
 * together by storeDecisionBatch: a statement per table instead of a round trip per row, which on
 * PostgreSQL was most of a consent change's time. The stored rows are those the writes made one
 * at a time would have stored: reports, events and capture links get their ids in the order they
 * were asked for, and the custody log gets the decisions' and events' entries in that order too.
 */

/** A report this batch creates: its id is known once the batch is stored. */
export interface PendingReport {
  id: number | null;
}
type ReportRef = number | PendingReport;

type CustodySlot = { decision: number } | { event: number };

export interface DecisionBatch {
  newReports: { ref: PendingReport; row: Omit<ReportRow, 'id'> }[];
  events: { report: ReportRef; row: Omit<NewReportEvent, 'reportId'> }[];
  decisions: { matchId: number; d: MatchDecisionWrite; detailJson: string }[];
  /** Decisions and events in the order they were made: the custody log's order. */
  custody: CustodySlot[];
  saves: { report: ReportRow; figures: ReportFigures; d: ReportDecision }[];
  links: { report: ReportRef; row: Omit<ReportCaptureRow, 'id' | 'reportId'> }[];
}

export function createDecisionBatch(): DecisionBatch {
  return { newReports: [], events: [], decisions: [], custody: [], saves: [], links: [] };
}

export function addMatchDecision(batch: DecisionBatch, matchId: number, d: MatchDecisionWrite): void {
  batch.custody.push({ decision: batch.decisions.length });
  batch.decisions.push({ matchId, d, detailJson: JSON.stringify(d.detail) });
}

export function addReport(batch: DecisionBatch, row: Omit<ReportRow, 'id'>): PendingReport {
  const ref: PendingReport = { id: null };
  batch.newReports.push({ ref, row });
  return ref;
}

export function addReportEvent(batch: DecisionBatch, report: ReportRef, row: Omit<NewReportEvent, 'reportId'>): void {
  batch.custody.push({ event: batch.events.length });
  batch.events.push({ report, row });
}

export function addReportSave(batch: DecisionBatch, report: ReportRow, figures: ReportFigures, d: ReportDecision): void {
  batch.saves.push({ report, figures, d });
}

export function addCaptureLink(batch: DecisionBatch, report: ReportRef, row: Omit<ReportCaptureRow, 'id' | 'reportId'>): void {
  batch.links.push({ report, row });
}

function idOf(report: ReportRef): number {
  if (typeof report === 'number') return report;
  if (report.id === null) throw new Error('decision batch: a report is referred to before the batch\'s reports were stored');
  return report.id;
}

/** Stores the batch's writes, inside the caller's transaction. */
export async function storeDecisionBatch(db: Db, batch: DecisionBatch): Promise<void> {
  // Reports first (events and links name them), then events (their custody entries name them).
  const reportIds = await insertReports(db, batch.newReports.map((r) => r.row));
  batch.newReports.forEach((r, i) => (r.ref.id = reportIds[i]));
  const events = batch.events.map((e) => ({ ...e.row, reportId: idOf(e.report) }));
  const eventIds = await insertReportEventRows(db, events);
  const entries: NewCustodyEntry[] = batch.custody.map((slot) => {
    if ('event' in slot) return eventCustodyEntry(events[slot.event], eventIds[slot.event]);
    const { matchId, d, detailJson } = batch.decisions[slot.decision];
    return decisionCustodyEntry(matchId, d, detailJson);
  });
  const indexes = await appendCustodyEntries(db, entries);
  const decisionIndex = new Map<number, number>();
  batch.custody.forEach((slot, i) => {
    if ('decision' in slot) decisionIndex.set(slot.decision, indexes[i]);
  });
  await storeMatchDecisions(db, batch.decisions.map((x, i) => ({ ...x, custodyIndex: decisionIndex.get(i)! })));
  await saveReportDecisions(db, batch.saves);
  await linkReportCaptures(db, batch.links.map((l) => ({ ...l.row, reportId: idOf(l.report) })));
}
