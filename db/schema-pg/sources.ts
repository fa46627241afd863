/**
 * PostgreSQL twin of db/schema/sources.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { boolean, index, integer, json, pgTable, text } from 'drizzle-orm/pg-core';
import { SOURCE_TYPES, type SourceLimits } from '../schema/sources.ts';

export const sources = pgTable(
  'sources',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull().unique(),
    type: text('type', { enum: SOURCE_TYPES }).notNull(),
    url: text('url'),
    urls: json('urls').$type<string[]>(),
    schedule: text('schedule'),
    limits: json('limits').$type<SourceLimits>().notNull(),
    enabled: boolean('enabled').notNull(),
    isOwnerFeed: boolean('is_owner_feed').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('sources_enabled_idx').on(t.enabled)],
);
