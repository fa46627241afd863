import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { articles } from './articles.ts';
import { captures } from './captures.ts';
import { matches, pages } from './matches.ts';
import { consents, licensees } from './rights.ts';

export const REPORT_STATUS_VALUES = ['new', 'confirmed', 'dismissed', 'notice_sent', 'removed', 'escalated', 'licensed', 'closed'] as const;
export const DECISION_VALUES = ['owner_site', 'allowed_quotation', 'licensed', 'licence_breach', 'unlicensed'] as const;

/**
 * One infringement report per (page, owned article). The figures and the decision are copied from
 * the match when it is decided, so lists filter and sort on one table. No foreign key cascades
 * into here: a report and its evidence outlive anything it points at being archived.
 */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id),
    articleKey: integer('article_key')
      .notNull()
      .references(() => articles.key),
    matchId: integer('match_id').references(() => matches.id),
    pageUrl: text('page_url').notNull(),
    host: text('host').notNull(),
    // The host's labels reversed with a trailing dot ("com.example.www."): a domain and all its
    // sub-domains are one index range.
    rhost: text('rhost').notNull(),
    kind: text('kind', { enum: ['reproduction', 'excerpt', 'quotation'] }).notNull(),
    coverage: real('coverage').notNull(),
    copiedWords: integer('copied_words').notNull(),
    decision: text('decision', { enum: DECISION_VALUES }).notNull(),
    reasons: text('reasons', { mode: 'json' }).$type<string[]>().notNull(),
    consentId: integer('consent_id').references(() => consents.id),
    licenseeId: integer('licensee_id').references(() => licensees.id),
    status: text('status', { enum: REPORT_STATUS_VALUES }).notNull(),
    assignee: text('assignee'),
    notes: text('notes'),
    // Text hash of the page when last decided: a change re-opens a closed report.
    textHash: text('text_hash').notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('reports_page_article_idx').on(t.pageId, t.articleKey),
    // The review queue by status, newest first. Without licensed reports: a consent change moves
    // thousands of reports to or from `licensed`, and each move in or out of this index is a
    // random page write. Lists whose status filter leaves licensed reports out add this same
    // condition (db/reports.ts), which is how SQLite knows it may use the index.
    index('reports_status_seen_idx').on(t.status, t.lastSeenAt).where(sql`${t.status} <> 'licensed'`),
    // The list's usual filters: the equality columns lead, then the domain range, then what the
    // page is filtered and sorted by, so a page's ids come from this index alone (no table reads).
    index('reports_list_idx').on(t.status, t.decision, t.rhost, t.coverage, t.lastSeenAt),
    // A domain's reports newest first. No status or decision in it: a consent change moves
    // thousands of reports' status and decision, and each indexed copy of those costs a write.
    index('reports_rhost_seen_idx').on(t.rhost, t.lastSeenAt),
    index('reports_article_idx').on(t.articleKey),
    index('reports_licensee_idx').on(t.licenseeId),
    // No index on consent_id: no list filters on it and consents are never deleted (nothing to
    // check references for), while every re-decision would write it.
    index('reports_match_idx').on(t.matchId),
    index('reports_seen_idx').on(t.lastSeenAt),
    index('reports_first_seen_idx').on(t.firstSeenAt),
    index('reports_coverage_idx').on(t.coverage),
  ],
);

export const REPORT_EVENT_KINDS = ['created', 'status', 'decision', 'reopened', 'assigned', 'note', 'evidence_exported'] as const;

/**
 * Append-only history of a report: who, when, from → to, why. Database triggers refuse UPDATE
 * and DELETE on this table (migration 0010), so not even a bug in Copyhound can rewrite it.
 */
export const reportEvents = sqliteTable(
  'report_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    kind: text('kind', { enum: REPORT_EVENT_KINDS }).notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    // Decision before/after, capture cited, consent that caused it...
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('report_events_report_idx').on(t.reportId, t.id)],
);

export const REPORT_CAPTURE_ROLES = ['first_seen', 'seen_again', 'recheck'] as const;

/** Every capture that shows the report's page (first sighting, later visits, re-checks). Append-only. */
export const reportCaptures = sqliteTable(
  'report_captures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    captureId: integer('capture_id')
      .notNull()
      .references(() => captures.id),
    role: text('role', { enum: REPORT_CAPTURE_ROLES }).notNull(),
    at: text('at').notNull(),
  },
  (t) => [uniqueIndex('report_captures_report_capture_idx').on(t.reportId, t.captureId)],
);

export type ReportRow = typeof reports.$inferSelect;
export type ReportEventRow = typeof reportEvents.$inferSelect;
export type ReportCaptureRow = typeof reportCaptures.$inferSelect;
