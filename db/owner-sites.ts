import { changedRows, firstRow, returnedRow } from './dialect.ts';
import { asc, eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { ownerSites, type OwnerSiteRow } from './schema/rights.ts';

/** The publisher's own sites (places in the grammar of src/rights/places.ts). */

export type { OwnerSiteRow };

export async function listOwnerSites(db: Db): Promise<OwnerSiteRow[]> {
  return (await db.select().from(ownerSites).orderBy(asc(ownerSites.place)));
}

export async function findOwnerSite(db: Db, place: string): Promise<OwnerSiteRow | undefined> {
  return firstRow(await db.select().from(ownerSites).where(eq(ownerSites.place, place)).limit(1));
}

export async function insertOwnerSite(db: Db, row: { place: string; createdBy: string; createdAt: string }): Promise<OwnerSiteRow> {
  return returnedRow(await db.insert(ownerSites).values(row).returning());
}

export async function deleteOwnerSite(db: Db, place: string): Promise<boolean> {
  return changedRows(await db.delete(ownerSites).where(eq(ownerSites.place, place))) > 0;
}
