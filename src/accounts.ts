import { findLicenseeById, findLicenseeByName } from '../db/licensees.ts';
import type { Db } from '../db/open-db.ts';
import { findApiKeyById, insertApiKey, listApiKeys, setApiKeyRevoked, type ApiKeyRow } from '../db/api-keys.ts';
import { deleteSessionsOfUser } from '../db/sessions.ts';
import { countActiveAdmins, findUserByEmail, findUserById, insertUser, listUsers, updateUser, type UserRow } from '../db/users.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { checkNewPassword, hashPassword } from './auth/passwords.ts';
import { assertMayCreateKey } from './auth/policy.ts';
import { isRole, ROLES, type Principal, type Role } from './auth/roles.ts';
import { newApiKey, hashToken } from './auth/tokens.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { millisOfIso } from './time/parse-date.ts';

/**
 * Users and API keys: made, listed, disabled, revoked. The CLI (as `local`) and the admin API
 * both come here. Views never carry a password hash or a key hash; a new key is shown once.
 */

export interface AccountDeps {
  db: Db;
  now?: () => Date;
}

export interface UserView {
  id: number;
  email: string;
  role: Role;
  licenseeId: number | null;
  licensee: string | null;
  disabled: boolean;
  createdBy: string;
  createdAt: string;
}

export interface KeyView {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  licenseeId: number | null;
  licensee: string | null;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

// An address as RFC 5321 allows it, loosely: one @, no spaces, at most 254 characters; no control,
// bidi or invisible characters (an address is shown in lists and history, and must read as it is).
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;
const UNSHOWABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const MAX_EMAIL_CHARS = 254;
const MAX_KEY_NAME_CHARS = 200;

function nowIso(deps: AccountDeps): string {
  return (deps.now?.() ?? new Date()).toISOString();
}

export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_CHARS || !EMAIL_PATTERN.test(email) || UNSHOWABLE.test(email)) throw new ValidationError(`email: "${raw}" is not an e-mail address`, { field: 'email' });
  return email;
}

function checkRole(raw: string): Role {
  if (!isRole(raw)) throw new ValidationError(`role: "${raw}" is not a role; roles: ${ROLES.join(', ')}`, { field: 'role' });
  return raw;
}

/** The licensee a licensee user or key is bound to: required for that role, refused for others. */
async function bindingOf(db: Db, role: Role, licensee: string | number | null | undefined): Promise<number | null> {
  if (role !== 'licensee') {
    if (licensee !== undefined && licensee !== null) throw new ValidationError(`licensee: only the licensee role is bound to a licensee (role is ${role})`, { field: 'licensee' });
    return null;
  }
  if (licensee === undefined || licensee === null) throw new ValidationError('licensee: the licensee role needs the organisation it acts for', { field: 'licensee' });
  const row = typeof licensee === 'number' ? await findLicenseeById(db, licensee) : await findLicenseeByName(db, licensee);
  if (!row) throw new NotFoundError(typeof licensee === 'number' ? `No licensee with id ${licensee}` : `No licensee named "${licensee}"`, { field: 'licensee' });
  return row.id;
}

