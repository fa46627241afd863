import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { countLicensees, findLicenseeById, listLicenseePage, type LicenseeRow } from '../../db/licensees.ts';
import { countConsents } from '../../db/consents.ts';
import type { App } from '../app.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { addLicensee, addOwnerSite, changeLicensee, getLicensee, listAllOwnerSites, removeLicensee, removeOwnerSite, type RightsDeps } from '../rights-admin.ts';
import { addConsent, addConsents, changeConsentStatus, changeConsentTerms, getConsent, listAllConsents } from '../consent-admin.ts';
import { consentInputSchema, parseConsentRequest, placeSchema } from '../rights/consent-input.ts';
import { exportConsentToOdrl } from '../rights/odrl-export.ts';
import { parseOdrlDocument } from '../rights/odrl-import.ts';
import { normalisePlace } from '../rights/places.ts';
import { CONSENT_STATUSES } from '../rights/types.ts';
import { actorOf, principalOf, scopeOf } from './actor.ts';
import { assertMayChangeConsentTerms, assertMayChangeLicensee, narrowConsentInputs } from '../auth/policy.ts';
import { parseOrThrow } from './api-matches.ts';
import { MAX_AGREEMENTS } from '../rights/odrl-vocabulary.ts';
import type { RouteDoc } from './openapi/route-doc.ts';
import { cursorParam, idKey, limitParam, pageOf, PAGING_DESCRIPTION } from './api-paging.ts';

/** /api/owner-sites, /api/licensees, /api/consents: thin adapters over src/rights-admin.ts. */

// Bounds of a licensee record: a contact list and notes of a partner, not a directory.
const MAX_PLACES = 200;
const MAX_CONTACTS = 100;
const MAX_TEXT = 2000;
const MAX_NOTES = 10_000;
const ODRL_MEDIA_TYPE = 'application/ld+json';

const idSchema = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const place = placeSchema;

const ownerSiteSchema = z.strictObject({ place: z.string() });

// Owner sites come from three origins, listed in this order, each by place: the key is (origin, place).
const OWNER_SITE_ORIGINS = ['config', 'owner_source', 'database'] as const;
const ownerSiteKey = z.strictObject({ s: z.enum(OWNER_SITE_ORIGINS), p: z.string().max(MAX_TEXT) });
const ownerSiteListQuerySchema = z.strictObject({ limit: limitParam, cursor: cursorParam(ownerSiteKey) });
// Licensees are listed by name (unique): the key is the last name shown.
const licenseeKey = z.strictObject({ n: z.string().max(MAX_TEXT) });
const licenseeListQuerySchema = z.strictObject({ limit: limitParam, cursor: cursorParam(licenseeKey) });

const licenseeFields = {
  name: z.string().max(MAX_TEXT),
  places: z.array(place).max(MAX_PLACES),
  contacts: z.array(z.string().trim().min(1).max(MAX_TEXT)).max(MAX_CONTACTS),
  notes: z.string().max(MAX_NOTES).nullable(),
};
const newLicenseeSchema = z.strictObject({ ...licenseeFields, places: licenseeFields.places.default([]), contacts: licenseeFields.contacts.default([]), notes: licenseeFields.notes.default(null) });
const licenseeChangeSchema = z
  .strictObject({ name: licenseeFields.name.optional(), places: licenseeFields.places.optional(), contacts: licenseeFields.contacts.optional(), notes: licenseeFields.notes.optional() })
  .refine((set) => Object.keys(set).length > 0, 'give at least one of name, places, contacts, notes');

const consentQuerySchema = z
  .strictObject({ licenseeId: idSchema.optional(), licensee: z.string().min(1).max(MAX_TEXT).optional(), status: z.enum(CONSENT_STATUSES).optional(), limit: limitParam, cursor: cursorParam(idKey) })
  .refine((q) => q.licenseeId === undefined || q.licensee === undefined, { message: 'give licenseeId or licensee, not both', path: ['licensee'] });
// The fields are checked by parseConsentRequest on the merged record (naming each bad one).
const termsChangeSchema = z.record(z.string(), z.unknown()).refine((changes) => Object.keys(changes).length > 0, 'give at least one term to change');
const approveSchema = z.strictObject({});
const revokeSchema = z.strictObject({ note: z.string().trim().min(1).max(MAX_TEXT).optional() });

/**
 * For the OpenAPI description only: PATCH /:id reads its body with termsChangeSchema and then checks
 * the merged consent with parseConsentRequest (which refuses unknown fields) after refusing uid,
 * licensee and status; this is that whole check as one schema. POST /import reads an ODRL document
 * with parseOdrlDocument; this is its outer shape. test/openapi checks that each refuses what the
 * route refuses.
 */
