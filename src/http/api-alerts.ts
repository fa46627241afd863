import type { Request, Router } from 'express';
import { z } from 'zod';
import { ALERT_DELIVERY_STATUSES, ALERT_MODES } from '../../db/schema/alerts.ts';
import { DECISION_VALUES } from '../../db/schema/reports.ts';
import {
  alertPreferencesChangeSchema,
  alertTargetChangeSchema,
  createAlertTarget,
  deleteAlertTarget,
  deliveryListQuerySchema,
  getAlertPreferences,
  listAlertDeliveries,
  listAlertTargets,
  newAlertTargetSchema,
  setAlertPreferences,
  updateAlertTarget,
} from '../alert-admin.ts';
import type { App } from '../app.ts';
import { actorOf, principalOf } from './actor.ts';
import { parseOrThrow } from './api-matches.ts';
import { guardedRouter, type Guard } from './guard.ts';
import { HttpRefusal } from './http-errors.ts';
import type { RouteDoc } from './openapi/route-doc.ts';
import { cursorParam, idKey, limitParam, pageOf, PAGING_DESCRIPTION } from './api-paging.ts';

/**
 * Alerts (/api/alerts): webhook targets and their delivery log (admins), and the signed-in user's
 * own e-mail digest preference (staff). Validation is src/alert-admin.ts's schemas, which the web
 * app's pages use too.
 */

const idSchema = z.coerce.number().int().min(1);
// Targets are listed oldest first; the cursor is the last id shown.
const targetListQuerySchema = z.strictObject({ limit: limitParam, cursor: cursorParam(idKey) });

const SIGNATURE_SCHEME =
  'Each delivery is a POST of JSON `{id, event: "reports.created", createdAt, reports: [{id, url, article: {id, title}, decision, kind, coverage, copiedWords, status, link}]}` ' +
  '(at most 100 reports; more make more deliveries) with headers X-Copyhound-Event, X-Copyhound-Delivery (the id; the same on every retry), ' +
  'X-Copyhound-Timestamp (unix seconds) and X-Copyhound-Signature: `sha256=` + hex HMAC-SHA256 of `${timestamp}.${raw body}` keyed with the target\'s secret. ' +
  'Verify it over the raw body before parsing, and refuse timestamps more than a few minutes old. Any 2xx answer within COPYHOUND_WEBHOOK_TIMEOUT_MS is delivered; ' +
  'anything else (redirects included) is retried with exponential backoff (COPYHOUND_ALERT_RETRY_BASE_MS, doubling) up to COPYHOUND_ALERT_MAX_ATTEMPTS attempts.';

const decisionList = z.array(z.enum(DECISION_VALUES));
const targetViewSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  enabled: z.boolean(),
  decisions: decisionList,
  minCoverage: z.number(),
  secretHint: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const deliveryViewSchema = z.object({
  id: z.number().int(),
  targetId: z.number().int(),
  targetName: z.string(),
  event: z.string(),
  reportIds: z.array(z.number().int()),
  status: z.enum(ALERT_DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
const preferencesViewSchema = z.object({
  userId: z.number().int(),
  mode: z.enum(ALERT_MODES),
  decisions: decisionList,
  minCoverage: z.number(),
  updatedAt: z.string().nullable(),
});

/** The signed-in user's id: preferences belong to a person, not to an API key or the CLI. */
function userIdOf(req: Request): number {
  const principal = principalOf(req);
  if (principal.kind !== 'user' || principal.id === null) {
    throw new HttpRefusal(400, 'not_a_user', 'Alert preferences belong to a signed-in user; an API key has none. Sign in to read or change yours.', { details: { reason: 'not_a_user', principal: principal.kind } });
  }
  return principal.id;
}

export function createAlertsRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/alerts');
  const db = app.database.db;

  router.get('/targets', async (req, res) => {
    const q = parseOrThrow(targetListQuerySchema, req.query, 'query parameters');
    res.json(pageOf(await listAlertTargets(db, { afterId: q.cursor?.i, limit: q.limit + 1 }), q.limit, (t) => ({ i: t.id })));
  });

  router.post('/targets', async (req, res) => {
    const input = parseOrThrow(newAlertTargetSchema, req.body ?? {}, 'alert target');
    const created = await createAlertTarget(db, input, actorOf(req));
    app.logger.info({ target: created.target.id, url: created.target.url, actor: actorOf(req) }, 'alert target created');
    res.status(201).json(created);
  });

  router.patch('/targets/:id', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'alert target id');
    const change = parseOrThrow(alertTargetChangeSchema, req.body ?? {}, 'alert target change');
    const changed = await updateAlertTarget(db, id, change);
    app.logger.info({ target: id, fields: Object.keys(change), actor: actorOf(req) }, 'alert target changed');
    res.json(changed);
  });

  router.delete('/targets/:id', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'alert target id');
    const removed = await deleteAlertTarget(db, id);
    app.logger.info({ target: id, deliveriesRemoved: removed.deliveriesRemoved, actor: actorOf(req) }, 'alert target removed');
    res.json(removed);
  });

  router.get('/deliveries', async (req, res) => {
    const query = parseOrThrow(deliveryListQuerySchema, req.query, 'query parameters');
    res.json(await listAlertDeliveries(db, query));
  });

  router.get('/preferences', async (req, res) => {
    res.json(await getAlertPreferences(db, userIdOf(req)));
  });

  router.patch('/preferences', async (req, res) => {
    const userId = userIdOf(req);
    const change = parseOrThrow(alertPreferencesChangeSchema, req.body ?? {}, 'alert preferences');
    res.json(await setAlertPreferences(db, userId, change));
  });

  return router;
}

