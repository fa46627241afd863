/**
 * PostgreSQL twin of db/schema/custody.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { sql } from 'drizzle-orm';
import { bigint, index, integer, json, pgTable, text } from 'drizzle-orm/pg-core';
import { CUSTODY_ENTRY_TYPES } from '../schema/custody.ts';

/**
 * Append-only (triggers in migration 0001_append_only). Entry n of the tree is row n + 1, so rows
 * must not leave gaps: a PostgreSQL sequence does not roll back with its transaction, so code
 * writing here on PostgreSQL gives the id itself (last id + 1) rather than relying on the identity.
 */
export const custodyEntries = pgTable(
  'custody_entries',
  {
    // bigint: one entry per capture, decision and report event.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    type: text('type', { enum: CUSTODY_ENTRY_TYPES }).notNull(),
    refId: bigint('ref_id', { mode: 'number' }).notNull(),
    at: text('at').notNull(),
    leaf: text('leaf').notNull(),
    leafHash: text('leaf_hash').notNull(),
  },
  (t) => [index('custody_entries_ref_idx').on(t.type, t.refId).where(sql`${t.type} <> 'decision'`)],
);

export const custodyTiles = pgTable('custody_tiles', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  hash: text('hash').notNull(),
});

export const treeHeads = pgTable('tree_heads', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  // A count of custody entries (bigint there).
  size: bigint('size', { mode: 'number' }).notNull(),
  rootHash: text('root_hash').notNull(),
  timestamp: text('timestamp').notNull(),
  signature: text('signature').notNull(),
  keyId: text('key_id').notNull(),
  reason: text('reason').notNull(),
  timestampToken: text('timestamp_token'),
});

export const captureRenders = pgTable(
  'capture_renders',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    // No foreign key, as in SQLite; bigint like captures.id.
    captureId: bigint('capture_id', { mode: 'number' }).notNull(),
    format: text('format', { enum: ['png', 'pdf'] }).notNull(),
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    warnings: json('warnings').$type<string[]>().notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('capture_renders_capture_idx').on(t.captureId)],
);
