/**
 * PostgreSQL twin of db/schema/articles.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { customType, index, integer, json, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * bytea as a Node Buffer: the TS type of SQLite's blob({ mode: 'buffer' }). node-postgres reads
 * bytea as a Buffer and writes a Buffer as bytea, so no conversion is needed either way.
 */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType() {
    return 'bytea';
  },
});

/** The publisher's own articles: what Copyhound protects. */
export const articles = pgTable(
  'articles',
  {
    key: integer('key').primaryKey().generatedByDefaultAsIdentity(),
    id: text('id').notNull().unique(),
    url: text('url').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    bodySource: text('body_source', { enum: ['text', 'html'] }).notNull(),
    publishedAt: text('published_at'),
    author: text('author'),
    language: text('language'),
    section: text('section'),
    tags: json('tags').$type<string[]>(),
    credit: text('credit'),
    canonicalUrl: text('canonical_url'),
    archivedAt: text('archived_at'),
    contentHash: text('content_hash').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('articles_title_idx').on(t.title), index('articles_updated_at_idx').on(t.updatedAt)],
);

/** Fingerprints of an owned article, packed in one bytea (see the SQLite twin for why). */
export const articleFingerprints = pgTable('article_fingerprints', {
  // Identity only so the insert type matches SQLite's (an integer primary key there may be omitted).
  articleKey: integer('article_key')
    .primaryKey()
    .generatedByDefaultAsIdentity()
    .references(() => articles.key, { onDelete: 'cascade' }),
  version: integer('version').notNull(),
  method: text('method').notNull().default(''),
  passages: bytea('passages').notNull(),
});
