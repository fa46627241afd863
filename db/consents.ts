import { firstRow, returnedRow } from './dialect.ts';
import { and, asc, count, eq, gt, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { consents, licensees, type ConsentRow } from './schema/rights.ts';

/** Consent records, with their licensee's name (what the decision and the listings need). */

export type { ConsentRow };
export type ConsentWithLicensee = ConsentRow & { licenseeName: string };

const columns = { consent: consents, licenseeName: licensees.name };

function flatten(row: { consent: ConsentRow; licenseeName: string }): ConsentWithLicensee {
  return { ...row.consent, licenseeName: row.licenseeName };
}

export interface ConsentListQuery {
  licenseeId?: number;
  status?: ConsentRow['status'];
  /** Keyset paging (id order): only consents with a greater id, and at most `limit` of them. */
  afterId?: number;
  limit?: number;
}

function consentFilters(q: ConsentListQuery): SQL | undefined {
  const where: SQL[] = [];
  if (q.licenseeId !== undefined) where.push(eq(consents.licenseeId, q.licenseeId));
  if (q.status !== undefined) where.push(eq(consents.status, q.status));
  return where.length > 0 ? and(...where) : undefined;
}

export async function listConsents(db: Db, q: ConsentListQuery = {}): Promise<ConsentWithLicensee[]> {
  const query = db
    .select(columns)
    .from(consents)
    .innerJoin(licensees, eq(licensees.id, consents.licenseeId))
    .where(and(consentFilters(q), q.afterId !== undefined ? gt(consents.id, q.afterId) : undefined))
    .orderBy(asc(consents.id));
  return (await (q.limit !== undefined ? query.limit(q.limit) : query)).map(flatten);
}

/** How many consents the filters of `q` select (its paging ignored). */
export async function countConsents(db: Db, q: ConsentListQuery = {}): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(consents).where(consentFilters(q)).limit(1))?.n ?? 0;
}

export async function findConsentById(db: Db, id: number): Promise<ConsentWithLicensee | undefined> {
  const row = firstRow(await db.select(columns).from(consents).innerJoin(licensees, eq(licensees.id, consents.licenseeId)).where(eq(consents.id, id)).limit(1));
  return row ? flatten(row) : undefined;
}

export async function findConsentByUid(db: Db, uid: string): Promise<ConsentRow | undefined> {
  return firstRow(await db.select().from(consents).where(eq(consents.uid, uid)).limit(1));
}

export async function insertConsent(db: Db, row: Omit<ConsentRow, 'id'>): Promise<ConsentRow> {
  return returnedRow(await db.insert(consents).values(row).returning());
}

export async function updateConsent(db: Db, id: number, set: Partial<Omit<ConsentRow, 'id' | 'uid' | 'createdBy' | 'createdAt'>>): Promise<ConsentRow | undefined> {
  return returnedRow(await db.update(consents).set(set).where(eq(consents.id, id)).returning());
}
