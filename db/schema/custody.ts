import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * The custody log: a Merkle tree in the style of Certificate Transparency (RFC 6962/9162) over
 * every capture, decision, rendered view and report event, and every capture removed by
 * retention (`capture_pruned`, a tombstone: src/capture-retention.ts). Append-only (triggers refuse UPDATE
 * and DELETE); entry n of the tree is the row with id n + 1, so a removed row leaves a gap that
 * `log verify` names.
 */
export const CUSTODY_ENTRY_TYPES = ['capture', 'render', 'decision', 'report_event', 'export', 'capture_pruned'] as const;

export const custodyEntries = sqliteTable(
  'custody_entries',
  {
    id: integer('id').primaryKey(),
    type: text('type', { enum: CUSTODY_ENTRY_TYPES }).notNull(),
    // The record vouched for: capture id, render id, match id, report event id.
    refId: integer('ref_id').notNull(),
    at: text('at').notNull(),
    // The exact bytes hashed into the tree (canonical JSON), and SHA-256(0x00 || leaf) in hex.
    leaf: text('leaf').notNull(),
    leafHash: text('leaf_hash').notNull(),
  },
  // Decisions are found through match_decisions.custody_index instead: their match ids are
  // scattered, and a consent change logs thousands of them in one transaction.
  (t) => [index('custody_entries_ref_idx').on(t.type, t.refId).where(sql`${t.type} <> 'decision'`)],
);

/**
 * Hashes of complete, aligned subtrees of TILE_LEAVES leaves (db/custody-log.ts): a root or a
 * proof over millions of entries reads a few thousand of these instead of every leaf.
 */
export const custodyTiles = sqliteTable('custody_tiles', {
  // Tile n covers entries [n * TILE_LEAVES, (n + 1) * TILE_LEAVES).
  id: integer('id').primaryKey(),
  hash: text('hash').notNull(),
});

/** Signed tree heads: size, root and time, signed with the installation's Ed25519 key. */
export const treeHeads = sqliteTable('tree_heads', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  size: integer('size').notNull(),
  rootHash: text('root_hash').notNull(),
  timestamp: text('timestamp').notNull(),
  signature: text('signature').notNull(),
  keyId: text('key_id').notNull(),
  // Why it was made: daily, export, command.
  reason: text('reason').notNull(),
  // RFC 3161 time-stamp token (DER, base64) from the configured authority, when one is set.
  timestampToken: text('timestamp_token'),
});

/** Rendered views of captures (PNG screenshot, PDF), each hashed and logged like the capture. */
export const captureRenders = sqliteTable(
  'capture_renders',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    captureId: integer('capture_id').notNull(),
    format: text('format', { enum: ['png', 'pdf'] }).notNull(),
    // Relative to the data folder, like capture files.
    path: text('path').notNull(),
    sha256: text('sha256').notNull(),
    bytes: integer('bytes').notNull(),
    // Requests the offline render refused (outside resources), as a short note.
    warnings: text('warnings', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('capture_renders_capture_idx').on(t.captureId)],
);

export type CustodyEntryRow = typeof custodyEntries.$inferSelect;
export type TreeHeadRow = typeof treeHeads.$inferSelect;
export type CaptureRenderRow = typeof captureRenders.$inferSelect;
