import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { captures } from './captures.ts';
import { sources } from './sources.ts';

export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Outcome of the last visit of one URL by one source. */
export const URL_STATUSES = ['matched', 'no_match', 'unchanged', 'not_modified', 'owned', 'failed'] as const;
export type UrlStatus = (typeof URL_STATUSES)[number];

/** Resumable work list of a run: the enumerated URLs, or a site frontier (crawlers/site.ts). */
export type RunFrontier =
  | { kind: 'list'; urls: string[] }
  | { kind: 'site'; state?: unknown };

/** One run of one source. A row left `running` by a killed process is resumed by the next run. */
export const crawlRuns = sqliteTable(
  'crawl_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    startedAt: text('started_at').notNull(),
    finishedAt: text('finished_at'),
    // Null until the source's candidate URLs have been enumerated.
    frontier: text('frontier', { mode: 'json' }).$type<RunFrontier>(),
    pagesFetched: integer('pages_fetched').notNull(),
    pagesUnchanged: integer('pages_unchanged').notNull(),
    pagesFailed: integer('pages_failed').notNull(),
    matchesFound: integer('matches_found').notNull(),
    // Watch sources: pages whose 404/410 proved a flagged copy removed (also in pagesFetched).
    pagesRemoved: integer('pages_removed').notNull().default(0),
    // Failures counted by FetchError reason (plus `extract_failed`, `source_failed`).
    errors: text('errors', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    message: text('message'),
    // Which process works on the run ("host:pid") and until when (renewed while it works): a
    // second process must not run the same source, but a dead one's run may be resumed at once.
    leaseOwner: text('lease_owner'),
    leaseUntil: text('lease_until'),
  },
  (t) => [index('crawl_runs_source_idx').on(t.sourceId, t.id)],
);

/** Per source and normalised URL: what the last fetch found, for conditional requests and resumes. */
export const crawlUrls = sqliteTable(
  'crawl_urls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    // The run that last visited it: a resumed run skips URLs it already did.
    lastRunId: integer('last_run_id'),
    lastFetchedAt: text('last_fetched_at'),
    // When it last gave a usable answer (200 or 304): revisit intervals count from here.
    lastOkAt: text('last_ok_at'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    textHash: text('text_hash'),
    status: text('status', { enum: URL_STATUSES }).notNull(),
    failureReason: text('failure_reason'),
    attempts: integer('attempts').notNull(),
    captureId: integer('capture_id').references(() => captures.id),
  },
  (t) => [uniqueIndex('crawl_urls_source_url_idx').on(t.sourceId, t.url), index('crawl_urls_run_idx').on(t.lastRunId)],
);

/**
 * A site crawl's frontier, one row per accepted URL (append-only, marked done with the page's
 * commit): saving it costs one row per link, not the whole frontier per page.
 */
export const crawlFrontier = sqliteTable(
  'crawl_frontier',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: integer('run_id')
      .notNull()
      .references(() => crawlRuns.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    depth: integer('depth').notNull(),
    done: integer('done', { mode: 'boolean' }).notNull(),
  },
  (t) => [uniqueIndex('crawl_frontier_run_url_idx').on(t.runId, t.url), index('crawl_frontier_run_done_idx').on(t.runId, t.done, t.id)],
);

export type CrawlRunRow = typeof crawlRuns.$inferSelect;
export type CrawlUrlRow = typeof crawlUrls.$inferSelect;
export type NewCrawlUrlRow = typeof crawlUrls.$inferInsert;

/**
 * robots.txt as last read, shared by every crawl process of the installation (crawlers/robots.ts
 * keeps its own copy in memory too): a host's robots.txt is fetched once per expiry for the whole
 * fleet, not once per worker. One row per origin. `claimedUntil` (ms) marks a process fetching it
 * now, so the others wait for its answer instead of fetching too; the content columns are null
 * until the first answer is stored. Times are milliseconds since the epoch, as RobotsRecord's.
 * Not evidence and not copied for its own sake: a cache whose rows expire (at most 24 hours).
 */
export const robotsTxt = sqliteTable('robots_txt', {
  origin: text('origin').primaryKey(),
  claimedUntil: integer('claimed_until').notNull(),
  // 'parsed' | 'allow_all' | 'disallow_all' (crawlers/robots.ts RobotsStatus).
  status: text('status'),
  httpStatus: integer('http_status'),
  // The rules as fetched (at most crawl.robotsMaxBytes), for 'parsed' only.
  body: text('body'),
  note: text('note'),
  fetchedAt: integer('fetched_at'),
  expiresAt: integer('expires_at'),
});

export type RobotsTxtRow = typeof robotsTxt.$inferSelect;
