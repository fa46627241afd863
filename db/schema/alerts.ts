import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './auth.ts';
import { DECISION_VALUES } from './reports.ts';

/**
 * Alerts when new reports arrive: webhook targets with their delivery log, each user's e-mail
 * digest preference, and the dispatcher's watermark (src/alerts-dispatch.ts).
 */

export const ALERT_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export const ALERT_MODES = ['immediately', 'daily', 'off'] as const;
export const ALERT_EVENTS = ['reports.created'] as const;

type Decision = (typeof DECISION_VALUES)[number];

/**
 * A webhook receiver. The secret is kept as given to the admin (not hashed): the server signs
 * every delivery with it. Lists and answers never show it after creation.
 */
export const alertTargets = sqliteTable('alert_targets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
  /** Reports with one of these decisions are sent. */
  decisions: text('decisions', { mode: 'json' }).$type<Decision[]>().notNull(),
  /** Reports below this share of the article copied are not sent (0..1). */
  minCoverage: real('min_coverage').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/**
 * One webhook request to send (a batch of reports) and its fate. The attempt count and the time
 * of the next attempt live here, so retries survive a restart.
 */
export const alertDeliveries = sqliteTable(
  'alert_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetId: integer('target_id')
      .notNull()
      .references(() => alertTargets.id),
    event: text('event', { enum: ALERT_EVENTS }).notNull(),
    reportIds: text('report_ids', { mode: 'json' }).$type<number[]>().notNull(),
    status: text('status', { enum: ALERT_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the next attempt is due (pending); null once delivered or failed. */
    nextAttemptAt: text('next_attempt_at'),
    lastAttemptAt: text('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    deliveredAt: text('delivered_at'),
  },
  (t) => [
    // The dispatcher's question: which pending deliveries are due.
    index('alert_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    // The delivery log, newest first, per target (and removing a target's rows).
    index('alert_deliveries_target_idx').on(t.targetId, t.id),
  ],
);

/**
 * A user's e-mail digest. `digestWatermark` is the last report id the user's digests have covered
 * (each user has their own, so one failing mailbox does not hold the others back).
 */
export const alertPreferences = sqliteTable('alert_preferences', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id),
  mode: text('mode', { enum: ALERT_MODES }).notNull(),
  decisions: text('decisions', { mode: 'json' }).$type<Decision[]>().notNull(),
  minCoverage: real('min_coverage').notNull(),
  digestWatermark: integer('digest_watermark').notNull(),
  /** When the last daily digest went out (or found nothing to send). */
  lastDigestAt: text('last_digest_at'),
  updatedAt: text('updated_at').notNull(),
});

/** The dispatcher's one row (id 1): the last report id turned into webhook deliveries. */
export const alertState = sqliteTable('alert_state', {
  id: integer('id').primaryKey(),
  lastReportId: integer('last_report_id').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export type AlertTargetRow = typeof alertTargets.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
export type AlertPreferencesRow = typeof alertPreferences.$inferSelect;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];
export type AlertMode = (typeof ALERT_MODES)[number];
