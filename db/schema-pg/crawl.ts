/**
 * PostgreSQL twin of db/schema/crawl.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { bigint, boolean, index, integer, json, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { RUN_STATUSES, URL_STATUSES, type RunFrontier } from '../schema/crawl.ts';
import { captures } from './captures.ts';
import { sources } from './sources.ts';

export const crawlRuns = pgTable(
  'crawl_runs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    frontier: json('frontier').$type<RunFrontier>(),
    pagesFetched: integer('pages_fetched').notNull(),
    pagesUnchanged: integer('pages_unchanged').notNull(),
    pagesFailed: integer('pages_failed').notNull(),
    matchesFound: integer('matches_found').notNull(),
    pagesRemoved: integer('pages_removed').notNull().default(0),
    errors: json('errors').$type<Record<string, number>>().notNull(),
    message: text('message'),
    leaseOwner: text('lease_owner'),
    leaseUntil: text('lease_until'),
  },
  (t) => [index('crawl_runs_source_idx').on(t.sourceId, t.id)],
);

export const crawlUrls = pgTable(
  'crawl_urls',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    lastRunId: integer('last_run_id'),
    lastFetchedAt: text('last_fetched_at'),
    lastOkAt: text('last_ok_at'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    textHash: text('text_hash'),
    status: text('status', { enum: URL_STATUSES }).notNull(),
    failureReason: text('failure_reason'),
    attempts: integer('attempts').notNull(),
    captureId: bigint('capture_id', { mode: 'number' }).references(() => captures.id),
  },
  (t) => [uniqueIndex('crawl_urls_source_url_idx').on(t.sourceId, t.url), index('crawl_urls_run_idx').on(t.lastRunId)],
);

export const crawlFrontier = pgTable(
  'crawl_frontier',
  {
    // bigint: one row per accepted link of every site run, the fastest-growing table.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    runId: integer('run_id')
      .notNull()
      .references(() => crawlRuns.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    depth: integer('depth').notNull(),
    done: boolean('done').notNull(),
  },
  (t) => [uniqueIndex('crawl_frontier_run_url_idx').on(t.runId, t.url), index('crawl_frontier_run_done_idx').on(t.runId, t.done, t.id)],
);

export const robotsTxt = pgTable('robots_txt', {
  origin: text('origin').primaryKey(),
  claimedUntil: bigint('claimed_until', { mode: 'number' }).notNull(),
  status: text('status'),
  httpStatus: integer('http_status'),
  body: text('body'),
  note: text('note'),
  fetchedAt: bigint('fetched_at', { mode: 'number' }),
  expiresAt: bigint('expires_at', { mode: 'number' }),
});