const TAG = 'Alerts';
const NOT_A_USER = 'An API key (not a signed-in user) has no preferences: code not_a_user';

export const ALERTS_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET',
    path: '/api/alerts/targets',
    tag: TAG,
    summary: 'Webhook targets, oldest first (never their secrets)',
    description: PAGING_DESCRIPTION,
    query: targetListQuerySchema,
    response: { status: 200, description: '{items, nextCursor}', schema: z.object({ items: z.array(targetViewSchema), nextCursor: z.string().nullable() }) },
  },
  {
    method: 'POST',
    path: '/api/alerts/targets',
    tag: TAG,
    summary: 'Add a webhook target; its signing secret is answered this once',
    description: `New reports matching the target's decisions and minCoverage (defaults: unlicensed and licence_breach, 0) are sent to its URL (http or https, no credentials). ${SIGNATURE_SCHEME}`,
    body: newAlertTargetSchema,
    response: { status: 201, description: '{target, secret}', schema: z.object({ target: targetViewSchema, secret: z.string() }) },
  },
  {
    method: 'PATCH',
    path: '/api/alerts/targets/:id',
    tag: TAG,
    summary: 'Change a webhook target',
    description: 'The fields given change. `enabled: false` gives up its pending deliveries (logged failed, "target disabled"); `rotateSecret: true` answers a new secret this once.',
    params: { id: idSchema },
    body: alertTargetChangeSchema,
    response: { status: 200, description: '{target, secret?}', schema: z.object({ target: targetViewSchema, secret: z.string().optional() }) },
  },
  {
    method: 'DELETE',
    path: '/api/alerts/targets/:id',
    tag: TAG,
    summary: 'Remove a webhook target and its delivery log',
    params: { id: idSchema },
    response: { status: 200, description: '{id, deliveriesRemoved}', schema: z.object({ id: z.number().int(), deliveriesRemoved: z.number().int() }) },
  },
  {
    method: 'GET',
    path: '/api/alerts/deliveries',
    tag: TAG,
    summary: 'The webhook delivery log, newest first',
    description: 'Filter by status (pending, delivered, failed) and targetId; page with the answer\'s nextCursor as cursor (null: no more).',
    query: deliveryListQuerySchema,
    response: { status: 200, description: '{items, nextCursor}', schema: z.object({ items: z.array(deliveryViewSchema), nextCursor: z.string().nullable() }) },
  },
  {
    method: 'GET',
    path: '/api/alerts/preferences',
    tag: TAG,
    summary: "The signed-in user's e-mail digest preference",
    description: 'Until first saved: mode off, decisions unlicensed and licence_breach, minCoverage 0.',
    response: { status: 200, description: 'The preference', schema: preferencesViewSchema },
    errors: { 400: NOT_A_USER },
  },
  {
    method: 'PATCH',
    path: '/api/alerts/preferences',
    tag: TAG,
    summary: "Change the signed-in user's e-mail digest preference",
    description: `mode: immediately (an e-mail each poll that finds new reports), daily (once a day from COPYHOUND_ALERT_DIGEST_HOUR_UTC) or off; decisions and minCoverage (0..1) filter the reports. Turning alerts on starts at the newest report. Nothing is sent while COPYHOUND_SMTP_URL is empty.`,
    body: alertPreferencesChangeSchema,
    response: { status: 200, description: 'The preference', schema: preferencesViewSchema },
    errors: { 400: NOT_A_USER },
  },
];
