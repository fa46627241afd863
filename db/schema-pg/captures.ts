/**
 * PostgreSQL twin of db/schema/captures.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { bigint, index, integer, json, pgTable, text } from 'drizzle-orm/pg-core';

export const captureBodies = pgTable('capture_bodies', {
  sha256: text('sha256').primaryKey(),
  // Bytes: bigint so a body over 2 GiB still fits (read back as a JS number, exact below 2^53).
  size: bigint('size', { mode: 'number' }).notNull(),
  warcPath: text('warc_path').notNull(),
  warcRecordId: text('warc_record_id').notNull(),
  targetUri: text('target_uri').notNull(),
  warcDate: text('warc_date').notNull(),
  createdAt: text('created_at').notNull(),
});

export const captures = pgTable(
  'captures',
  {
    // bigint: one row per fetch; at a million fetches a day int4 runs out in under six years.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    requestedUrl: text('requested_url').notNull(),
    finalUrl: text('final_url').notNull(),
    status: integer('status').notNull(),
    statusText: text('status_text').notNull(),
    headers: json('headers').$type<[string, string][]>().notNull(),
    requestHeaders: json('request_headers').$type<[string, string][]>().notNull(),
    redirects: json('redirects').$type<{ url: string; status: number; location: string }[]>().notNull(),
    remoteAddress: text('remote_address').notNull(),
    startedAt: text('started_at').notNull(),
    endedAt: text('ended_at').notNull(),
    bodySha256: text('body_sha256')
      .notNull()
      .references(() => captureBodies.sha256),
    bodySize: bigint('body_size', { mode: 'number' }).notNull(),
    contentType: text('content_type').notNull(),
    warcPath: text('warc_path').notNull(),
    warcRecordId: text('warc_record_id').notNull(),
    recordType: text('record_type', { enum: ['response', 'revisit'] }).notNull(),
    truncated: text('truncated', { enum: ['length', 'time', 'disconnect', 'unspecified'] }),
    fetcherVersion: text('fetcher_version').notNull(),
    warcSha256: text('warc_sha256'),
    settings: json('settings').$type<Record<string, unknown>>().notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('captures_final_url_idx').on(t.finalUrl),
    index('captures_requested_url_idx').on(t.requestedUrl),
    index('captures_body_sha256_idx').on(t.bodySha256),
  ],
);
