import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { users, type UserRow } from './schema/auth.ts';

/** People who sign in. Rows are disabled, never deleted: history names them. */

export type { UserRow };

export function insertUser(db: Db, row: Omit<UserRow, 'id'>): UserRow {
  return db.insert(users).values(row).returning().get();
}

export function findUserByEmail(db: Db, email: string): UserRow | undefined {
  return db.select().from(users).where(eq(users.email, email)).get();
}

export function findUserById(db: Db, id: number): UserRow | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function listUsers(db: Db): UserRow[] {
  return db.select().from(users).orderBy(asc(users.id)).all();
}

export function updateUser(db: Db, id: number, set: Partial<Pick<UserRow, 'passwordHash' | 'disabled' | 'updatedAt'>>): UserRow | undefined {
  return db.update(users).set(set).where(eq(users.id, id)).returning().get();
}

/** Enabled administrators: `serve` will not listen beyond loopback while there are none. */
export function countActiveAdmins(db: Db): number {
  return db.select({ n: count() }).from(users).where(and(eq(users.role, 'admin'), eq(users.disabled, false))).get()?.n ?? 0;
}
