import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { listLicensees } from '../../../db/licensees.ts';
import { DECISION_VALUES } from '../../../db/schema/reports.ts';
import { addUser, createKey, getUser, listKeyViews, listUserViews, revokeKey, setUserDisabled } from '../../accounts.ts';
import { createAlertTarget, DEFAULT_ALERT_DECISIONS, deleteAlertTarget, listAlertDeliveries, listAlertTargets } from '../../alert-admin.ts';
import type { App } from '../../app.ts';
import { ROLES } from '../../auth/roles.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { addOwnerSite, listAllOwnerSites, removeOwnerSite } from '../../rights-admin.ts';
import { renderSecretOnce, renderSettings } from '../../web/views/settings-view.ts';
import { actorOf, principalOf } from '../actor.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { contextOf, parseForm, redirectWithFlash, sendHtml } from './page-kit.ts';
import { describeRedecided, rightsDepsOf } from './rights-page-kit.ts';

/**
 * Settings (admins): users, API keys, owner sites, webhook alert targets and the delivery log,
 * through the same functions as /api/users, /api/keys, /api/owner-sites and /api/alerts. A new
 * key or signing secret is the answer to its form, once; it is stored only as a hash or on the target.
 */

// The newest deliveries shown: a screenful; the API pages through the rest.
const DELIVERIES_SHOWN = 20;
// The bounds of the API's account and key requests (src/http/api-accounts.ts).
const MAX_TEXT = 320;
const MAX_PASSWORD = 1024;
const MAX_PLACE = 2000;

const idSchema = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const userForm = z.object({ email: z.string().max(MAX_TEXT), role: z.enum(ROLES), licensee: z.string().max(MAX_TEXT).optional(), password: z.string().max(MAX_PASSWORD) });
const keyForm = z.object({ name: z.string().max(MAX_TEXT), role: z.enum(ROLES), licensee: z.string().max(MAX_TEXT).optional(), expires: z.string().max(64).optional() });
const placeForm = z.object({ place: z.string().max(MAX_PLACE) });
const targetForm = z.object({
  name: z.string().max(MAX_TEXT).optional(),
  url: z.string().max(MAX_PLACE),
  decisions: z.union([z.string().max(64), z.array(z.string().max(64)).max(DECISION_VALUES.length)]).optional(),
  minCoverage: z.string().max(10).optional(),
});

function idOf(req: Request, what: string): number {
  const parsed = idSchema.safeParse(req.params.id);
  if (!parsed.success) throw new NotFoundError(`No ${what} with id ${String(req.params.id)}`);
  return parsed.data;
}

