/**
 * PostgreSQL twin of db/schema/alerts.ts: same tables, columns, keys and indexes, and the same
 * row types. Guarded by test/pg/schema-parity.test.ts (structure) and test/pg/schema-types.test.ts
 * (row types); change both files together.
 */
import { boolean, doublePrecision, index, integer, json, pgTable, text } from 'drizzle-orm/pg-core';
import { ALERT_DELIVERY_STATUSES, ALERT_EVENTS, ALERT_MODES } from '../schema/alerts.ts';
import { DECISION_VALUES } from '../schema/reports.ts';
import { users } from './auth.ts';

type Decision = (typeof DECISION_VALUES)[number];

export const alertTargets = pgTable('alert_targets', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  enabled: boolean('enabled').notNull().default(true),
  decisions: json('decisions').$type<Decision[]>().notNull(),
  minCoverage: doublePrecision('min_coverage').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    targetId: integer('target_id')
      .notNull()
      .references(() => alertTargets.id),
    event: text('event', { enum: ALERT_EVENTS }).notNull(),
    reportIds: json('report_ids').$type<number[]>().notNull(),
    status: text('status', { enum: ALERT_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at'),
    lastAttemptAt: text('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull(),
    deliveredAt: text('delivered_at'),
  },
  (t) => [index('alert_deliveries_due_idx').on(t.status, t.nextAttemptAt), index('alert_deliveries_target_idx').on(t.targetId, t.id)],
);

export const alertPreferences = pgTable('alert_preferences', {
  // Identity only so the insert type matches SQLite's (an integer primary key there may be omitted).
  userId: integer('user_id')
    .primaryKey()
    .generatedByDefaultAsIdentity()
    .references(() => users.id),
  mode: text('mode', { enum: ALERT_MODES }).notNull(),
  decisions: json('decisions').$type<Decision[]>().notNull(),
  minCoverage: doublePrecision('min_coverage').notNull(),
  digestWatermark: integer('digest_watermark').notNull(),
  lastDigestAt: text('last_digest_at'),
  updatedAt: text('updated_at').notNull(),
});

/** The dispatcher's one row (id 1). */
export const alertState = pgTable('alert_state', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  lastReportId: integer('last_report_id').notNull(),
  updatedAt: text('updated_at').notNull(),
});
