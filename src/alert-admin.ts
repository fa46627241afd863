import { z } from 'zod';
import { deleteDeliveriesOfTarget, failPendingDeliveriesOfTarget, listAlertDeliveryRows, type AlertDeliveryRow } from '../db/alert-deliveries.ts';
import { findAlertPreferences, upsertAlertPreferences } from '../db/alert-preferences.ts';
import { deleteAlertTargetRow, findAlertTargetById, insertAlertTarget, listAlertTargetRows, updateAlertTargetRow, type AlertTargetRow } from '../db/alert-targets.ts';
import type { Db } from '../db/open-db.ts';
import { listReports } from '../db/reports.ts';
import { ALERT_DELIVERY_STATUSES, ALERT_MODES, type AlertMode } from '../db/schema/alerts.ts';
import { DECISION_VALUES } from '../db/schema/reports.ts';
import { findUserById } from '../db/users.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { createWebhookSecret } from './alerts/signature.ts';
import { ForbiddenError, NotFoundError, ValidationError } from './errors.ts';

/**
 * Alert settings: webhook targets (admins), the delivery log, and each user's e-mail digest
 * preference. The API (src/http/api-alerts.ts) and the web app's Settings and account pages call
 * these same functions; each validates its input with the exported schemas below (ValidationError
 * naming every bad field), so a caller may pass what it received as it is.
 */

// Long enough for any name a person gives a receiver ("Slack #rights", "Legal CRM").
export const MAX_TARGET_NAME_CHARS = 100;
// Browsers and most servers stop at about 2,000 characters of URL.
export const MAX_TARGET_URL_CHARS = 2000;
// A page of the delivery log: a screenful by default, 200 bounds one query.
export const DEFAULT_DELIVERY_PAGE = 50;
export const MAX_DELIVERY_PAGE = 200;
// The unlicensed copies and the broken licences: what reports exist for, and what is worth an alert.
export const DEFAULT_ALERT_DECISIONS: readonly Decision[] = ['unlicensed', 'licence_breach'];
// Shown of a secret in lists: enough to tell which one a receiver holds, too little to sign with.
const SECRET_HINT_CHARS = 10;

type Decision = (typeof DECISION_VALUES)[number];

const UNSHOWABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

const decisionsSchema = z
  .array(z.enum(DECISION_VALUES, { error: (i) => `"${String(i.input)}" is not a decision; decisions: ${DECISION_VALUES.join(', ')}` }))
  .min(1, 'name at least one decision')
  .max(DECISION_VALUES.length)
  .transform((list) => [...new Set(list)]);
const minCoverageSchema = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const targetNameSchema = z.string().trim().min(1, 'must not be empty').max(MAX_TARGET_NAME_CHARS).refine((v) => !UNSHOWABLE.test(v), 'must not hold control or invisible characters');

