import { blob, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Capture files (WARC files, rendered views) held in the database (COPYHOUND_CAPTURE_STORE=database),
 * so every worker and API process reads the same bytes. One row per file, keyed by the path the
 * capture, body or render rows name (relative to the data folder, as in the folder store);
 * `sha256` is checked on every read. A row is written (alone, in one statement) before the rows
 * that refer to it.
 * SQLite keeps the table empty: there the files live in the data folder.
 */
export const captureFiles = sqliteTable('capture_files', {
  path: text('path').primaryKey(),
  sha256: text('sha256').notNull(),
  size: integer('size').notNull(),
  bytes: blob('bytes', { mode: 'buffer' }).notNull(),
  createdAt: text('created_at').notNull(),
});

export type CaptureFileRow = typeof captureFiles.$inferSelect;
