import { firstRow, returnedRow } from './dialect.ts';
import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { users, type UserRow } from './schema/auth.ts';

/** People who sign in. Rows are disabled, never deleted: history names them. */

export type { UserRow };

export async function insertUser(db: Db, row: Omit<UserRow, 'id'>): Promise<UserRow> {
  return returnedRow(await db.insert(users).values(row).returning());
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return firstRow(await db.select().from(users).where(eq(users.email, email)).limit(1));
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return firstRow(await db.select().from(users).where(eq(users.id, id)).limit(1));
}

/** Users in id order; `afterId` and `limit` give one keyset page. */
export async function listUsers(db: Db, page: { afterId?: number; limit?: number } = {}): Promise<UserRow[]> {
  const query = db.select().from(users).where(page.afterId !== undefined ? gt(users.id, page.afterId) : undefined).orderBy(asc(users.id));
  return await (page.limit !== undefined ? query.limit(page.limit) : query);
}

export async function countUsers(db: Db): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(users).limit(1))?.n ?? 0;
}

export async function updateUser(db: Db, id: number, set: Partial<Pick<UserRow, 'passwordHash' | 'disabled' | 'updatedAt'>>): Promise<UserRow | undefined> {
  return returnedRow(await db.update(users).set(set).where(eq(users.id, id)).returning());
}

/** Enabled administrators: `serve` will not listen beyond loopback while there are none. */
export async function countActiveAdmins(db: Db): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(users).where(and(eq(users.role, 'admin'), eq(users.disabled, false))).limit(1))?.n ?? 0;
}
