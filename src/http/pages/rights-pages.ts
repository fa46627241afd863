import { Router, type Request } from 'express';
import { z } from 'zod';
import { countConsentsByLicenseeAndStatus } from '../../../db/consent-counts.ts';
import { findLicenseeById, listLicensees } from '../../../db/licensees.ts';
import type { App } from '../../app.ts';
import { listAllConsents } from '../../consent-admin.ts';
import { NotFoundError } from '../../errors.ts';
import { addLicensee } from '../../rights-admin.ts';
import { renderLicenseeList, renderLicenseePage, type LicenseeFormValues } from '../../web/views/licensee-views.ts';
import { renderPortal } from '../../web/views/portal-view.ts';
import { actorOf, scopeOf } from '../actor.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { contextOf, parseForm, redirectWithFlash, sendHtml } from './page-kit.ts';
import { linesOf } from './rights-consent-form.ts';
import { createConsentPages } from './rights-consent-pages.ts';
import { describeRedecided, isFormRefusal, mayManageRights, rightsDepsOf, statusOfRefusal } from './rights-page-kit.ts';

/** Licensees (list, add, one), the licensee portal, and the consent pages (rights-consent-pages.ts). */

// The licensee API's bounds (src/http/api-rights.ts): a partner's record, not a directory.
const MAX_NAME_CHARS = 2000;
const MAX_LIST_CHARS = 200_000;
const MAX_NOTES_CHARS = 10_000;

const licenseeForm = z.object({
  name: z.string().max(MAX_NAME_CHARS),
  places: z.string().max(MAX_LIST_CHARS).optional(),
  contacts: z.string().max(MAX_LIST_CHARS).optional(),
  notes: z.string().max(MAX_NOTES_CHARS).optional(),
});

const idSchema = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

function parseId(raw: string, what: string): number {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError(`No ${what} with id ${raw}`, { id: raw });
  return parsed.data;
}

const EMPTY_LICENSEE: LicenseeFormValues = { name: '', places: '', contacts: '', notes: '' };

async function licenseeRows(app: App) {
  const db = app.database.db;
  const counts = new Map<number, Record<string, number>>();
  for (const c of await countConsentsByLicenseeAndStatus(db)) counts.set(c.licenseeId, { ...counts.get(c.licenseeId), [c.status]: c.count });
  return (await listLicensees(db)).map((licensee) => ({ licensee, counts: counts.get(licensee.id) ?? {} }));
}

export function createRightsPages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  const db = app.database.db;

  const renderList = async (req: Request, res: Parameters<typeof contextOf>[1], values: LicenseeFormValues, error?: string) =>
    renderLicenseeList(contextOf(req, res, guard), { rows: await licenseeRows(app), canManage: mayManageRights(req), values, ...(error ? { error } : {}) });

  router.get('/licensees', async (req, res) => {
    sendHtml(res, await renderList(req, res, EMPTY_LICENSEE));
  });

  router.post('/licensees', async (req, res) => {
    const form = parseForm(licenseeForm, req.body, 'Licensee form');
    const values = { name: form.name, places: form.places ?? '', contacts: form.contacts ?? '', notes: form.notes ?? '' };
    try {
      const input = { name: values.name, places: linesOf(values.places), contacts: linesOf(values.contacts), notes: values.notes.trim() === '' ? null : values.notes };
      const { licensee, redecided } = await addLicensee(rightsDepsOf(app), input, actorOf(req));
      redirectWithFlash(res, `/licensees/${licensee.id}`, 'ok', `Licensee ${licensee.name} added; ${describeRedecided(redecided)}.`);
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      sendHtml(res, await renderList(req, res, values, error.message), statusOfRefusal(error));
    }
  });

  router.get('/licensees/:id', async (req, res) => {
    const id = parseId(req.params.id, 'licensee');
    const licensee = await findLicenseeById(db, id);
    if (!licensee) throw new NotFoundError(`No licensee with id ${id}`, { id });
    sendHtml(res, renderLicenseePage(contextOf(req, res, guard), { licensee, consents: await listAllConsents(db, { licenseeId: id }), canManage: mayManageRights(req) }));
  });

  router.get('/portal', async (req, res) => {
    const scope = scopeOf(req);
    const licensee = scope === null ? undefined : await findLicenseeById(db, scope);
    if (!licensee) throw new NotFoundError('Your account is bound to a licensee that no longer exists');
    sendHtml(res, renderPortal(contextOf(req, res, guard), { licensee, consents: await listAllConsents(db, { licenseeId: licensee.id }) }));
  });

  const pages = Router();
  pages.use(router);
  pages.use(createConsentPages(app, guard));
  return pages;
}
