/**
 * PostgreSQL twin of db/schema/rights.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { doublePrecision, index, integer, json, pgTable, text } from 'drizzle-orm/pg-core';
import { CONSENT_STATUS_VALUES } from '../schema/rights.ts';

export const ownerSites = pgTable('owner_sites', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  place: text('place').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
});

export const licensees = pgTable('licensees', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull().unique(),
  contacts: json('contacts').$type<string[]>().notNull(),
  notes: text('notes'),
  places: json('places').$type<string[]>().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const consents = pgTable(
  'consents',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    uid: text('uid').notNull().unique(),
    licenseeId: integer('licensee_id')
      .notNull()
      .references(() => licensees.id),
    scope: json('scope')
      .$type<{ all: boolean; ids: string[]; sections: string[]; tags: string[]; publishedFrom: string | null; publishedUntil: string | null }>()
      .notNull(),
    places: json('places').$type<string[]>().notNull(),
    validFrom: text('valid_from'),
    validUntil: text('valid_until'),
    use: text('use', { enum: ['full', 'excerpt'] }).notNull(),
    maxWords: integer('max_words'),
    maxPercent: doublePrecision('max_percent'),
    holdBackHours: doublePrecision('hold_back_hours'),
    duties: json('duties').$type<('credit' | 'link' | 'canonical')[]>().notNull(),
    territory: text('territory'),
    contractRef: text('contract_ref'),
    status: text('status', { enum: CONSENT_STATUS_VALUES }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('consents_licensee_idx').on(t.licenseeId)],
);
