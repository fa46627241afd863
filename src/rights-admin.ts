import type { Config } from '../config/index.ts';
import { reversedHostRange } from '../db/host-key.ts';
import { countConsentsOfLicensee, deleteLicensee, findLicenseeById, findLicenseeByName, insertLicensee, updateLicensee, type LicenseeRow } from '../db/licensees.ts';
import { findAllMatchesForDecision, findMatchesForDecisionByIds, findMatchIdsByHosts } from '../db/match-decisions.ts';
import type { Db } from '../db/open-db.ts';
import { deleteOwnerSite, findOwnerSite, insertOwnerSite, listOwnerSites, type OwnerSiteRow } from '../db/owner-sites.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { decideMatches, listOwnerSourceSites, loadRightsSnapshot, type DecideSummary } from './decide-store.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { normalisePlace, parsePlace } from './rights/places.ts';

/**
 * Changes to the rights state — owner sites, licensees, consents — each in one transaction with
 * the re-decision of every stored match it touches, so reports never disagree with the consents.
 * `actor` is who asked (recorded on rows and in report history); until accounts exist it is "local".
 */

export interface RightsDeps {
  db: Db;
  config: Pick<Config['rights'], 'ownerSites'>;
  now?: () => Date;
}

export interface Redecided {
  matches: number;
  changed: number;
  reportsCreated: number;
  reportsChanged: number;
}

export function nowIso(deps: RightsDeps): string {
  return (deps.now?.() ?? new Date()).toISOString();
}

function summarise(s: DecideSummary): Redecided {
  return { matches: s.decided, changed: s.changed, reportsCreated: s.reportsCreated, reportsChanged: s.reportsChanged };
}

// Matches read, decided and written per step of a re-decision. The pages a chunk reads (its
// matches, reports and decisions) are still in SQLite's page cache when the chunk is written;
// reading all 10,000 first had evicted them, and every write read its page a second time.
const REDECIDE_CHUNK = 500;

/** Re-decides, inside `tx`, the matches on pages in the places (and those that named the consents). */
export async function redecidePlaces(tx: Db, deps: RightsDeps, places: readonly string[], consentIds: number[], actor: string, why: string, cause: Record<string, unknown>, now: string): Promise<Redecided> {
  const ranges = places.map((p) => {
    const place = parsePlace(p);
    return reversedHostRange(place.host, place.kind === 'domain' && place.subdomains);
  });
  const ids = await findMatchIdsByHosts(tx, ranges, consentIds);
  const rights = await loadRightsSnapshot(tx, deps.config);
  const total: Redecided = { matches: 0, changed: 0, reportsCreated: 0, reportsChanged: 0 };
  for (let at = 0; at < ids.length; at += REDECIDE_CHUNK) {
    const rows = await findMatchesForDecisionByIds(tx, ids.slice(at, at + REDECIDE_CHUNK));
    addTo(total, summarise(await decideMatches(tx, rows, rights, { actor, why, now, cause })));
  }
  return total;
}

function addTo(total: Redecided, part: Redecided): void {
  for (const k of Object.keys(total) as (keyof Redecided)[]) total[k] += part[k];
}

// A full re-decision reads the matches in batches of this size (bounded memory).
const REDECIDE_BATCH = 5000;

/** Re-decides every stored match (after owner sites given in configuration changed, say). */
export async function redecideAll(deps: RightsDeps, actor: string, why: string): Promise<Redecided> {
  const total: Redecided = { matches: 0, changed: 0, reportsCreated: 0, reportsChanged: 0 };
  let after = 0;
  for (;;) {
    const done = await writeTransaction(deps.db, async (tx) => {
      const rows = await findAllMatchesForDecision(tx, after, REDECIDE_BATCH);
      if (rows.length === 0) return null;
      after = rows[rows.length - 1].matchId;
      return summarise(await decideMatches(tx, rows, await loadRightsSnapshot(tx, deps.config), { actor, why, now: nowIso(deps) }));
    });
    if (!done) return total;
    addTo(total, done);
  }
}

// ---------------------------------------------------------------------------------------------
// Owner sites

/** Owner sites from every origin: configuration, `owner-sites add`, and the hosts of owner feeds/sitemaps. */
export async function listAllOwnerSites(deps: RightsDeps): Promise<{ place: string; source: 'config' | 'database' | 'owner_source'; createdBy?: string; createdAt?: string }[]> {
  const stored = await listOwnerSites(deps.db);
  return [
    ...deps.config.ownerSites.map((place) => ({ place, source: 'config' as const })),
    ...(await listOwnerSourceSites(deps.db)).map((place) => ({ place, source: 'owner_source' as const })),
    ...stored.map((s) => ({ place: s.place, source: 'database' as const, createdBy: s.createdBy, createdAt: s.createdAt })),
  ];
}

export async function addOwnerSite(deps: RightsDeps, rawPlace: string, actor: string): Promise<{ site: OwnerSiteRow; redecided: Redecided }> {
  const place = normalisePlace(rawPlace);
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    if (await findOwnerSite(tx, place)) throw new ConflictError(`Owner site ${place} is already registered`, { place });
    const site = await insertOwnerSite(tx, { place, createdBy: actor, createdAt: now });
    return { site, redecided: await redecidePlaces(tx, deps, [place], [], actor, `owner site ${place} added`, { ownerSite: place }, now) };
  });
}

