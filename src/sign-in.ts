import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config/index.ts';
import { findApiKeyByHash, setApiKeyLastUsed } from '../db/api-keys.ts';
import type { Db } from '../db/open-db.ts';
import { deleteExpiredSessions, deleteSession, deleteSessionsOfUser, findSessionByTokenHash, insertSession, touchSession } from '../db/sessions.ts';
import { findUserByEmail, findUserById, updateUser, type UserRow } from '../db/users.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import { checkNewPassword, hashForUnknownAccounts, hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from './auth/passwords.ts';
import type { Principal } from './auth/roles.ts';
import { API_KEY_PREFIX, hashToken, newSessionToken } from './auth/tokens.ts';
import { AuthenticationError, RateLimitedError, ValidationError } from './errors.ts';
import { millisOfIso } from './time/parse-date.ts';

/**
 * Who is asking: sign-in with a password (a server-side session), a session cookie's value, or
 * an API key. The one answer to a failed sign-in is the same for an unknown address, a wrong
 * password and a disabled account, and takes the same time (a hash is always verified).
 */

export interface SignInDeps {
  db: Db;
  config: Config['auth'];
  now?: () => Date;
}

const MINUTE_MS = 60_000;
// Sessions and keys record their last use at most this often: a write per request would make
// every read a write, and the idle expiry is counted in minutes anyway.
const LAST_USE_RESOLUTION_MS = MINUTE_MS;
const FAILED_SIGN_IN = 'Wrong e-mail address or password';

function userPrincipal(user: UserRow): Principal {
  return { kind: 'user', id: user.id, role: user.role, licenseeId: user.licenseeId, actor: `user:${user.email}` };
}

export interface SignIn {
  login(email: string, password: string, ip: string, replacing?: string): Promise<{ token: string; principal: Principal; expiresAt: string }>;
  /** The principal of a session cookie's value; refreshes its idle clock. */
  authenticateSession(token: string): Promise<{ principal: Principal; sessionId: number }>;
  authenticateKey(key: string): Promise<Principal>;
  logout(token: string): Promise<void>;
  logoutEverywhere(userId: number): Promise<number>;
  changePassword(userId: number, current: string, next: string, ip: string): Promise<void>;
}

