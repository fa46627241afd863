import { asc, eq } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { ownerSites, type OwnerSiteRow } from './schema/rights.ts';

/** The publisher's own sites (places in the grammar of src/rights/places.ts). */

export type { OwnerSiteRow };

export function listOwnerSites(db: Db): OwnerSiteRow[] {
  return db.select().from(ownerSites).orderBy(asc(ownerSites.place)).all();
}

export function findOwnerSite(db: Db, place: string): OwnerSiteRow | undefined {
  return db.select().from(ownerSites).where(eq(ownerSites.place, place)).get();
}

export function insertOwnerSite(db: Db, row: { place: string; createdBy: string; createdAt: string }): OwnerSiteRow {
  return db.insert(ownerSites).values(row).returning().get();
}

export function deleteOwnerSite(db: Db, place: string): boolean {
  return db.delete(ownerSites).where(eq(ownerSites.place, place)).run().changes > 0;
}