export async function removeOwnerSite(deps: RightsDeps, rawPlace: string, actor: string): Promise<{ redecided: Redecided }> {
  const place = normalisePlace(rawPlace);
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    if (!await deleteOwnerSite(tx, place)) {
      const hint = deps.config.ownerSites.includes(place) ? ' (it comes from COPYHOUND_OWNER_SITES; change it there)' : '';
      throw new NotFoundError(`No owner site ${place} is registered${hint}`, { place });
    }
    return { redecided: await redecidePlaces(tx, deps, [place], [], actor, `owner site ${place} removed`, { ownerSite: place }, now) };
  });
}

// ---------------------------------------------------------------------------------------------
// Licensees

export interface LicenseeInput {
  name: string;
  contacts?: string[];
  notes?: string | null;
  places?: string[];
}

// Bounds on one licensee record: a contract's contacts and sites, not a directory.
const MAX_LICENSEE_PLACES = 200;
const MAX_CONTACTS = 100;
const MAX_CONTACT_CHARS = 2000;
const MAX_NOTES_CHARS = 10_000;

function checkLicenseeFields(input: Partial<LicenseeInput>): void {
  if (input.places && input.places.length > MAX_LICENSEE_PLACES) throw new ValidationError(`places: at most ${MAX_LICENSEE_PLACES}`, { field: 'places' });
  if (input.contacts && input.contacts.length > MAX_CONTACTS) throw new ValidationError(`contacts: at most ${MAX_CONTACTS}`, { field: 'contacts' });
  input.contacts?.forEach((c, i) => {
    if (c.trim() === '' || c.length > MAX_CONTACT_CHARS) throw new ValidationError(`contacts.${i}: must be 1-${MAX_CONTACT_CHARS} characters`, { field: `contacts.${i}` });
  });
  if (input.notes && input.notes.length > MAX_NOTES_CHARS) throw new ValidationError(`notes: at most ${MAX_NOTES_CHARS} characters`, { field: 'notes' });
}

function checkLicenseeName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 200) throw new ValidationError('Licensee name must be 1-200 characters', { field: 'name' });
  return trimmed;
}

/** A licensee by name, or by id when given a number (the API's ids stay right across a rename). */
export async function getLicensee(db: Db, ref: string | number): Promise<LicenseeRow> {
  const row = typeof ref === 'number' ? await findLicenseeById(db, ref) : await findLicenseeByName(db, ref);
  if (!row) throw new NotFoundError(typeof ref === 'number' ? `No licensee with id ${ref}` : `No licensee named "${ref}"`, typeof ref === 'number' ? { id: ref } : { name: ref });
  return row;
}

export async function addLicensee(deps: RightsDeps, input: LicenseeInput, actor: string): Promise<{ licensee: LicenseeRow; redecided: Redecided }> {
  const name = checkLicenseeName(input.name);
  checkLicenseeFields(input);
  const places = [...new Set((input.places ?? []).map(normalisePlace))];
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    if (await findLicenseeByName(tx, name)) throw new ConflictError(`A licensee named "${name}" already exists`, { name });
    const licensee = await insertLicensee(tx, { name, contacts: input.contacts ?? [], notes: input.notes ?? null, places, createdBy: actor, createdAt: now, updatedAt: now });
    return { licensee, redecided: await redecidePlaces(tx, deps, places, [], actor, `licensee ${name} added`, { licenseeId: licensee.id }, now) };
  });
}

export async function changeLicensee(deps: RightsDeps, ref: string | number, set: Partial<LicenseeInput>, actor: string): Promise<{ licensee: LicenseeRow; redecided: Redecided }> {
  checkLicenseeFields(set);
  const now = nowIso(deps);
  const places = set.places ? [...new Set(set.places.map(normalisePlace))] : undefined;
  const newName = set.name !== undefined ? checkLicenseeName(set.name) : undefined;
  return await writeTransaction(deps.db, async (tx) => {
    const before = await getLicensee(tx, ref);
    if (newName && newName !== before.name && await findLicenseeByName(tx, newName)) throw new ConflictError(`A licensee named "${newName}" already exists`, { name: newName });
    const licensee = (await updateLicensee(tx, before.id, {
      ...(newName ? { name: newName } : {}),
      ...(set.contacts ? { contacts: set.contacts } : {}),
      ...(set.notes !== undefined ? { notes: set.notes } : {}),
      ...(places ? { places } : {}),
      updatedAt: now,
    }))!;
    const touched = places ? [...before.places, ...places] : [];
    return { licensee, redecided: await redecidePlaces(tx, deps, touched, [], actor, `licensee ${licensee.name} changed`, { licenseeId: licensee.id }, now) };
  });
}

export async function removeLicensee(deps: RightsDeps, ref: string | number, actor: string): Promise<{ redecided: Redecided }> {
  const now = nowIso(deps);
  return await writeTransaction(deps.db, async (tx) => {
    const row = await getLicensee(tx, ref);
    const name = row.name;
    const consents = await countConsentsOfLicensee(tx, row.id);
    if (consents > 0) {
      throw new ConflictError(`Licensee "${name}" has ${consents} consent record(s) and cannot be removed; revoke them instead (records stay as evidence)`, { name, consents });
    }
    await deleteLicensee(tx, row.id);
    return { redecided: await redecidePlaces(tx, deps, row.places, [], actor, `licensee ${name} removed`, { licenseeId: row.id }, now) };
  });
}