const { uid: _uid, licensee: _licensee, status: _status, ...consentTerms } = consentInputSchema.shape;
export const consentTermsChangeSchema = z
  .strictObject(Object.fromEntries(Object.entries(consentTerms).map(([name, field]) => [name, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()])))
  .refine((changes) => Object.keys(changes).length > 0, 'give at least one term to change')
  .meta({ minProperties: 1 });
const odrlAgreementSchema = z.looseObject({ '@context': z.unknown(), '@graph': z.never().optional() }).meta({ description: 'An ODRL 2.2 Agreement (JSON-LD, RightsML profile), as GET /api/consents/{id}/odrl answers' });
export const odrlDocumentSchema = z.union([
  z.strictObject({ '@context': z.unknown().optional(), '@graph': z.array(z.looseObject({})).min(1).max(MAX_AGREEMENTS) }),
  z.array(odrlAgreementSchema).min(1).max(MAX_AGREEMENTS),
  odrlAgreementSchema,
]);

/** Code-unit order, as SQLite's default BINARY collation compares text (localeCompare would not match it). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function depsOf(app: App): RightsDeps {
  return { db: app.database.db, config: app.config.rights };
}

async function getLicenseeById(app: App, rawId: string | number): Promise<LicenseeRow> {
  const id = typeof rawId === 'number' ? rawId : parseOrThrow(idSchema, rawId, 'licensee id');
  const licensee = await findLicenseeById(app.database.db, id);
  if (!licensee) throw new NotFoundError(`No licensee with id ${id}`, { id });
  return licensee;
}

/** GET (list), POST {place}, DELETE /:place (the place URL-encoded, e.g. https%3A%2F%2Fexample.com%2Fnews%2F). */
export function createOwnerSitesRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/owner-sites');
  router.get('/', async (req, res) => {
    const q = parseOrThrow(ownerSiteListQuerySchema, req.query, 'query parameters');
    // A few dozen places from configuration, owner sources and the table: ordered and cut here, by key (not by position).
    const rank = (origin: (typeof OWNER_SITE_ORIGINS)[number]) => OWNER_SITE_ORIGINS.indexOf(origin);
    const all = (await listAllOwnerSites(depsOf(app))).sort((a, b) => rank(a.source) - rank(b.source) || compareText(a.place, b.place));
    const after = q.cursor;
    const rest = after ? all.filter((s) => rank(s.source) > rank(after.s) || (s.source === after.s && compareText(s.place, after.p) > 0)) : all;
    res.json({ ...pageOf(rest.slice(0, q.limit + 1), q.limit, (s) => ({ s: s.source, p: s.place })), total: all.length });
  });
  router.post('/', async (req, res) => {
    const { place: raw } = parseOrThrow(ownerSiteSchema, req.body ?? {}, 'owner site (send {"place": "example.com"})');
    res.status(201).json(await addOwnerSite(depsOf(app), raw, actorOf(req)));
  });
  router.delete('/:place', async (req, res) => {
    const removed = normalisePlace(req.params.place);
    res.json({ place: removed, ...await removeOwnerSite(depsOf(app), removed, actorOf(req)) });
  });
  return router;
}

/** GET (list), GET /:id (with consents), POST {name, places, contacts, notes}, PATCH /:id, DELETE /:id. */
export function createLicenseesRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/licensees');
  const db = app.database.db;
  router.get('/', async (req, res) => {
    const q = parseOrThrow(licenseeListQuerySchema, req.query, 'query parameters');
    const onlyId = scopeOf(req) ?? undefined;
    const rows = await listLicenseePage(db, { onlyId, afterName: q.cursor?.n, limit: q.limit + 1 });
    res.json({ ...pageOf(rows, q.limit, (l) => ({ n: l.name })), total: await countLicensees(db, { onlyId }) });
  });
  router.get('/:id', async (req, res) => {
    const licensee = await getLicenseeById(app, req.params.id);
    res.json({ ...licensee, consents: await listAllConsents(db, { licenseeId: licensee.id }) });
  });
  router.post('/', async (req, res) => {
    const input = parseOrThrow(newLicenseeSchema, req.body ?? {}, 'licensee');
    res.status(201).json(await addLicensee(depsOf(app), input, actorOf(req)));
  });
  router.patch('/:id', async (req, res) => {
    const licensee = await getLicenseeById(app, req.params.id);
    const set = parseOrThrow(licenseeChangeSchema, req.body ?? {}, 'licensee change');
    assertMayChangeLicensee(principalOf(req), Object.keys(set));
    res.json(await changeLicensee(depsOf(app), licensee.id, set, actorOf(req)));
  });
  router.delete('/:id', async (req, res) => {
    const licensee = await getLicenseeById(app, req.params.id);
    res.json({ id: licensee.id, name: licensee.name, ...await removeLicensee(depsOf(app), licensee.id, actorOf(req)) });
  });
  return router;
}

