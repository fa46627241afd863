/**
 * PostgreSQL twin of db/schema/matches.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { bigint, boolean, doublePrecision, index, integer, json, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { DECISION_KINDS, MATCH_KINDS, RECHECK_OUTCOMES, type DecisionDetailRow, type PageSignalsRow } from '../schema/matches.ts';
import { articles } from './articles.ts';
import { captures } from './captures.ts';

export const pages = pgTable(
  'pages',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    url: text('url').notNull().unique(),
    title: text('title').notNull(),
    textHash: text('text_hash').notNull(),
    captureId: bigint('capture_id', { mode: 'number' }).references(() => captures.id),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    matchedAt: text('matched_at'),
    rhost: text('rhost'),
    signals: json('signals').$type<PageSignalsRow>(),
  },
  (t) => [index('pages_rhost_idx').on(t.rhost)],
);

export const matches = pgTable(
  'matches',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id, { onDelete: 'cascade' }),
    articleKey: integer('article_key')
      .notNull()
      .references(() => articles.key, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MATCH_KINDS }).notNull(),
    coverage: doublePrecision('coverage').notNull(),
    pageShare: doublePrecision('page_share').notNull(),
    copiedWords: integer('copied_words').notNull(),
    longestRun: integer('longest_run').notNull(),
    passages: json('passages').$type<{ pageStart: number; pageEnd: number; articleStart: number; articleEnd: number }[]>().notNull(),
    captureId: bigint('capture_id', { mode: 'number' }).references(() => captures.id),
    flagged: boolean('flagged').notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('matches_page_article_idx').on(t.pageId, t.articleKey), index('matches_last_seen_idx').on(t.lastSeenAt), index('matches_article_idx').on(t.articleKey)],
);

export const rechecks = pgTable(
  'rechecks',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    matchId: integer('match_id').references(() => matches.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    checkedAt: text('checked_at').notNull(),
    outcome: text('outcome', { enum: RECHECK_OUTCOMES }).notNull(),
    httpStatus: integer('http_status'),
    captureId: bigint('capture_id', { mode: 'number' }).references(() => captures.id),
  },
  (t) => [index('rechecks_match_idx').on(t.matchId), index('rechecks_url_idx').on(t.url)],
);

export const matchDecisions = pgTable(
  'match_decisions',
  {
    // Identity only so the insert type matches SQLite's (an integer primary key there may be omitted).
    matchId: integer('match_id')
      .primaryKey()
      .generatedByDefaultAsIdentity()
      .references(() => matches.id, { onDelete: 'cascade' }),
    decision: text('decision', { enum: DECISION_KINDS }).notNull(),
    reasons: json('reasons').$type<string[]>().notNull(),
    consentId: integer('consent_id'),
    detail: json('detail').$type<DecisionDetailRow>().notNull(),
    decidedAt: text('decided_at').notNull(),
    // An index into the custody log (bigint there).
    custodyIndex: bigint('custody_index', { mode: 'number' }),
  },
  (t) => [index('match_decisions_consent_idx').on(t.consentId)],
);
