/**
 * PostgreSQL twin of db/schema/capture-files.ts: same table, columns and key. Guarded by
 * test/pg/schema-parity.test.ts and test/pg/schema-types.test.ts; change both files together.
 */
import { bigint, customType, pgTable, text } from 'drizzle-orm/pg-core';

/** bytea as a Node Buffer, as in schema-pg/articles.ts (node-postgres converts both ways). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType() {
    return 'bytea';
  },
});

export const captureFiles = pgTable('capture_files', {
  path: text('path').primaryKey(),
  sha256: text('sha256').notNull(),
  // Bytes: bigint like capture_bodies.size.
  size: bigint('size', { mode: 'number' }).notNull(),
  bytes: bytea('bytes').notNull(),
  createdAt: text('created_at').notNull(),
});

export type CaptureFileRow = typeof captureFiles.$inferSelect;