/** An empty optional field is "not given". */
function given(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

/** A refusal the admin fixes in the form (bad input, a conflict, a missing record): the flash of its section. */
function answerRefusal(res: Response, section: string, error: unknown): void {
  if (!(error instanceof ValidationError || error instanceof ConflictError || error instanceof NotFoundError)) throw error;
  redirectWithFlash(res, `/settings#${section}`, 'error', error.message);
}

/** Runs a settings action and answers with a redirect to its section, its outcome as the flash message. */
async function act(res: Response, section: string, action: () => string | Promise<string>): Promise<void> {
  try {
    redirectWithFlash(res, `/settings#${section}`, 'ok', await action());
  } catch (error) {
    answerRefusal(res, section, error);
  }
}

export function createSettingsPages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  const db = app.database.db;
  const accounts = { db };

  router.get('/settings', async (req, res) => {
    const p = principalOf(req);
    const targets = await Promise.all((await listAlertTargets(db)).map(async (target) => ({ target, last: (await listAlertDeliveries(db, { targetId: target.id, limit: 1 })).items[0] ?? null })));
    sendHtml(
      res,
      renderSettings(contextOf(req, res, guard), {
        users: await listUserViews(db),
        keys: await listKeyViews(db),
        roles: ROLES,
        licensees: (await listLicensees(db)).map((l) => l.name),
        ownerSites: await listAllOwnerSites(rightsDepsOf(app)),
        targets,
        deliveries: (await listAlertDeliveries(db, { limit: DELIVERIES_SHOWN })).items,
        decisions: DECISION_VALUES,
        defaultDecisions: DEFAULT_ALERT_DECISIONS,
        selfId: p.kind === 'user' ? p.id : null,
      }),
    );
  });

  router.post('/settings/users', (req, res) =>
    act(res, 'users', async () => {
      const form = parseForm(userForm, req.body, 'New user');
      const user = await addUser(accounts, { email: form.email, role: form.role, licensee: given(form.licensee) ?? null, password: form.password }, actorOf(req));
      return `User ${user.email} added (${user.role.replace('_', ' ')}${user.licensee ? ` for ${user.licensee}` : ''}).`;
    }),
  );

  for (const [path, disabled] of [['/settings/users/:id/disable', true], ['/settings/users/:id/enable', false]] as const) {
    router.post(path, (req, res) =>
      act(res, 'users', async () => {
        const user = await setUserDisabled(accounts, (await getUser(db, idOf(req, 'user'))).id, disabled);
        return disabled ? `User ${user.email} disabled; their sessions are ended.` : `User ${user.email} enabled.`;
      }),
    );
  }

  router.post('/settings/keys', async (req, res) => {
    const form = parseForm(keyForm, req.body, 'New API key');
    let made: Awaited<ReturnType<typeof createKey>>;
    try {
      made = await createKey(accounts, principalOf(req), { name: form.name, role: form.role, licensee: given(form.licensee) ?? null, expires: given(form.expires) ?? null });
    } catch (error) {
      return answerRefusal(res, 'keys', error);
    }
    const { key, view } = made;
    sendHtml(
      res,
      renderSecretOnce(contextOf(req, res, guard), {
        title: 'API key created',
        intro: `The key "${view.name}" (${view.role.replace('_', ' ')}${view.licensee ? ` for ${view.licensee}` : ''}) is ready. Programs send it as Authorization: Bearer KEY.`,
        label: 'The API key',
        secret: key,
        note: `Only its hash is stored; it is listed as ${view.prefix}…. If it is lost, revoke it and create another.`,
      }),
      201,
    );
  });

  router.post('/settings/keys/:id/revoke', (req, res) =>
    act(res, 'keys', async () => {
      const key = await revokeKey(accounts, idOf(req, 'API key'));
      return `API key "${key.name}" revoked: the next request with it is refused.`;
    }),
  );

  router.post('/settings/owner-sites', (req, res) =>
    act(res, 'owner-sites', async () => {
      const { place } = parseForm(placeForm, req.body, 'Owner site');
      const { site, redecided } = await addOwnerSite(rightsDepsOf(app), place, actorOf(req));
      return `Owner site ${site.place} added; ${describeRedecided(redecided)}.`;
    }),
  );

  router.post('/settings/owner-sites/remove', (req, res) =>
    act(res, 'owner-sites', async () => {
      const { place } = parseForm(placeForm, req.body, 'Owner site');
      const { redecided } = await removeOwnerSite(rightsDepsOf(app), place, actorOf(req));
      return `Owner site ${place} removed; ${describeRedecided(redecided)}.`;
    }),
  );

  router.post('/settings/alert-targets', async (req, res) => {
    let made: Awaited<ReturnType<typeof createAlertTarget>>;
    try {
      const form = parseForm(targetForm, req.body, 'New webhook');
      const decisions = form.decisions === undefined ? [] : Array.isArray(form.decisions) ? form.decisions : [form.decisions];
      const coverage = given(form.minCoverage);
      const minCoverage = coverage === undefined ? undefined : Number(coverage);
      if (minCoverage !== undefined && !Number.isFinite(minCoverage)) throw new ValidationError(`Bad alert target: minCoverage: "${coverage}" is not a number`, { field: 'minCoverage' });
      const input = { url: form.url, decisions, ...(given(form.name) ? { name: given(form.name) } : {}), ...(minCoverage !== undefined ? { minCoverage } : {}) };
      made = await createAlertTarget(db, input as Parameters<typeof createAlertTarget>[1], actorOf(req));
    } catch (error) {
      return answerRefusal(res, 'alerts', error);
    }
    sendHtml(
      res,
      renderSecretOnce(contextOf(req, res, guard), {
        title: 'Webhook added',
        intro: `New reports (${made.target.decisions.map((d) => d.replace('_', ' ')).join(', ')}) are sent to ${made.target.url}, signed with this secret.`,
        label: 'The signing secret',
        secret: made.secret,
        note: 'The receiver checks X-Copyhound-Signature: sha256= and the hex HMAC-SHA256 of "TIMESTAMP.BODY" keyed with this secret (see the API page, Alerts).',
      }),
      201,
    );
  });

  router.post('/settings/alert-targets/:id/delete', (req, res) =>
    act(res, 'alerts', async () => {
      const { id, deliveriesRemoved } = await deleteAlertTarget(db, idOf(req, 'alert target'));
      return `Alert target #${id} deleted with its ${deliveriesRemoved} logged deliver${deliveriesRemoved === 1 ? 'y' : 'ies'}.`;
    }),
  );

  return router;
}
