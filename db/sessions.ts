import { changedRows, returnedRow } from './dialect.ts';
import { eq, lt, or } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { placeholders, prepared } from './prepared.ts';
import { sessions, users, type SessionRow, type UserRow } from './schema/auth.ts';

/** Server-side sessions, found by the SHA-256 of the cookie's value. */

export type { SessionRow };

export async function insertSession(db: Db, row: Omit<SessionRow, 'id'>): Promise<SessionRow> {
  return returnedRow(await db.insert(sessions).values(row).returning());
}

/** The session and its user, in one probe (asked on every request a browser makes). */
export async function findSessionByTokenHash(db: Db, tokenHash: string): Promise<{ session: SessionRow; user: UserRow } | undefined> {
  return (await prepared(db, 'findSessionByTokenHash', (c) =>
    c
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, placeholders('tokenHash').tokenHash)),
  ).get({ tokenHash }));
}

export async function touchSession(db: Db, id: number, lastSeenAt: string): Promise<void> {
  (await prepared(db, 'touchSession', (c) => c.update(sessions).set(placeholders('lastSeenAt')).where(eq(sessions.id, placeholders('id').id))).run({ id, lastSeenAt }));
}

export async function deleteSession(db: Db, id: number): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** Ends every session of a user ("log out everywhere", a new password, a disabled account). */
export async function deleteSessionsOfUser(db: Db, userId: number): Promise<number> {
  return changedRows(await db.delete(sessions).where(eq(sessions.userId, userId)));
}

/** Removes sessions past their absolute expiry or idle since before `idleBefore`. */
export async function deleteExpiredSessions(db: Db, now: string, idleBefore: string): Promise<number> {
  return changedRows(await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleBefore))));
}
