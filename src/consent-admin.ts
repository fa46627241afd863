import { randomUUID } from 'node:crypto';
import { findConsentById, findConsentByUid, insertConsent, listConsents, updateConsent, type ConsentWithLicensee } from '../db/consents.ts';
import { findLicenseeByName, insertLicensee } from '../db/licensees.ts';
import type { Db } from '../db/open-db.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { toConsent } from './decide-store.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { nowIso, redecidePlaces, type Redecided, type RightsDeps } from './rights-admin.ts';
import { parseConsentRequest, revalidateConsent, toConsentRequest } from './rights/consent-input.ts';
import { normalisePlace } from './rights/places.ts';
import type { Consent, ConsentInput, ConsentStatus } from './rights/types.ts';

/**
 * Consent records: registered, imported, approved, revoked, changed and expired — each in one
 * transaction with the re-decision of every stored match it touches (src/rights-admin.ts).
 */


export async function getConsent(db: Db, id: number): Promise<Consent> {
  const row = await findConsentById(db, id);
  if (!row) throw new NotFoundError(`No consent with id ${id}`, { id });
  return toConsent(row);
}

export async function listAllConsents(db: Db, q: { licenseeId?: number; status?: ConsentStatus; afterId?: number; limit?: number } = {}): Promise<Consent[]> {
  return (await listConsents(db, q)).map((r: ConsentWithLicensee) => toConsent(r));
}

/** The terms of a consent: what a licensee may do, where and when (not who, not its status). */
function termsOf(input: ConsentInput) {
  const { scope, places, validFrom, validUntil, use, maxWords, maxPercent, holdBackHours, duties, territory, contractRef } = input;
  return { scope, places, validFrom, validUntil, use, maxWords, maxPercent, holdBackHours, duties, territory, contractRef };
}

/** Stores one consent inside `tx` (the licensee must exist, or is created when `createLicensee`). */
async function storeConsent(tx: Db, input: ConsentInput & { licenseeName: string }, actor: string, now: string, createLicensee?: { places: string[] }): Promise<Consent> {
  let licensee = await findLicenseeByName(tx, input.licenseeName);
  if (!licensee) {
    if (!createLicensee) throw new NotFoundError(`No licensee named "${input.licenseeName}"; add the licensee first`, { field: 'licensee', name: input.licenseeName });
    licensee = await insertLicensee(tx, { name: input.licenseeName, contacts: [], notes: null, places: createLicensee.places, createdBy: actor, createdAt: now, updatedAt: now });
  }
  const uid = input.uid ?? `urn:uuid:${randomUUID()}`;
  if (await findConsentByUid(tx, uid)) throw new ConflictError(`A consent with uid ${uid} is already registered`, { field: 'uid', uid });
  const row = await insertConsent(tx, {
    uid,
    licenseeId: licensee.id,
    ...termsOf(input),
    status: input.status,
    createdBy: actor,
    createdAt: now,
    updatedAt: now,
  });
  return await getConsent(tx, row.id);
}

async function placesOfConsent(tx: Db, consent: Consent): Promise<string[]> {
  const licensee = await findLicenseeByName(tx, consent.licenseeName);
  return [...consent.places, ...(licensee?.places ?? [])];
}

export async function addConsent(deps: RightsDeps, input: ConsentInput & { licenseeName: string }, actor: string): Promise<{ consent: Consent; redecided: Redecided }> {
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    const consent = await storeConsent(tx, input, actor, now);
    const why = `consent ${consent.id} (${consent.uid}) registered${consent.status === 'pending' ? ' as pending' : ''}`;
    return { consent, redecided: await redecidePlaces(tx, deps, await placesOfConsent(tx, consent), [consent.id], actor, why, { consentId: consent.id }, now) };
  });
}

