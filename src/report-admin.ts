import { findMatchDecisionDetail } from '../db/match-decisions.ts';
import { findMatchById, setMatchFlagged } from '../db/matches.ts';
import type { Db } from '../db/open-db.ts';
import { listReportCaptures } from '../db/report-captures.ts';
import { appendReportEvent, listReportEvents } from '../db/report-events.ts';
import { findReportById, findReportsByIds, updateReport, type ReportListItem, type ReportRow } from '../db/reports.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { allowedTransitions, assertTransition, REPORT_STATUSES, type ReportStatus } from './reports/status-flow.ts';

/**
 * What reviewers do to reports: move them through the status flow, assign them, annotate them.
 * Every change is one transaction with its history event; `actor` is who did it.
 */

// A bulk change is one transaction holding the write lock: bounded so it stays short.
export const MAX_BULK_REPORTS = 1000;
// Long enough for a reasoned note; a longer text belongs in the evidence, not the history line.
const MAX_NOTE_CHARS = 10_000;
// History and captures of one report are short lists; this bounds a pathological one (the
// detail says when it was cut).
const MAX_DETAIL_ROWS = 5000;
// A report's running notes: a case file's worth. Every note is also in the history, in full.
const MAX_NOTES_TOTAL_CHARS = 200_000;

function checkNote(note: string | undefined, required: boolean): string | null {
  const trimmed = note?.trim() ?? '';
  if (required && trimmed === '') throw new ValidationError('A note is required: say why the status changes', { field: 'note' });
  if (trimmed.length > MAX_NOTE_CHARS) throw new ValidationError(`note must be at most ${MAX_NOTE_CHARS} characters`, { field: 'note' });
  return trimmed === '' ? null : trimmed;
}

export function parseReportStatus(value: string): ReportStatus {
  if ((REPORT_STATUSES as readonly string[]).includes(value)) return value as ReportStatus;
  throw new ValidationError(`Unknown report status "${value}"; statuses: ${REPORT_STATUSES.join(', ')}`, { field: 'status', value });
}

async function moveReport(tx: Db, report: ReportRow, to: ReportStatus, note: string | null, actor: string, now: string): Promise<void> {
  assertTransition(report.id, report.status as ReportStatus, to);
  await appendReportEvent(tx, { reportId: report.id, at: now, actor, kind: 'status', fromStatus: report.status, toStatus: to, note, detail: null });
  await updateReport(tx, report.id, { status: to, updatedAt: now });
  // A confirmed copy is watched: re-checks of its page prove it persists or was removed.
  if (to === 'confirmed' && report.matchId !== null) await setMatchFlagged(tx, report.matchId, true);
}

export async function getReport(db: Db, id: number): Promise<ReportListItem> {
  const report = await findReportById(db, id);
  if (!report) throw new NotFoundError(`No report with id ${id}`, { id });
  return report;
}

export async function setReportStatus(db: Db, id: number, status: ReportStatus, noteText: string | undefined, actor: string, now = new Date().toISOString()): Promise<ReportListItem> {
  const note = checkNote(noteText, true);
  return await writeTransaction(db, async (tx) => {
    await moveReport(tx, await getReport(tx, id), status, note, actor, now);
    return await getReport(tx, id);
  });
}

/**
 * Moves many reports at once, all or none: when any cannot make the move, nothing changes and
 * the 409 lists each refused report with the moves it allows.
 */
export async function setReportsStatus(db: Db, ids: number[], status: ReportStatus, noteText: string | undefined, actor: string, now = new Date().toISOString()): Promise<{ changed: number }> {
  const note = checkNote(noteText, true);
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > MAX_BULK_REPORTS) throw new ValidationError(`Give 1-${MAX_BULK_REPORTS} report ids`, { field: 'ids' });
  return await writeTransaction(db, async (tx) => {
    const found = new Map((await findReportsByIds(tx, unique)).map((r) => [r.id, r]));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) throw new NotFoundError(`No report with id ${missing.join(', ')}`, { ids: missing });
    const refused = unique
      .map((id) => found.get(id)!)
      .filter((r) => !allowedTransitions(r.status as ReportStatus).includes(status))
      .map((r) => ({ id: r.id, status: r.status, allowed: allowedTransitions(r.status as ReportStatus) }));
    if (refused.length > 0) {
      const list = refused.map((r) => `${r.id} (${r.status} → ${r.allowed.join('|')})`).join(', ');
      throw new ConflictError(`${refused.length} report(s) cannot move to ${status}: ${list}; nothing was changed`, { refused });
    }
    for (const id of unique) await moveReport(tx, found.get(id)!, status, note, actor, now);
    return { changed: unique.length };
  });
}

export async function assignReport(db: Db, id: number, assignee: string | null, actor: string, now = new Date().toISOString()): Promise<ReportListItem> {
  const who = assignee?.trim() || null;
  if (who !== null && who.length > 200) throw new ValidationError('assignee must be at most 200 characters', { field: 'assignee' });
  return await writeTransaction(db, async (tx) => {
    const report = await getReport(tx, id);
    // Assigning to whoever already has it changes nothing, and writes no history.
    if (report.assignee === who) return report;
    await appendReportEvent(tx, { reportId: id, at: now, actor, kind: 'assigned', fromStatus: report.status, toStatus: report.status, note: who === null ? 'unassigned' : `assigned to ${who}`, detail: { from: report.assignee, to: who } });
    await updateReport(tx, id, { assignee: who, updatedAt: now });
    return await getReport(tx, id);
  });
}

/** Adds a note: appended to the report's notes and written as a history event. */
export async function annotateReport(db: Db, id: number, noteText: string, actor: string, now = new Date().toISOString()): Promise<ReportListItem> {
  const note = checkNote(noteText, true)!;
  return await writeTransaction(db, async (tx) => {
    const report = await getReport(tx, id);
    await appendReportEvent(tx, { reportId: id, at: now, actor, kind: 'note', fromStatus: report.status, toStatus: report.status, note, detail: null });
    const notes = report.notes ? `${report.notes}\n\n[${now} ${actor}] ${note}` : `[${now} ${actor}] ${note}`;
    if (notes.length > MAX_NOTES_TOTAL_CHARS) {
      throw new ValidationError(`Report ${id}'s notes would exceed ${MAX_NOTES_TOTAL_CHARS} characters; put longer material in the evidence`, { field: 'note' });
    }
    await updateReport(tx, id, { notes, updatedAt: now });
    return await getReport(tx, id);
  });
}

export async function listReportHistory(db: Db, id: number) {
  await getReport(db, id);
  return await listReportEvents(db, id, MAX_DETAIL_ROWS);
}

/** A report with its match (passages, decision inputs), captures and history: what `reports show` prints. */
export async function getReportDetail(db: Db, id: number) {
  const report = await getReport(db, id);
  const match = report.matchId !== null ? await findMatchById(db, report.matchId) : undefined;
  const captures = await listReportCaptures(db, id, MAX_DETAIL_ROWS);
  const history = await listReportEvents(db, id, MAX_DETAIL_ROWS);
  return {
    ...report,
    allowedStatuses: allowedTransitions(report.status as ReportStatus),
    passages: match?.passages ?? [],
    decisionDetail: match ? (await findMatchDecisionDetail(db, report.matchId!) ?? null) : null,
    captures,
    history,
    truncated: { captures: captures.length >= MAX_DETAIL_ROWS, history: history.length >= MAX_DETAIL_ROWS },
  };
}
