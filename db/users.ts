import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { users, type UserRow } from './schema/auth.ts';

/** People who sign in. Rows are disabled, never deleted: history names them. */

export type { UserRow };

export async function insertUser(db: Db, row: Omit<UserRow, 'id'>): Promise<UserRow> {
  return db.insert(users).values(row).returning().get();
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.email, email)).get();
}

export async function findUserById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.select().from(users).where(eq(users.id, id)).get();
}

/** Users in id order; `afterId` and `limit` give one keyset page. */
export async function listUsers(db: Db, page: { afterId?: number; limit?: number } = {}): Promise<UserRow[]> {
  const query = db.select().from(users).where(page.afterId !== undefined ? gt(users.id, page.afterId) : undefined).orderBy(asc(users.id));
  return (page.limit !== undefined ? query.limit(page.limit) : query).all();
}

export async function countUsers(db: Db): Promise<number> {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

export async function updateUser(db: Db, id: number, set: Partial<Pick<UserRow, 'passwordHash' | 'disabled' | 'updatedAt'>>): Promise<UserRow | undefined> {
  return db.update(users).set(set).where(eq(users.id, id)).returning().get();
}

/** Enabled administrators: `serve` will not listen beyond loopback while there are none. */
export async function countActiveAdmins(db: Db): Promise<number> {
  return db.select({ n: count() }).from(users).where(and(eq(users.role, 'admin'), eq(users.disabled, false))).get()?.n ?? 0;
}
