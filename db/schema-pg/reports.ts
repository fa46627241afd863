/**
 * PostgreSQL twin of db/schema/reports.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, json, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { DECISION_VALUES, REPORT_CAPTURE_ROLES, REPORT_EVENT_KINDS, REPORT_STATUS_VALUES } from '../schema/reports.ts';
import { articles } from './articles.ts';
import { captures } from './captures.ts';
import { matches, pages } from './matches.ts';
import { consents, licensees } from './rights.ts';

export const reports = pgTable(
  'reports',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id),
    articleKey: integer('article_key')
      .notNull()
      .references(() => articles.key),
    matchId: integer('match_id').references(() => matches.id),
    pageUrl: text('page_url').notNull(),
    host: text('host').notNull(),
    rhost: text('rhost').notNull(),
    kind: text('kind', { enum: ['reproduction', 'excerpt', 'quotation'] }).notNull(),
    coverage: doublePrecision('coverage').notNull(),
    copiedWords: integer('copied_words').notNull(),
    decision: text('decision', { enum: DECISION_VALUES }).notNull(),
    reasons: json('reasons').$type<string[]>().notNull(),
    consentId: integer('consent_id').references(() => consents.id),
    licenseeId: integer('licensee_id').references(() => licensees.id),
    status: text('status', { enum: REPORT_STATUS_VALUES }).notNull(),
    assignee: text('assignee'),
    notes: text('notes'),
    textHash: text('text_hash').notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('reports_page_article_idx').on(t.pageId, t.articleKey),
    // Partial, as in SQLite (see the twin for why licensed reports are left out).
    index('reports_status_seen_idx').on(t.status, t.lastSeenAt).where(sql`${t.status} <> 'licensed'`),
    index('reports_list_idx').on(t.status, t.decision, t.rhost, t.coverage, t.lastSeenAt),
    index('reports_rhost_seen_idx').on(t.rhost, t.lastSeenAt),
    index('reports_article_idx').on(t.articleKey),
    index('reports_licensee_idx').on(t.licenseeId),
    index('reports_match_idx').on(t.matchId),
    index('reports_seen_idx').on(t.lastSeenAt),
    index('reports_first_seen_idx').on(t.firstSeenAt),
    index('reports_coverage_idx').on(t.coverage),
  ],
);

/** Append-only: the triggers of migration 0001_append_only refuse UPDATE and DELETE. */
export const reportEvents = pgTable(
  'report_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    at: text('at').notNull(),
    actor: text('actor').notNull(),
    kind: text('kind', { enum: REPORT_EVENT_KINDS }).notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    detail: json('detail').$type<Record<string, unknown>>(),
  },
  (t) => [index('report_events_report_idx').on(t.reportId, t.id)],
);

/** Append-only, like report_events. */
export const reportCaptures = pgTable(
  'report_captures',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    captureId: bigint('capture_id', { mode: 'number' })
      .notNull()
      .references(() => captures.id),
    role: text('role', { enum: REPORT_CAPTURE_ROLES }).notNull(),
    at: text('at').notNull(),
  },
  (t) => [uniqueIndex('report_captures_report_capture_idx').on(t.reportId, t.captureId)],
);
