import { changedRows, firstRow, returnedRow } from './dialect.ts';
import { and, asc, count, eq, gt, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { consents, licensees, type LicenseeRow } from './schema/rights.ts';

/** Licensee organisations and the sites they publish on. */

export type { LicenseeRow };

export async function listLicensees(db: Db): Promise<LicenseeRow[]> {
  return (await db.select().from(licensees).orderBy(asc(licensees.name)));
}

/** One page of licensees by name (names are unique): those after `afterName`, at most `limit`; `onlyId` narrows to one. */
export async function listLicenseePage(db: Db, q: { onlyId?: number; afterName?: string; limit: number }): Promise<LicenseeRow[]> {
  const where: SQL[] = [];
  if (q.onlyId !== undefined) where.push(eq(licensees.id, q.onlyId));
  if (q.afterName !== undefined) where.push(gt(licensees.name, q.afterName));
  return (await db.select().from(licensees).where(and(...where)).orderBy(asc(licensees.name)).limit(q.limit));
}

export async function countLicensees(db: Db, q: { onlyId?: number } = {}): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(licensees).where(q.onlyId !== undefined ? eq(licensees.id, q.onlyId) : undefined).limit(1))?.n ?? 0;
}

export async function findLicenseeByName(db: Db, name: string): Promise<LicenseeRow | undefined> {
  return firstRow(await db.select().from(licensees).where(eq(licensees.name, name)).limit(1));
}

export async function findLicenseeById(db: Db, id: number): Promise<LicenseeRow | undefined> {
  return firstRow(await db.select().from(licensees).where(eq(licensees.id, id)).limit(1));
}

export async function insertLicensee(db: Db, row: Omit<LicenseeRow, 'id'>): Promise<LicenseeRow> {
  return returnedRow(await db.insert(licensees).values(row).returning());
}

export async function updateLicensee(db: Db, id: number, set: Partial<Pick<LicenseeRow, 'name' | 'contacts' | 'notes' | 'places' | 'updatedAt'>>): Promise<LicenseeRow | undefined> {
  return returnedRow(await db.update(licensees).set(set).where(eq(licensees.id, id)).returning());
}

export async function countConsentsOfLicensee(db: Db, id: number): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(consents).where(eq(consents.licenseeId, id)).limit(1))?.n ?? 0;
}

export async function deleteLicensee(db: Db, id: number): Promise<boolean> {
  return changedRows(await db.delete(licensees).where(eq(licensees.id, id))) > 0;
}
