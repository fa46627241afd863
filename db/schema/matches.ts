import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { articles } from './articles.ts';
import { captures } from './captures.ts';

/** A page seen by the pipeline (any source, or a manual check), keyed by its URL. */
export const pages = sqliteTable('pages', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull().unique(),
  title: text('title').notNull(),
  // SHA-256 of the extracted text: an unchanged page is not matched again.
  textHash: text('text_hash').notNull(),
  captureId: integer('capture_id').references(() => captures.id),
  firstSeenAt: text('first_seen_at').notNull(),
  lastSeenAt: text('last_seen_at').notNull(),
  // When the text was last run through the match engine: articles imported later mean it must be again.
  matchedAt: text('matched_at'),
  // The host's labels reversed with a trailing dot ("com.example.www."): the pages of a domain and
  // its sub-domains are one index range, so a consent change finds the matches it touches.
  rhost: text('rhost'),
  // What extraction read off the page for duties and hold-back (src/rights/decide.ts PageSignals,
  // without url and firstSeenAt): kept so a decision can be made again without re-fetching.
  signals: text('signals', { mode: 'json' }).$type<PageSignalsRow>(),
}, (t) => [index('pages_rhost_idx').on(t.rhost)]);

export interface PageSignalsRow {
  canonicalUrl: string | null;
  credits: string[];
  author: string | null;
  siteName: string | null;
  links: string[];
  publishedAt: string | null;
}

export const DECISION_KINDS = ['owner_site', 'allowed_quotation', 'licensed', 'licence_breach', 'unlicensed'] as const;

/** How a decision came about: the inputs considered and the steps (src/rights/decide.ts DecisionOutcome). */
export interface DecisionDetailRow {
  at: string;
  explanation: string[];
  considered: unknown[];
  pending: unknown[];
  /** Absent when stored (they are the signals of the consent decided on, in `considered`); present when read. */
  signals?: unknown[];
}

export const MATCH_KINDS = ['reproduction', 'excerpt', 'quotation'] as const;

/** One owned article found on one page; re-runs update the row, never add another. */
export const matches = sqliteTable(
  'matches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    pageId: integer('page_id')
      .notNull()
      .references(() => pages.id, { onDelete: 'cascade' }),
    articleKey: integer('article_key')
      .notNull()
      .references(() => articles.key, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MATCH_KINDS }).notNull(),
    coverage: real('coverage').notNull(),
    pageShare: real('page_share').notNull(),
    copiedWords: integer('copied_words').notNull(),
    longestRun: integer('longest_run').notNull(),
    passages: text('passages', { mode: 'json' }).$type<{ pageStart: number; pageEnd: number; articleStart: number; articleEnd: number }[]>().notNull(),
    // The capture the figures were computed from.
    captureId: integer('capture_id').references(() => captures.id),
    // Flagged matches are re-checked by watch sources (still present, changed, removed).
    flagged: integer('flagged', { mode: 'boolean' }).notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
  },
  (t) => [uniqueIndex('matches_page_article_idx').on(t.pageId, t.articleKey), index('matches_last_seen_idx').on(t.lastSeenAt), index('matches_article_idx').on(t.articleKey)],
);

export const RECHECK_OUTCOMES = ['still_present', 'changed', 'removed'] as const;
export type RecheckOutcome = (typeof RECHECK_OUTCOMES)[number];

/** Each re-fetch of a flagged page: proof of persistence or removal, with its capture. */
export const rechecks = sqliteTable(
  'rechecks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    matchId: integer('match_id').references(() => matches.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    checkedAt: text('checked_at').notNull(),
    outcome: text('outcome', { enum: RECHECK_OUTCOMES }).notNull(),
    httpStatus: integer('http_status'),
    captureId: integer('capture_id').references(() => captures.id),
  },
  (t) => [index('rechecks_match_idx').on(t.matchId), index('rechecks_url_idx').on(t.url)],
);

/**
 * The rights decision of a match, in a table of its own: a match row carries its passages (kilobytes
 * of JSON), and re-deciding 10,000 matches after a consent change rewrote all of them.
 */
export const matchDecisions = sqliteTable(
  'match_decisions',
  {
    matchId: integer('match_id')
      .primaryKey()
      .references(() => matches.id, { onDelete: 'cascade' }),
    decision: text('decision', { enum: DECISION_KINDS }).notNull(),
    // Broken terms of the consent named (licence_breach), else empty.
    reasons: text('reasons', { mode: 'json' }).$type<string[]>().notNull(),
    consentId: integer('consent_id'),
    detail: text('detail', { mode: 'json' }).$type<DecisionDetailRow>().notNull(),
    decidedAt: text('decided_at').notNull(),
    // The custody log entry of the decision as it stands (a changed decision is a new entry).
    custodyIndex: integer('custody_index'),
  },
  (t) => [index('match_decisions_consent_idx').on(t.consentId)],
);

export type PageRow = typeof pages.$inferSelect;
export type MatchRow = typeof matches.$inferSelect;
export type MatchDecisionRow = typeof matchDecisions.$inferSelect;
export type RecheckRow = typeof rechecks.$inferSelect;
