import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Content-addressed bodies: one row per distinct raw body (SHA-256 of the bytes as received).
 * The bytes live once, in the WARC response record of the first capture that saw them; later
 * identical captures write a WARC revisit record pointing here.
 */
export const captureBodies = sqliteTable('capture_bodies', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  // Relative to the data folder, so the folder can move.
  warcPath: text('warc_path').notNull(),
  warcRecordId: text('warc_record_id').notNull(),
  // WARC-Target-URI and WARC-Date of that record: what a revisit record must refer to.
  targetUri: text('target_uri').notNull(),
  warcDate: text('warc_date').notNull(),
  createdAt: text('created_at').notNull(),
});

/** One immutable row per fetch that got a response (any status): the evidence of what was served. */
export const captures = sqliteTable(
  'captures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    requestedUrl: text('requested_url').notNull(),
    finalUrl: text('final_url').notNull(),
    status: integer('status').notNull(),
    statusText: text('status_text').notNull(),
    // Response header lines in received order, repeats kept: [[name, value], ...].
    headers: text('headers', { mode: 'json' }).$type<[string, string][]>().notNull(),
    requestHeaders: text('request_headers', { mode: 'json' }).$type<[string, string][]>().notNull(),
    redirects: text('redirects', { mode: 'json' }).$type<{ url: string; status: number; location: string }[]>().notNull(),
    remoteAddress: text('remote_address').notNull(),
    startedAt: text('started_at').notNull(),
    endedAt: text('ended_at').notNull(),
    bodySha256: text('body_sha256')
      .notNull()
      .references(() => captureBodies.sha256),
    bodySize: integer('body_size').notNull(),
    contentType: text('content_type').notNull(),
    // This capture's own WARC file (request, response or revisit, metadata records).
    warcPath: text('warc_path').notNull(),
    warcRecordId: text('warc_record_id').notNull(),
    recordType: text('record_type', { enum: ['response', 'revisit'] }).notNull(),
    // WARC-Truncated reason when the response was cut short (limit, deadline, lost connection).
    truncated: text('truncated', { enum: ['length', 'time', 'disconnect', 'unspecified'] }),
    fetcherVersion: text('fetcher_version').notNull(),
    // SHA-256 of the capture's WARC file as written (null for captures stored before migration 0015).
    warcSha256: text('warc_sha256'),
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    // ISO 8601 UTC, set by the application (portable across SQLite and PostgreSQL).
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    index('captures_final_url_idx').on(t.finalUrl),
    index('captures_requested_url_idx').on(t.requestedUrl),
    index('captures_body_sha256_idx').on(t.bodySha256),
  ],
);

export type CaptureRow = typeof captures.$inferSelect;
export type NewCaptureRow = typeof captures.$inferInsert;
export type CaptureBodyRow = typeof captureBodies.$inferSelect;
export type NewCaptureBodyRow = typeof captureBodies.$inferInsert;