/**
 * GET (filters licenseeId | licensee, status), GET /:id, POST (a consent request), POST /import
 * (an ODRL JSON-LD document: every consent or none), POST /:id/approve, POST /:id/revoke {note},
 * PATCH /:id (change terms: the fields of a consent request but licensee, uid, status), GET /:id/odrl
 * (the consent as an ODRL Agreement).
 */
export function createConsentsRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/consents');
  const db = app.database.db;
  // The name of the organisation a licensee acts for (null when the route is not narrowed).
  const ownName = async (req: Parameters<typeof scopeOf>[0]) => {
    const scope = scopeOf(req);
    return scope === null ? null : ((await findLicenseeById(db, scope))?.name ?? null);
  };
  router.get('/', async (req, res) => {
    const q = parseOrThrow(consentQuerySchema, req.query, 'query parameters');
    const asked = q.licensee !== undefined ? (await getLicensee(db, q.licensee)).id : q.licenseeId !== undefined ? (await getLicenseeById(app, q.licenseeId)).id : undefined;
    const scope = scopeOf(req);
    // A licensee asking for another organisation's consents is told it does not exist.
    if (scope !== null && asked !== undefined && asked !== scope) throw new NotFoundError(q.licensee !== undefined ? `No licensee named "${q.licensee}"` : `No licensee with id ${q.licenseeId}`, {});
    const filters = { licenseeId: scope ?? asked, status: q.status };
    const rows = await listAllConsents(db, { ...filters, afterId: q.cursor?.i, limit: q.limit + 1 });
    res.json({ ...pageOf(rows, q.limit, (c) => ({ i: c.id })), total: await countConsents(db, filters) });
  });
  router.post('/', async (req, res) => {
    const [input] = narrowConsentInputs(principalOf(req), await ownName(req), [parseConsentRequest(req.body ?? {})]);
    res.status(201).json(await addConsent(depsOf(app), input, actorOf(req)));
  });
  // The guard parses application/json and application/ld+json bodies alike (src/http/guard.ts).
  router.post('/import', async (req, res) => {
    if (req.body === undefined) throw new ValidationError(`Send the ODRL document as the body (Content-Type: application/json or ${ODRL_MEDIA_TYPE})`, { path: '$', reason: 'no body' });
    res.status(201).json(await addConsents(depsOf(app), narrowConsentInputs(principalOf(req), await ownName(req), parseOdrlDocument(req.body)), actorOf(req)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await getConsent(db, parseOrThrow(idSchema, req.params.id, 'consent id')));
  });
  router.patch('/:id', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'consent id');
    const changes = parseOrThrow(termsChangeSchema, req.body ?? {}, 'consent change');
    assertMayChangeConsentTerms(principalOf(req), (await getConsent(db, id)).status);
    res.json(await changeConsentTerms(depsOf(app), id, changes, actorOf(req)));
  });
  router.get('/:id/odrl', async (req, res) => {
    const consent = await getConsent(db, parseOrThrow(idSchema, req.params.id, 'consent id'));
    const { publisherName: name, publisherUid: uid } = app.config.rights;
    res.type(ODRL_MEDIA_TYPE).send(JSON.stringify(exportConsentToOdrl(consent, { name, uid })));
  });
  router.post('/:id/approve', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'consent id');
    parseOrThrow(approveSchema, req.body ?? {}, 'approval (send no body or {})');
    res.json(await changeConsentStatus(depsOf(app), id, 'approve', actorOf(req)));
  });
  router.post('/:id/revoke', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'consent id');
    const { note } = parseOrThrow(revokeSchema, req.body ?? {}, 'revocation');
    res.json(await changeConsentStatus(depsOf(app), id, 'revoke', actorOf(req), note));
  });
  return router;
}

const ID = { id: idSchema };
const REDECIDED = '{consent, redecided: {matches, changed, reportsCreated, reportsChanged}}';

