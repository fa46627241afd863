import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { consents, licensees, type ConsentRow } from './schema/rights.ts';

/** Consent records, with their licensee's name (what the decision and the listings need). */

export type { ConsentRow };
export type ConsentWithLicensee = ConsentRow & { licenseeName: string };

const columns = { consent: consents, licenseeName: licensees.name };

function flatten(row: { consent: ConsentRow; licenseeName: string }): ConsentWithLicensee {
  return { ...row.consent, licenseeName: row.licenseeName };
}

export function listConsents(db: Db, q: { licenseeId?: number; status?: ConsentRow['status'] } = {}): ConsentWithLicensee[] {
  const where: SQL[] = [];
  if (q.licenseeId !== undefined) where.push(eq(consents.licenseeId, q.licenseeId));
  if (q.status !== undefined) where.push(eq(consents.status, q.status));
  return db
    .select(columns)
    .from(consents)
    .innerJoin(licensees, eq(licensees.id, consents.licenseeId))
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(asc(consents.id))
    .all()
    .map(flatten);
}

export function findConsentById(db: Db, id: number): ConsentWithLicensee | undefined {
  const row = db.select(columns).from(consents).innerJoin(licensees, eq(licensees.id, consents.licenseeId)).where(eq(consents.id, id)).get();
  return row ? flatten(row) : undefined;
}

export function findConsentByUid(db: Db, uid: string): ConsentRow | undefined {
  return db.select().from(consents).where(eq(consents.uid, uid)).get();
}

export function insertConsent(db: Db, row: Omit<ConsentRow, 'id'>): ConsentRow {
  return db.insert(consents).values(row).returning().get();
}

export function updateConsent(db: Db, id: number, set: Partial<Omit<ConsentRow, 'id' | 'uid' | 'createdBy' | 'createdAt'>>): ConsentRow | undefined {
  return db.update(consents).set(set).where(eq(consents.id, id)).returning().get();
}
