import { ConflictError } from '../errors.ts';

/**
 * The life of an infringement report. A reviewer confirms or dismisses a new report; a confirmed
 * one gets a notice, after which the copy is removed or the case escalated. Whenever a consent
 * comes to cover the copy the report becomes `licensed`; `closed` ends a case. Copyhound itself
 * moves reports too (with the same table): to `removed` when a re-check proves the copy gone, to
 * `licensed` when a consent covers it, and back to `new` when a closed case's page changes or a
 * licensed copy loses its consent.
 */
export const REPORT_STATUSES = ['new', 'confirmed', 'dismissed', 'notice_sent', 'removed', 'escalated', 'licensed', 'closed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

const TRANSITIONS: Record<ReportStatus, readonly ReportStatus[]> = {
  new: ['confirmed', 'dismissed', 'licensed', 'closed'],
  confirmed: ['notice_sent', 'removed', 'dismissed', 'licensed', 'closed'],
  notice_sent: ['removed', 'escalated', 'licensed', 'closed'],
  escalated: ['removed', 'licensed', 'closed'],
  removed: ['closed', 'licensed', 'new'],
  dismissed: ['new', 'licensed', 'closed'],
  licensed: ['new', 'closed'],
  closed: ['new', 'licensed'],
};

export function allowedTransitions(from: ReportStatus): readonly ReportStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: ReportStatus, to: ReportStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws ConflictError (409) naming the statuses the report can move to. */
export function assertTransition(reportId: number, from: ReportStatus, to: ReportStatus): void {
  if (canTransition(from, to)) return;
  const allowed = TRANSITIONS[from];
  throw new ConflictError(`Report ${reportId} cannot move from ${from} to ${to}; from ${from} it can move to: ${allowed.join(', ')}`, {
    reportId,
    from,
    to,
    allowed,
  });
}

/** Statuses in which a re-check that finds the copy gone moves the report to `removed`. */
export const REMOVABLE_STATUSES: ReadonlySet<ReportStatus> = new Set(['confirmed', 'notice_sent']);

/** Statuses in which a changed page re-opens the report. */
export const REOPEN_ON_CHANGE_STATUSES: ReadonlySet<ReportStatus> = new Set(['closed']);