async function licenseeNames(db: Db, ids: (number | null)[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  for (const id of new Set(ids)) {
    if (id === null) continue;
    const row = await findLicenseeById(db, id);
    if (row) names.set(id, row.name);
  }
  return names;
}

function toUserView(u: UserRow, names: Map<number, string>): UserView {
  return { id: u.id, email: u.email, role: u.role, licenseeId: u.licenseeId, licensee: u.licenseeId !== null ? (names.get(u.licenseeId) ?? null) : null, disabled: u.disabled, createdBy: u.createdBy, createdAt: u.createdAt };
}

function toKeyView(k: ApiKeyRow, names: Map<number, string>): KeyView {
  const { keyHash: _hash, ...rest } = k;
  return { ...rest, licensee: k.licenseeId !== null ? (names.get(k.licenseeId) ?? null) : null };
}

export async function viewUser(db: Db, u: UserRow): Promise<UserView> {
  return toUserView(u, await licenseeNames(db, [u.licenseeId]));
}

/**
 * Everything about a new user but the password, as addUser checks it: the CLI asks this before it
 * asks for a password, so nobody types one twice to learn the role was misspelt.
 */
export async function checkNewUser(db: Db, input: { email: string; role: string; licensee?: string | number | null }): Promise<{ email: string; role: Role; licenseeId: number | null }> {
  const email = normaliseEmail(input.email);
  const role = checkRole(input.role);
  const licenseeId = await bindingOf(db, role, input.licensee);
  if (await findUserByEmail(db, email)) throw new ConflictError(`A user with email ${email} already exists`, { field: 'email' });
  return { email, role, licenseeId };
}

export async function addUser(deps: AccountDeps, input: { email: string; role: string; licensee?: string | number | null; password: string }, actor: string): Promise<UserView> {
  const { email, role, licenseeId } = await checkNewUser(deps.db, input);
  await checkNewPassword(input.password, email);
  const passwordHash = await hashPassword(input.password);
  const now = nowIso(deps);
  const user = await writeTransaction(deps.db, async (tx) => {
    if (await findUserByEmail(tx, email)) throw new ConflictError(`A user with email ${email} already exists`, { field: 'email' });
    return await insertUser(tx, { email, passwordHash, role, licenseeId, disabled: false, createdBy: actor, createdAt: now, updatedAt: now });
  });
  return viewUser(deps.db, user);
}

export async function listUserViews(db: Db, page: { afterId?: number; limit?: number } = {}): Promise<UserView[]> {
  const rows = await listUsers(db, page);
  const names = await licenseeNames(db, rows.map((u) => u.licenseeId));
  return rows.map((u) => toUserView(u, names));
}

/** A user by id or e-mail address. */
export async function getUser(db: Db, ref: string | number): Promise<UserRow> {
  const user = typeof ref === 'number' ? await findUserById(db, ref) : await findUserByEmail(db, normaliseEmail(ref));
  if (!user) throw new NotFoundError(typeof ref === 'number' ? `No user with id ${ref}` : `No user with email ${ref}`, typeof ref === 'number' ? { id: ref } : { email: ref });
  return user;
}

/** Disables (ending every session at once) or enables a user; never the last enabled admin. */
export async function setUserDisabled(deps: AccountDeps, ref: string | number, disabled: boolean): Promise<UserView> {
  const now = nowIso(deps);
  const user = await writeTransaction(deps.db, async (tx) => {
    const found = await getUser(tx, ref);
    if (disabled && found.role === 'admin' && !found.disabled && await countActiveAdmins(tx) <= 1) {
      throw new ConflictError(`${found.email} is the last enabled admin: add another admin before disabling this one`, { id: found.id });
    }
    if (disabled) await deleteSessionsOfUser(tx, found.id);
    return (await updateUser(tx, found.id, { disabled, updatedAt: now }))!;
  });
  return await viewUser(deps.db, user);
}

/** Sets a new password (checked as any new one) and ends every session of the user. */
export async function resetPassword(deps: AccountDeps, ref: string | number, password: string): Promise<UserView> {
  const user = await getUser(deps.db, ref);
  await checkNewPassword(password, user.email);
  const passwordHash = await hashPassword(password);
  const now = nowIso(deps);
  const updated = await writeTransaction(deps.db, async (tx) => {
    await deleteSessionsOfUser(tx, user.id);
    return (await updateUser(tx, user.id, { passwordHash, updatedAt: now }))!;
  });
  return viewUser(deps.db, updated);
}

function checkExpiry(raw: string | null | undefined, now: string): string | null {
  if (raw === undefined || raw === null) return null;
  const millis = millisOfIso(raw);
  if (millis === null) throw new ValidationError(`expires: "${raw}" is not an ISO 8601 date`, { field: 'expires' });
  const iso = new Date(millis).toISOString();
  if (iso <= now) throw new ValidationError(`expires: ${iso} is in the past`, { field: 'expires' });
  return iso;
}

/** Makes an API key; the key itself is in the answer and nowhere else, ever. */
export async function createKey(deps: AccountDeps, principal: Principal, input: { name: string; role: string; licensee?: string | number | null; expires?: string | null }): Promise<{ key: string; view: KeyView }> {
  const name = input.name.trim();
  if (name === '' || name.length > MAX_KEY_NAME_CHARS) throw new ValidationError(`name: must be 1-${MAX_KEY_NAME_CHARS} characters`, { field: 'name' });
  const role = checkRole(input.role);
  // A licensee's own keys are bound to its organisation whatever it names.
  const licenseeId = principal.role === 'licensee' && role === 'licensee' && (input.licensee === undefined || input.licensee === null) ? principal.licenseeId : await bindingOf(deps.db, role, input.licensee);
  assertMayCreateKey(principal, role, licenseeId);
  const now = nowIso(deps);
  const expiresAt = checkExpiry(input.expires, now);
  const { key, shown } = newApiKey();
  const row = await writeTransaction(deps.db, async (tx) => await insertApiKey(tx, { name, keyHash: hashToken(key), prefix: shown, role, licenseeId, createdBy: principal.actor, createdAt: now, expiresAt, lastUsedAt: null, revokedAt: null }));
  return { key, view: toKeyView(row, await licenseeNames(deps.db, [row.licenseeId])) };
}

export async function listKeyViews(db: Db, q: { licenseeId?: number; afterId?: number; limit?: number } = {}): Promise<KeyView[]> {
  const rows = await listApiKeys(db, q);
  const names = await licenseeNames(db, rows.map((k) => k.licenseeId));
  return rows.map((k) => toKeyView(k, names));
}

/** Revokes a key: the next request with it is refused. Revoking twice is a conflict. */
export async function revokeKey(deps: AccountDeps, id: number): Promise<KeyView> {
  const now = nowIso(deps);
  const row = await writeTransaction(deps.db, async (tx) => {
    const found = await findApiKeyById(tx, id);
    if (!found) throw new NotFoundError(`No API key with id ${id}`, { id });
    if (found.revokedAt) throw new ConflictError(`API key ${id} was already revoked at ${found.revokedAt}`, { id });
    await setApiKeyRevoked(tx, id, now);
    return { ...found, revokedAt: now };
  });
  return toKeyView(row, await licenseeNames(deps.db, [row.licenseeId]));
}

/** The organisation that owns a key (null for staff keys), or undefined when there is no such key. */
export async function ownerOfKey(db: Db, id: number): Promise<number | null | undefined> {
  const row = await findApiKeyById(db, id);
  return row ? row.licenseeId : undefined;
}