export const RIGHTS_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET', path: '/api/owner-sites', tag: 'Owner sites', summary: 'Owner sites with their origin (configuration, owner feeds, added)', query: ownerSiteListQuerySchema,
    description: `By origin (config, owner_source, database), then place. ${PAGING_DESCRIPTION} total counts every owner site.`,
    response: { status: 200, description: '{items, total, nextCursor}' },
  },
  {
    method: 'POST', path: '/api/owner-sites', tag: 'Owner sites', summary: 'Register an owner site (pages there are never reports)',
    description: 'place: a host ("example.com"), a wildcard ("*.example.com") or a URL prefix ("https://example.com/news/"). Re-decides the matches on it.',
    body: ownerSiteSchema,
    response: { status: 201, description: '{site, redecided}' },
    errors: { 409: 'The place is already an owner site' },
  },
  { method: 'DELETE', path: '/api/owner-sites/:place', tag: 'Owner sites', summary: 'Remove an added owner site (the place URL-encoded)', params: { place: placeSchema }, response: { status: 200, description: '{place, redecided}' } },

  {
    method: 'GET', path: '/api/licensees', tag: 'Licensees', summary: 'List licensees by name (a licensee: its own)', query: licenseeListQuerySchema,
    description: `${PAGING_DESCRIPTION} total counts every licensee the caller may see.`,
    response: { status: 200, description: '{items, total, nextCursor}' },
  },
  { method: 'GET', path: '/api/licensees/:id', tag: 'Licensees', summary: 'One licensee with its consents', params: ID, response: { status: 200, description: 'The licensee and {consents}' } },
  { method: 'POST', path: '/api/licensees', tag: 'Licensees', summary: 'Add a licensee and the places it publishes on', body: newLicenseeSchema, response: { status: 201, description: '{licensee, redecided}' }, errors: { 409: 'A licensee with that name exists' } },
  {
    method: 'PATCH', path: '/api/licensees/:id', tag: 'Licensees', summary: 'Change a licensee (a given list replaces the stored one)',
    description: 'A licensee changes its own contacts and notes only; its name and places are the publisher\'s to set.',
    params: ID, body: licenseeChangeSchema,
    response: { status: 200, description: '{licensee, redecided}' },
    errors: { 403: 'The role may not call this route or change these fields, or a signed-in browser sent no valid x-csrf-token', 409: 'A licensee with that name exists' },
  },
  { method: 'DELETE', path: '/api/licensees/:id', tag: 'Licensees', summary: 'Remove a licensee without consent records', params: ID, response: { status: 200, description: '{id, name, redecided}' }, errors: { 409: 'The licensee has consent records: revoke them instead' } },

  {
    method: 'GET', path: '/api/consents', tag: 'Consents', summary: 'List consents, oldest first (a licensee: its own)', query: consentQuerySchema,
    description: `${PAGING_DESCRIPTION} total counts every consent the filters select.`,
    response: { status: 200, description: '{items, total, nextCursor}' },
  },
  {
    method: 'POST', path: '/api/consents', tag: 'Consents', summary: 'Register a consent and re-decide the matches it touches',
    description: 'Dates are ISO 8601 (a date without zone is UTC; until is exclusive). Excerpt limits need use "excerpt". A licensee registers consents for its own organisation only, and they start pending.',
    body: consentInputSchema,
    response: { status: 201, description: REDECIDED },
    errors: { 404: 'No licensee with that name', 409: 'A consent with that uid exists' },
  },
  {
    method: 'POST', path: '/api/consents/import', tag: 'Consents', summary: 'Import the Agreements of an ODRL 2.2 / RightsML JSON-LD document (all or none)',
    description: 'One Agreement, an array of them, or {"@context", "@graph"}; their licensees are created. Anything unsupported is refused naming its JSON path (details.path).',
    body: odrlDocumentSchema, bodyMediaType: ODRL_MEDIA_TYPE,
    response: { status: 201, description: 'The consents created and what was re-decided' },
    errors: { 409: 'A uid is already registered' },
  },
  { method: 'GET', path: '/api/consents/:id', tag: 'Consents', summary: 'One consent with every term', params: ID, response: { status: 200, description: 'The consent' } },
  {
    method: 'PATCH', path: '/api/consents/:id', tag: 'Consents', summary: "Change a consent's terms and re-decide the matches it touched or now touches",
    description: 'Any field of a consent request but uid, licensee and status; a list replaces the stored one, null clears a term. The result is checked whole with the stored terms. A licensee changes its own consents only while they are pending.',
    params: ID, body: consentTermsChangeSchema,
    response: { status: 200, description: REDECIDED },
    errors: { 403: 'The role may not call this route, the consent is no longer pending (licensee), or a signed-in browser sent no valid x-csrf-token' },
  },
  { method: 'GET', path: '/api/consents/:id/odrl', tag: 'Consents', summary: 'The consent as an ODRL 2.2 Agreement (JSON-LD, RightsML profile)', params: ID, response: { status: 200, mediaType: ODRL_MEDIA_TYPE, description: 'The Agreement; POST /api/consents/import reads it back as the same record' } },
  { method: 'POST', path: '/api/consents/:id/approve', tag: 'Consents', summary: 'Approve a pending consent', params: ID, body: approveSchema, bodyOptional: true, response: { status: 200, description: REDECIDED }, errors: { 409: 'The consent is not pending' } },
  { method: 'POST', path: '/api/consents/:id/revoke', tag: 'Consents', summary: 'Revoke a consent (kept as evidence; the note goes into the history of the reports it touches)', params: ID, body: revokeSchema, bodyOptional: true, response: { status: 200, description: REDECIDED }, errors: { 409: 'The consent is already revoked' } },
];