/** Several consents (an ODRL import): all stored and re-decided in one transaction, or none. */
export async function addConsents(deps: RightsDeps, inputs: (ConsentInput & { licenseeName: string; licenseePlaces?: string[] })[], actor: string): Promise<{ consents: Consent[]; redecided: Redecided }> {
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    const consents: Consent[] = [];
    for (const [i, input] of inputs.entries()) {
      const checked = revalidateConsent(input, `agreement ${i} (${input.uid ?? 'no uid'})`);
      consents.push(await storeConsent(tx, checked, actor, now, { places: (input.licenseePlaces ?? []).map(normalisePlace) }));
    }
    const places: string[] = [];
    for (const c of consents) places.push(...(await placesOfConsent(tx, c)));
    const ids = consents.map((c) => c.id);
    return { consents, redecided: await redecidePlaces(tx, deps, places, ids, actor, `consents ${ids.join(', ')} imported`, { consentIds: ids }, now) };
  });
}

const STATUS_CHANGES: Record<'approve' | 'revoke', { from: ConsentStatus[]; to: ConsentStatus; verb: string }> = {
  approve: { from: ['pending'], to: 'active', verb: 'approved' },
  revoke: { from: ['pending', 'active', 'expired'], to: 'revoked', verb: 'revoked' },
};

/** Approves a pending consent or revokes one; re-decides what it touches. */
export async function changeConsentStatus(deps: RightsDeps, id: number, change: 'approve' | 'revoke', actor: string, note?: string): Promise<{ consent: Consent; redecided: Redecided }> {
  const rule = STATUS_CHANGES[change];
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    const before = await getConsent(tx, id);
    if (!rule.from.includes(before.status)) {
      throw new ConflictError(`Consent ${id} is ${before.status}; only a ${rule.from.join(' or ')} consent can be ${rule.verb}`, { id, status: before.status });
    }
    await updateConsent(tx, id, { status: rule.to, updatedAt: now });
    const consent = await getConsent(tx, id);
    const why = `consent ${id} (${consent.uid}) ${rule.verb} by ${actor}${note ? `: ${note}` : ''}`;
    return { consent, redecided: await redecidePlaces(tx, deps, await placesOfConsent(tx, consent), [id], actor, why, { consentId: id }, now) };
  });
}

/** Fields of a consent's terms that may change after registration (licensee, uid and status may not). */
const FIXED_FIELDS = ['uid', 'licensee', 'status'] as const;

/**
 * Changes a consent's terms (places, scope, validity, use, limits, duties, references): the
 * whole record is validated again as if typed in, stored, and every match it touched before or
 * touches now is re-decided in the same transaction.
 */
export async function changeConsentTerms(deps: RightsDeps, id: number, changes: Record<string, unknown>, actor: string): Promise<{ consent: Consent; redecided: Redecided }> {
  for (const field of FIXED_FIELDS) {
    if (field in changes) throw new ValidationError(`${field} cannot be changed on a consent (approve or revoke it, or register a new one)`, { field });
  }
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    const before = await getConsent(tx, id);
    const merged = parseConsentRequest({ ...toConsentRequest(before), ...changes });
    await updateConsent(tx, id, { ...termsOf(merged), updatedAt: now });
    const consent = await getConsent(tx, id);
    const places = [...await placesOfConsent(tx, before), ...consent.places];
    const why = `consent ${id} (${consent.uid}) terms changed by ${actor}: ${Object.keys(changes).join(', ')}`;
    return { consent, redecided: await redecidePlaces(tx, deps, places, [id], actor, why, { consentId: id }, now) };
  });
}

/**
 * Marks active consents whose valid-until has passed as `expired`, so listings tell the truth.
 * Decisions do not depend on it (validity is judged at each observation), so the re-decision it
 * runs changes nothing seen before the expiry; `serve` runs it at start and hourly.
 */
export async function expireConsents(deps: RightsDeps, actor: string): Promise<{ expired: number[] }> {
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    const due = (await listConsents(tx, { status: 'active' })).filter((c) => c.validUntil !== null && c.validUntil <= now);
    for (const c of due) {
      await updateConsent(tx, c.id, { status: 'expired', updatedAt: now });
      const consent = await getConsent(tx, c.id);
      await redecidePlaces(tx, deps, await placesOfConsent(tx, consent), [c.id], actor, `consent ${c.id} (${c.uid}) expired at ${c.validUntil}`, { consentId: c.id }, now);
    }
    return { expired: due.map((c) => c.id) };
  });
}