/** An http(s) URL without credentials (they would show in lists; the signature authenticates). */
export const targetUrlSchema = z
  .string()
  .trim()
  .max(MAX_TARGET_URL_CHARS, `must be at most ${MAX_TARGET_URL_CHARS} characters`)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must be http or https, not ${url.protocol.replace(':', '')}` });
    else if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password: receivers check the signature instead' });
  });

export const newAlertTargetSchema = z.strictObject({
  name: targetNameSchema.optional(),
  url: targetUrlSchema,
  enabled: z.boolean().optional(),
  decisions: decisionsSchema.optional(),
  minCoverage: minCoverageSchema.optional(),
});
export type NewAlertTarget = z.input<typeof newAlertTargetSchema>;

export const alertTargetChangeSchema = z
  .strictObject({
    name: targetNameSchema.optional(),
    url: targetUrlSchema.optional(),
    enabled: z.boolean().optional(),
    decisions: decisionsSchema.optional(),
    minCoverage: minCoverageSchema.optional(),
    /** Make a new signing secret (answered once, like at creation). */
    rotateSecret: z.literal(true).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change: give name, url, enabled, decisions, minCoverage or rotateSecret');
export type AlertTargetChange = z.input<typeof alertTargetChangeSchema>;

export const alertPreferencesChangeSchema = z
  .strictObject({
    mode: z.enum(ALERT_MODES, { error: (i) => `"${String(i.input)}" is not a mode; modes: ${ALERT_MODES.join(', ')}` }).optional(),
    decisions: decisionsSchema.optional(),
    minCoverage: minCoverageSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change: give mode, decisions or minCoverage');
export type AlertPreferencesChange = z.input<typeof alertPreferencesChangeSchema>;

export const deliveryListQuerySchema = z.strictObject({
  status: z.enum(ALERT_DELIVERY_STATUSES, { error: (i) => `"${String(i.input)}" is not a delivery status; statuses: ${ALERT_DELIVERY_STATUSES.join(', ')}` }).optional(),
  targetId: z.coerce.number().int().min(1).optional(),
  /** The previous page's nextCursor. */
  cursor: z.string().regex(/^[1-9]\d{0,15}$/, 'must be the nextCursor of the previous page').optional(),
  limit: z.coerce.number().int().min(1).max(MAX_DELIVERY_PAGE).default(DEFAULT_DELIVERY_PAGE),
});
export type DeliveryListQuery = z.input<typeof deliveryListQuerySchema>;

export interface AlertTargetView {
  id: number;
  name: string;
  url: string;
  enabled: boolean;
  decisions: Decision[];
  minCoverage: number;
  /** The secret's first characters, to tell which one a receiver holds. */
  secretHint: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface AlertDeliveryView {
  id: number;
  targetId: number;
  targetName: string;
  event: string;
  reportIds: number[];
  status: AlertDeliveryRow['status'];
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface AlertPreferencesView {
  userId: number;
  mode: AlertMode;
  decisions: Decision[];
  minCoverage: number;
  /** Null until the user first saves a preference (the defaults apply: off). */
  updatedAt: string | null;
}

function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(body)', message: i.message }));
    throw new ValidationError(`Bad ${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
  return parsed.data;
}

function toTargetView(row: AlertTargetRow): AlertTargetView {
  const { secret, ...rest } = row;
  return { ...rest, secretHint: `${secret.slice(0, SECRET_HINT_CHARS)}…` };
}

async function getTarget(db: Db, id: number): Promise<AlertTargetRow> {
  const row = await findAlertTargetById(db, id);
  if (!row) throw new NotFoundError(`No alert target with id ${id}`, { id });
  return row;
}

/** Every webhook target (never their secrets). */
export async function listAlertTargets(db: Db, page: { afterId?: number; limit?: number } = {}): Promise<AlertTargetView[]> {
  return (await listAlertTargetRows(db, page)).map(toTargetView);
}

export async function getAlertTarget(db: Db, id: number): Promise<AlertTargetView> {
  return toTargetView(await getTarget(db, id));
}

/** Adds a webhook target; `secret` is answered this once (the receiver verifies signatures with it). */
export async function createAlertTarget(db: Db, input: NewAlertTarget, actor: string, now = new Date().toISOString()): Promise<{ target: AlertTargetView; secret: string }> {
  const v = parseInput(newAlertTargetSchema, input, 'alert target');
  const secret = createWebhookSecret();
  const row = await insertAlertTarget(db, {
    name: v.name ?? new URL(v.url).host,
    url: v.url,
    secret,
    enabled: v.enabled ?? true,
    decisions: v.decisions ?? [...DEFAULT_ALERT_DECISIONS],
    minCoverage: v.minCoverage ?? 0,
    createdBy: actor,
    createdAt: now,
    updatedAt: now,
  });
  return { target: toTargetView(row), secret };
}

/**
 * Changes a target. Disabling it gives up its pending deliveries (logged as failed: "target
 * disabled"); `rotateSecret` answers the new secret once, and the next attempt is signed with it.
 */
