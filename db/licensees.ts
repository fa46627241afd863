import { and, asc, count, eq, gt, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { consents, licensees, type LicenseeRow } from './schema/rights.ts';

/** Licensee organisations and the sites they publish on. */

export type { LicenseeRow };

export function listLicensees(db: Db): LicenseeRow[] {
  return db.select().from(licensees).orderBy(asc(licensees.name)).all();
}

/** One page of licensees by name (names are unique): those after `afterName`, at most `limit`; `onlyId` narrows to one. */
export function listLicenseePage(db: Db, q: { onlyId?: number; afterName?: string; limit: number }): LicenseeRow[] {
  const where: SQL[] = [];
  if (q.onlyId !== undefined) where.push(eq(licensees.id, q.onlyId));
  if (q.afterName !== undefined) where.push(gt(licensees.name, q.afterName));
  return db.select().from(licensees).where(and(...where)).orderBy(asc(licensees.name)).limit(q.limit).all();
}

export function countLicensees(db: Db, q: { onlyId?: number } = {}): number {
  return db.select({ n: count() }).from(licensees).where(q.onlyId !== undefined ? eq(licensees.id, q.onlyId) : undefined).get()?.n ?? 0;
}

export function findLicenseeByName(db: Db, name: string): LicenseeRow | undefined {
  return db.select().from(licensees).where(eq(licensees.name, name)).get();
}

export function findLicenseeById(db: Db, id: number): LicenseeRow | undefined {
  return db.select().from(licensees).where(eq(licensees.id, id)).get();
}

export function insertLicensee(db: Db, row: Omit<LicenseeRow, 'id'>): LicenseeRow {
  return db.insert(licensees).values(row).returning().get();
}

export function updateLicensee(db: Db, id: number, set: Partial<Pick<LicenseeRow, 'name' | 'contacts' | 'notes' | 'places' | 'updatedAt'>>): LicenseeRow | undefined {
  return db.update(licensees).set(set).where(eq(licensees.id, id)).returning().get();
}

export function countConsentsOfLicensee(db: Db, id: number): number {
  return db.select({ n: count() }).from(consents).where(eq(consents.licenseeId, id)).get()?.n ?? 0;
}

export function deleteLicensee(db: Db, id: number): boolean {
  return db.delete(licensees).where(eq(licensees.id, id)).run().changes > 0;
}
