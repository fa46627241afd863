import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The publisher's own sites, its licensees and the consents it gave them. List-valued fields are
 * JSON text (portable to PostgreSQL as text/jsonb); places use the grammar of src/rights/places.ts.
 */

/** Pages on these places are the publisher's own: never a report. */
export const ownerSites = sqliteTable('owner_sites', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  place: text('place').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
});

/** An organisation that may republish under consent, and the sites it publishes on. */
export const licensees = sqliteTable('licensees', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  contacts: text('contacts', { mode: 'json' }).$type<string[]>().notNull(),
  notes: text('notes'),
  places: text('places', { mode: 'json' }).$type<string[]>().notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const CONSENT_STATUS_VALUES = ['pending', 'active', 'revoked', 'expired'] as const;

/** One consent record (src/rights/types.ts Consent). */
export const consents = sqliteTable(
  'consents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uid: text('uid').notNull().unique(),
    licenseeId: integer('licensee_id')
      .notNull()
      .references(() => licensees.id),
    scope: text('scope', { mode: 'json' })
      .$type<{ all: boolean; ids: string[]; sections: string[]; tags: string[]; publishedFrom: string | null; publishedUntil: string | null }>()
      .notNull(),
    places: text('places', { mode: 'json' }).$type<string[]>().notNull(),
    validFrom: text('valid_from'),
    validUntil: text('valid_until'),
    use: text('use', { enum: ['full', 'excerpt'] }).notNull(),
    maxWords: integer('max_words'),
    maxPercent: real('max_percent'),
    holdBackHours: real('hold_back_hours'),
    duties: text('duties', { mode: 'json' }).$type<('credit' | 'link' | 'canonical')[]>().notNull(),
    territory: text('territory'),
    contractRef: text('contract_ref'),
    status: text('status', { enum: CONSENT_STATUS_VALUES }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [index('consents_licensee_idx').on(t.licenseeId)],
);

export type OwnerSiteRow = typeof ownerSites.$inferSelect;
export type LicenseeRow = typeof licensees.$inferSelect;
export type ConsentRow = typeof consents.$inferSelect;