export async function updateAlertTarget(db: Db, id: number, change: AlertTargetChange, now = new Date().toISOString()): Promise<{ target: AlertTargetView; secret?: string }> {
  const v = parseInput(alertTargetChangeSchema, change, 'alert target change');
  const secret = v.rotateSecret ? createWebhookSecret() : undefined;
  const { rotateSecret: _rotate, ...fields } = v;
  const row = await writeTransaction(db, async (tx) => {
    await getTarget(tx, id);
    if (v.enabled === false) await failPendingDeliveriesOfTarget(tx, id, 'target disabled');
    return (await updateAlertTargetRow(tx, id, { ...fields, ...(secret ? { secret } : {}), updatedAt: now }))!;
  });
  return { target: toTargetView(row), ...(secret ? { secret } : {}) };
}

/** Removes a target and its delivery log. */
export async function deleteAlertTarget(db: Db, id: number): Promise<{ id: number; deliveriesRemoved: number }> {
  return await writeTransaction(db, async (tx) => {
    await getTarget(tx, id);
    const deliveriesRemoved = await deleteDeliveriesOfTarget(tx, id);
    await deleteAlertTargetRow(tx, id);
    return { id, deliveriesRemoved };
  });
}

/** The delivery log newest first; pass the answer's nextCursor as `cursor` for the next page (null: no more). */
export async function listAlertDeliveries(db: Db, query: DeliveryListQuery = {}): Promise<{ items: AlertDeliveryView[]; nextCursor: string | null }> {
  const q = parseInput(deliveryListQuerySchema, query, 'delivery list query');
  // One more than asked tells whether another page exists without a count.
  const rows = await listAlertDeliveryRows(db, { status: q.status, targetId: q.targetId, beforeId: q.cursor ? Number(q.cursor) : undefined, limit: q.limit + 1 });
  const items = rows.slice(0, q.limit);
  return { items, nextCursor: rows.length > q.limit ? String(items[items.length - 1].id) : null };
}

/** A staff user; a licensee account has no report alerts (it may not see reports). */
async function getAlertUser(db: Db, userId: number) {
  const user = await findUserById(db, userId);
  if (!user) throw new NotFoundError(`No user with id ${userId}`, { id: userId });
  if (user.role === 'licensee') throw new ForbiddenError('Licensee accounts get no report alerts', { reason: 'licensee_account' });
  return user;
}

/** The user's e-mail digest setting (off, every decision a report is made for, any coverage, until they choose). */
export async function getAlertPreferences(db: Db, userId: number): Promise<AlertPreferencesView> {
  await getAlertUser(db, userId);
  const row = await findAlertPreferences(db, userId);
  if (!row) return { userId, mode: 'off', decisions: [...DEFAULT_ALERT_DECISIONS], minCoverage: 0, updatedAt: null };
  return { userId, mode: row.mode, decisions: row.decisions, minCoverage: row.minCoverage, updatedAt: row.updatedAt };
}

/**
 * Changes the user's digest setting (the fields given; the others stay). Turning alerts on starts
 * them at the newest report: a user is told about reports that arrive from now on, not the backlog.
 */
export async function setAlertPreferences(db: Db, userId: number, change: AlertPreferencesChange, now = new Date().toISOString()): Promise<AlertPreferencesView> {
  const v = parseInput(alertPreferencesChangeSchema, change, 'alert preferences');
  await writeTransaction(db, async (tx) => {
    await getAlertUser(tx, userId);
    const stored = await findAlertPreferences(tx, userId);
    const current = stored ?? { mode: 'off' as const, decisions: [...DEFAULT_ALERT_DECISIONS], minCoverage: 0, digestWatermark: 0, lastDigestAt: null };
    const mode = v.mode ?? current.mode;
    const turnedOn = current.mode === 'off' && mode !== 'off';
    await upsertAlertPreferences(tx, {
      userId,
      mode,
      decisions: v.decisions ?? current.decisions,
      minCoverage: v.minCoverage ?? current.minCoverage,
      digestWatermark: turnedOn || !stored ? await newestReportId(tx) : current.digestWatermark,
      lastDigestAt: current.lastDigestAt,
      updatedAt: now,
    });
  });
  return await getAlertPreferences(db, userId);
}

/** The id of the newest report (0 when there is none). */
export async function newestReportId(db: Db): Promise<number> {
  return (await listReports(db, { filters: {}, sort: { field: 'id', direction: 'desc' }, limit: 1 }))[0]?.id ?? 0;
}
