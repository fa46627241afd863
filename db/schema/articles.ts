import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** The publisher's own articles: what Copyhound protects. */
export const articles = sqliteTable(
  'articles',
  {
    // Internal numeric key: compact in the in-memory fingerprint index (4 bytes per entry).
    key: integer('key').primaryKey({ autoIncrement: true }),
    // The publisher's own id, shown to users and used for upserts.
    id: text('id').notNull().unique(),
    url: text('url').notNull(),
    title: text('title').notNull(),
    // Plain text, paragraphs separated by a blank line (extracted when the record came as HTML).
    body: text('body').notNull(),
    bodySource: text('body_source', { enum: ['text', 'html'] }).notNull(),
    publishedAt: text('published_at'),
    author: text('author'),
    language: text('language'),
    section: text('section'),
    tags: text('tags', { mode: 'json' }).$type<string[]>(),
    credit: text('credit'),
    // The article's canonical address when it differs from url (a page there is the publisher's own).
    canonicalUrl: text('canonical_url'),
    // Archived articles are kept for the reports that cite them but no longer matched.
    archivedAt: text('archived_at'),
    // SHA-256 of the normalised record: tells an unchanged re-import from an update.
    contentHash: text('content_hash').notNull(),
    // ISO 8601 UTC, set by the application (portable across SQLite and PostgreSQL).
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('articles_title_idx').on(t.title),
    // Lets a running server notice cheaply that another process changed the registry.
    index('articles_updated_at_idx').on(t.updatedAt),
  ],
);

/**
 * Fingerprints of an owned article, one row per article: the document simhash and the passage
 * simhashes with their character offsets, packed in a blob so that loading a million articles
 * at start is one sequential read rather than tens of millions of rows.
 */
export const articleFingerprints = sqliteTable('article_fingerprints', {
  articleKey: integer('article_key')
    .primaryKey()
    .references(() => articles.key, { onDelete: 'cascade' }),
  // Bumped when the fingerprinting method changes, so stale rows are recomputed.
  version: integer('version').notNull(),
  // The method and the settings that shape passages (e.g. "v1:r6:p6-40"): rows made under other
  // settings are recomputed at start, so changing a setting never mixes incompatible hashes.
  method: text('method').notNull().default(''),
  passages: blob('passages', { mode: 'buffer' }).notNull(),
});

export type ArticleRow = typeof articles.$inferSelect;
export type NewArticleRow = typeof articles.$inferInsert;
