import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const SOURCE_TYPES = ['feed', 'sitemap', 'urls', 'site', 'watch'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

/** Per-source limits; absent fields fall back to the crawl settings. */
export interface SourceLimits {
  maxPages?: number;
  maxDepth?: number;
  /** A page fetched successfully this recently is not fetched again by the next run (ms). */
  revisitAfterMs?: number;
}

/** Where candidate pages come from: a feed, a sitemap, a URL list, a site, or watched URLs. */
export const sources = sqliteTable('sources', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  type: text('type', { enum: SOURCE_TYPES }).notNull(),
  // Feed/sitemap/site start URL; for urls/watch sources the list itself is in `urls`.
  url: text('url'),
  urls: text('urls', { mode: 'json' }).$type<string[]>(),
  // node-cron expression; null: runs only when asked (`copyhound crawl NAME`).
  schedule: text('schedule'),
  limits: text('limits', { mode: 'json' }).$type<SourceLimits>().notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  // The publisher's own feed/sitemap: its pages become owned articles, not candidates.
  isOwnerFeed: integer('is_owner_feed', { mode: 'boolean' }).notNull(),
  // ISO 8601 UTC, set by the application.
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
}, (t) => [index('sources_enabled_idx').on(t.enabled)]);

export type SourceRow = typeof sources.$inferSelect;
export type NewSourceRow = typeof sources.$inferInsert;
