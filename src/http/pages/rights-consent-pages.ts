import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { findLicenseeById, listLicensees } from '../../../db/licensees.ts';
import type { App } from '../../app.ts';
import { narrowConsentInputs } from '../../auth/policy.ts';
import { addConsent, addConsents, changeConsentStatus, getConsent } from '../../consent-admin.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { parseConsentRequest } from '../../rights/consent-input.ts';
import { parseOdrlDocument } from '../../rights/odrl-import.ts';
import { MAX_ODRL_CHARS, renderNewConsentPage, type ConsentFormData } from '../../web/views/consent-form-view.ts';
import { renderConsentPage } from '../../web/views/consent-views.ts';
import { actorOf, principalOf } from '../actor.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { contextOf, parseForm, redirectWithFlash, sendHtml } from './page-kit.ts';
import { emptyConsentForm, readConsentForm, toConsentRequest } from './rights-consent-form.ts';
import { describeRedecided, isFormRefusal, mayManageRights, ownLicenseeName, rightsDepsOf, statusOfRefusal } from './rights-page-kit.ts';

/**
 * Consents: the registration form and ODRL import (staff, and a licensee for its own organisation:
 * narrowConsentInputs keeps it to its own name and makes its consents pending), one consent in
 * words, approve and revoke. The same composition functions as /api/consents.
 */

// A revocation note: one reason, as the API bounds it.
const MAX_NOTE_CHARS = 2000;

const idSchema = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const importForm = z.object({ document: z.string().max(MAX_ODRL_CHARS, `the document is longer than ${MAX_ODRL_CHARS} characters; import it through POST /api/consents/import`) });
const revokeForm = z.object({ note: z.string().max(MAX_NOTE_CHARS).optional() });

function consentIdOf(req: Request): number {
  const parsed = idSchema.safeParse(req.params.id);
  if (!parsed.success) throw new NotFoundError(`No consent with id ${String(req.params.id)}`, { id: req.params.id });
  return parsed.data;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

/** The pasted document as JSON; a syntax error is named at the document's root, as the importer names paths. */
function parseJsonDocument(text: string): unknown {
  if (text.trim() === '') throw new ValidationError('$: the document is empty; paste an ODRL JSON-LD document', { path: '$', reason: 'empty' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(`$: not JSON (${(error as Error).message})`, { path: '$', reason: 'not JSON' });
  }
}

export function createConsentPages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  const db = app.database.db;

  /** The form page; a licensee's licensee is its own organisation and its consents start pending. */
  async function formData(req: Request, extra: Partial<ConsentFormData> = {}): Promise<ConsentFormData> {
    const own = await ownLicenseeName(app, req);
    if (principalOf(req).role === 'licensee') {
      return { values: { ...emptyConsentForm(own ?? ''), status: 'pending' }, ...extra, licensees: null };
    }
    const preset = typeof req.query.licensee === 'string' && /^\d{1,15}$/.test(req.query.licensee) ? (await findLicenseeById(db, Number(req.query.licensee)))?.name : undefined;
    return { values: emptyConsentForm(preset ?? ''), ...extra, licensees: (await listLicensees(db)).map((l) => l.name) };
  }

  const renderForm = (req: Request, res: Response, data: ConsentFormData, status = 200) => sendHtml(res, renderNewConsentPage(contextOf(req, res, guard), data), status);
  const homeOf = (req: Request, licenseeId: number) => (principalOf(req).role === 'licensee' ? '/portal' : `/licensees/${licenseeId}`);

  router.get('/consents/new', async (req, res) => {
    renderForm(req, res, await formData(req));
  });

  router.post('/consents', async (req, res) => {
    const values = readConsentForm(req.body);
    try {
      const [input] = narrowConsentInputs(principalOf(req), await ownLicenseeName(app, req), [parseConsentRequest(toConsentRequest(values))]);
      const { consent, redecided } = await addConsent(rightsDepsOf(app), input, actorOf(req));
      const state = consent.status === 'pending' ? 'pending: it counts once the publisher approves it' : consent.status;
      redirectWithFlash(res, `/consents/${consent.id}`, 'ok', `Consent #${consent.id} registered (${state}); ${describeRedecided(redecided)}.`);
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      renderForm(req, res, await formData(req, { values, error: error.message }), statusOfRefusal(error));
    }
  });

  router.post('/consents/import', async (req, res) => {
    const { document } = parseForm(importForm, req.body, 'ODRL import');
    try {
      const inputs = narrowConsentInputs(principalOf(req), await ownLicenseeName(app, req), parseOdrlDocument(parseJsonDocument(document)));
      const { consents, redecided } = await addConsents(rightsDepsOf(app), inputs, actorOf(req));
      const to = consents.length === 1 ? `/consents/${consents[0].id}` : homeOf(req, consents[0].licenseeId);
      const pending = consents.filter((c) => c.status === 'pending').length;
      const pendingText = pending > 0 ? ` (${pending} pending the publisher's approval)` : '';
      redirectWithFlash(res, to, 'ok', `Imported ${plural(consents.length, 'consent')}${pendingText}: ${consents.map((c) => `#${c.id}`).join(', ')}; ${describeRedecided(redecided)}.`);
    } catch (error) {
      if (!isFormRefusal(error)) throw error;
      renderForm(req, res, await formData(req, { importText: document, importError: `Nothing was imported. ${error.message}` }), statusOfRefusal(error));
    }
  });

  router.get('/consents/:id', async (req, res) => {
    const consent = await getConsent(db, consentIdOf(req));
    sendHtml(res, renderConsentPage(contextOf(req, res, guard), { consent, canManage: mayManageRights(req), licenseeHref: homeOf(req, consent.licenseeId) }));
  });

  router.post('/consents/:id/approve', async (req, res) => {
    const id = consentIdOf(req);
    try {
      const { redecided } = await changeConsentStatus(rightsDepsOf(app), id, 'approve', actorOf(req));
      redirectWithFlash(res, `/consents/${id}`, 'ok', `Consent #${id} approved: it is active now; ${describeRedecided(redecided)}.`);
    } catch (error) {
      if (!isFormRefusal(error) || error instanceof NotFoundError) throw error;
      redirectWithFlash(res, `/consents/${id}`, 'error', error.message);
    }
  });

  router.post('/consents/:id/revoke', async (req, res) => {
    const id = consentIdOf(req);
    const note = parseForm(revokeForm, req.body, 'Revocation').note?.trim();
    try {
      const { redecided } = await changeConsentStatus(rightsDepsOf(app), id, 'revoke', actorOf(req), note === '' ? undefined : note);
      redirectWithFlash(res, `/consents/${id}`, 'ok', `Consent #${id} revoked; ${describeRedecided(redecided)}.`);
    } catch (error) {
      if (!isFormRefusal(error) || error instanceof NotFoundError) throw error;
      redirectWithFlash(res, `/consents/${id}`, 'error', error.message);
    }
  });

  return router;
}
