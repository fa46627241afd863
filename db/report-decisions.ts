import { eq, sql } from 'drizzle-orm';
import { dialectOf, executeStatement, queryRows } from './dialect.ts';
import type { Db } from './open-db.ts';
import { placeholders, preparedWrite } from './prepared.ts';
import { insertReport } from './reports.ts';
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

/**
 * saveReportDecision for many reports. On PostgreSQL one statement that sets the decision and the
 * figures of each (the figures a report already holds are written as they are: the same stored
 * rows as the narrow form, without a round trip per report); a report given twice keeps the last.
 */
export async function saveReportDecisions(db: Db, items: readonly { report: ReportRow; figures: ReportFigures; d: ReportDecision }[]): Promise<void> {
  if (items.length === 0) return;
  if (dialectOf(db) !== 'pg') {
    for (const { report, figures, d } of items) await saveReportDecision(db, report, figures, d);
    return;
  }
  const last = new Map(items.map((item) => [item.report.id, item]));
  const rows = [...last.values()].map(({ report, figures: f, d }) => ({
    id: report.id, decision: d.decision, reasons: JSON.stringify(d.reasons), consent_id: d.consentId, licensee_id: d.licenseeId, status: d.status, updated_at: d.updatedAt,
    match_id: f.matchId, page_url: f.pageUrl, kind: f.kind, coverage: f.coverage, copied_words: f.copiedWords, last_seen_at: f.lastSeenAt, text_hash: f.textHash,
  }));
  await executeStatement(
    db,
    sql`update ${reports} as r set decision = x.decision, reasons = x.reasons::json, consent_id = x.consent_id, licensee_id = x.licensee_id, status = x.status,
          updated_at = x.updated_at, match_id = x.match_id, page_url = x.page_url, kind = x.kind, coverage = x.coverage, copied_words = x.copied_words,
          last_seen_at = x.last_seen_at, text_hash = x.text_hash
        from json_to_recordset(${JSON.stringify(rows)}::json) as x(id integer, decision text, reasons text, consent_id integer, licensee_id integer, status text,
          updated_at text, match_id integer, page_url text, kind text, coverage double precision, copied_words integer, last_seen_at text, text_hash text)
        where r.id = x.id`,
  );
}

/**
 * Inserts reports and answers their ids in the order given (insertReport's rows; on PostgreSQL
 * one statement for a chunk of re-decided copies instead of a round trip each).
 */
export async function insertReports(db: Db, rows: readonly Omit<ReportRow, 'id'>[]): Promise<number[]> {
  if (dialectOf(db) !== 'pg') {
    const ids: number[] = [];
    for (const row of rows) ids.push((await insertReport(db, row)).id);
    return ids;
  }
  if (rows.length === 0) return [];
  const items = rows.map((r, i) => ({
    n: i + 1, page_id: r.pageId, article_key: r.articleKey, match_id: r.matchId, page_url: r.pageUrl, host: r.host, rhost: r.rhost, kind: r.kind, coverage: r.coverage,
    copied_words: r.copiedWords, decision: r.decision, reasons: JSON.stringify(r.reasons), consent_id: r.consentId, licensee_id: r.licenseeId, status: r.status,
    assignee: r.assignee, notes: r.notes, text_hash: r.textHash, first_seen_at: r.firstSeenAt, last_seen_at: r.lastSeenAt, created_at: r.createdAt, updated_at: r.updatedAt,
  }));
  const inserted = await queryRows<{ id: number; page_id: number; article_key: number }>(
    db,
    sql`insert into ${reports} (page_id, article_key, match_id, page_url, host, rhost, kind, coverage, copied_words, decision, reasons, consent_id, licensee_id,
          status, assignee, notes, text_hash, first_seen_at, last_seen_at, created_at, updated_at)
        select x.page_id, x.article_key, x.match_id, x.page_url, x.host, x.rhost, x.kind, x.coverage, x.copied_words, x.decision, x.reasons::json, x.consent_id,
          x.licensee_id, x.status, x.assignee, x.notes, x.text_hash, x.first_seen_at, x.last_seen_at, x.created_at, x.updated_at
        from json_to_recordset(${JSON.stringify(items)}::json) as x(n integer, page_id integer, article_key integer, match_id integer, page_url text, host text,
          rhost text, kind text, coverage double precision, copied_words integer, decision text, reasons text, consent_id integer, licensee_id integer, status text,
          assignee text, notes text, text_hash text, first_seen_at text, last_seen_at text, created_at text, updated_at text)
        order by x.n
        returning id, page_id, article_key`,
  );
  // A report per page and article (a unique index): the key finds each row's id.
  const idOf = new Map(inserted.map((r) => [`${r.page_id}:${r.article_key}`, Number(r.id)]));
  return rows.map((r) => idOf.get(`${r.pageId}:${r.articleKey}`)!);
}