export function createSignIn(deps: SignInDeps): SignIn {
  const { db, config } = deps;
  const now = () => deps.now?.() ?? new Date();
  const windowSeconds = config.loginWindowMinutes * 60;
  const perAccount = new RateLimiterMemory({ points: config.loginFailuresPerAccount, duration: windowSeconds, blockDuration: windowSeconds });
  const perIp = new RateLimiterMemory({ points: config.loginFailuresPerIp, duration: windowSeconds, blockDuration: windowSeconds });
  const idleMs = config.sessionIdleMinutes * MINUTE_MS;
  const maxMs = config.sessionMaxHours * 60 * MINUTE_MS;
  const lastKeyWrite = new Map<number, number>();

  async function refuseWhenThrottled(accountKey: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([perAccount.get(accountKey), perIp.get(ip)]);
    const blocked = [account, address].filter((r): r is RateLimiterRes => r !== null && r.remainingPoints <= 0);
    if (blocked.length === 0) return;
    const waitMs = Math.max(...blocked.map((r) => r.msBeforeNext));
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new RateLimitedError(`Too many failed sign-ins; try again in ${seconds} s`, seconds);
  }

  async function countFailure(accountKey: string, ip: string): Promise<void> {
    // consume() rejects with a RateLimiterRes once the points are spent: the failure still counted.
    await Promise.allSettled([perAccount.consume(accountKey), perIp.consume(ip)]);
  }

  return {
    async login(rawEmail, password, ip, replacing) {
      const email = rawEmail.trim().toLowerCase();
      if (password.length > MAX_PASSWORD_LENGTH) throw new ValidationError(`password: at most ${MAX_PASSWORD_LENGTH} characters`, { field: 'password' });
      await refuseWhenThrottled(email, ip);
      const user = email === '' ? undefined : await findUserByEmail(db, email);
      const matches = await verifyPassword(user?.passwordHash ?? (await hashForUnknownAccounts()), password);
      if (!user || !matches || user.disabled) {
        await countFailure(email, ip);
        throw new AuthenticationError(FAILED_SIGN_IN);
      }
      await perAccount.delete(email);
      const token = newSessionToken();
      const at = now();
      const expiresAt = new Date(at.getTime() + maxMs).toISOString();
      await writeTransaction(db, async (tx) => {
        // Rotation: a sign-in never keeps the session the browser came with.
        if (replacing) {
          const old = await findSessionByTokenHash(tx, hashToken(replacing));
          if (old) await deleteSession(tx, old.session.id);
        }
        await deleteExpiredSessions(tx, at.toISOString(), new Date(at.getTime() - idleMs).toISOString());
        await insertSession(tx, { tokenHash: hashToken(token), userId: user.id, createdAt: at.toISOString(), lastSeenAt: at.toISOString(), expiresAt });
      });
      return { token, principal: userPrincipal(user), expiresAt };
    },

    async authenticateSession(token) {
      const found = await findSessionByTokenHash(db, hashToken(token));
      if (!found) throw new AuthenticationError('The session has ended; sign in again');
      const at = now().getTime();
      const { session, user } = found;
      // An unreadable stored time counts as long past: the session ends rather than lives forever.
      const idleSince = millisOfIso(session.lastSeenAt) ?? 0;
      if (at >= (millisOfIso(session.expiresAt) ?? 0) || at - idleSince >= idleMs || user.disabled) {
        await deleteSession(db, session.id);
        throw new AuthenticationError('The session has ended; sign in again');
      }
      if (at - idleSince >= LAST_USE_RESOLUTION_MS) await touchSession(db, session.id, new Date(at).toISOString());
      return { principal: userPrincipal(user), sessionId: session.id };
    },

    async authenticateKey(key) {
      if (!key.startsWith(API_KEY_PREFIX)) throw new AuthenticationError('The API key is not valid');
      const row = await findApiKeyByHash(db, hashToken(key));
      const at = now();
      if (!row || row.revokedAt || (row.expiresAt && at.toISOString() >= row.expiresAt)) throw new AuthenticationError('The API key is not valid (unknown, revoked or expired)');
      const last = lastKeyWrite.get(row.id) ?? (row.lastUsedAt ? (millisOfIso(row.lastUsedAt) ?? 0) : 0);
      if (at.getTime() - last >= LAST_USE_RESOLUTION_MS) {
        await setApiKeyLastUsed(db, row.id, at.toISOString());
        lastKeyWrite.set(row.id, at.getTime());
      }
      return { kind: 'key', id: row.id, role: row.role, licenseeId: row.licenseeId, actor: `key:${row.id}:${row.name}` };
    },

    async logout(token) {
      const found = await findSessionByTokenHash(db, hashToken(token));
      if (found) await deleteSession(db, found.session.id);
    },

    async logoutEverywhere(userId) {
      return await writeTransaction(db, async (tx) => await deleteSessionsOfUser(tx, userId));
    },

    async changePassword(userId, current, next, ip) {
      const user = await findUserById(db, userId);
      if (!user) throw new AuthenticationError('The session has ended; sign in again');
      await refuseWhenThrottled(user.email, ip);
      if (current.length > MAX_PASSWORD_LENGTH || !(await verifyPassword(user.passwordHash, current))) {
        await countFailure(user.email, ip);
        throw new AuthenticationError('The current password is wrong');
      }
      await checkNewPassword(next, user.email);
      const passwordHash = await hashPassword(next);
      await writeTransaction(db, async (tx) => {
        await deleteSessionsOfUser(tx, user.id);
        await updateUser(tx, user.id, { passwordHash, updatedAt: now().toISOString() });
      });
    },
  };
}
