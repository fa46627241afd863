import { eq, sql } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { placeholders, preparedWrite } from './prepared.ts';
import { reports, type ReportRow } from './schema/reports.ts';

/**
 * The reports table as decisions write it: the new decision, figures and status of one report.
 * Prepared once per connection, since a consent change re-decides thousands of reports in one
 * transaction; the narrow form leaves the figure columns (and their indexes) alone when only the
 * decision moved.
 */

export interface ReportDecision {
  decision: ReportRow['decision'];
  reasons: string[];
  consentId: number | null;
  licenseeId: number | null;
  status: ReportRow['status'];
  updatedAt: string;
}

export interface ReportFigures {
  matchId: number;
  pageUrl: string;
  kind: ReportRow['kind'];
  coverage: number;
  copiedWords: number;
  lastSeenAt: string;
  textHash: string;
}

const DECISION_FIELDS = ['decision', 'reasons', 'consentId', 'licenseeId', 'status'] as const;
type DecisionField = (typeof DECISION_FIELDS)[number];

const figuresSet = placeholders('matchId', 'pageUrl', 'kind', 'coverage', 'copiedWords', 'lastSeenAt', 'textHash');

/** True when the report already holds these figures. */
export function hasSameFigures(report: ReportRow, f: ReportFigures): boolean {
  return (
    report.matchId === f.matchId &&
    report.pageUrl === f.pageUrl &&
    report.kind === f.kind &&
    report.coverage === f.coverage &&
    report.copiedWords === f.copiedWords &&
    report.lastSeenAt === f.lastSeenAt &&
    report.textHash === f.textHash
  );
}

function sameValue(field: DecisionField, report: ReportRow, d: ReportDecision): boolean {
  return field === 'reasons' ? JSON.stringify(report.reasons) === JSON.stringify(d.reasons) : report[field] === d[field];
}

/** Writes a report's decision and status, and its figures when they changed. */
export async function saveReportDecision(db: Db, report: ReportRow, figures: ReportFigures, d: ReportDecision): Promise<void> {
  if (hasSameFigures(report, figures)) {
    // Only the columns whose value changed: SQLite rewrites an index's entry whenever a column
    // it holds is assigned, even to the same value, and a consent change (revoked, say) leaves
    // most reports' status and licensee as they were.
    const changed = DECISION_FIELDS.filter((field) => !sameValue(field, report, d));
    const run = preparedWrite(db, `saveReportDecisionNarrow:${changed.join(',')}`, (c) =>
      c
        .update(reports)
        .set(placeholders(...changed, 'updatedAt'))
        .where(eq(reports.id, sql.placeholder('id'))),
    );
    await run({ id: report.id, ...d });
    return;
  }
  const decisionSet = placeholders(...DECISION_FIELDS, 'updatedAt');
  const run = preparedWrite(db, 'saveReportDecisionFull', (c) =>
    c
      .update(reports)
      .set({ ...decisionSet, ...figuresSet })
      .where(eq(reports.id, sql.placeholder('id'))),
  );
  await run({ id: report.id, ...d, ...figures });
}
