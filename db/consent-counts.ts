import { count } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { consents } from './schema/rights.ts';

/** Consents counted per licensee and status: the licensee list shows them without reading every consent. */

export interface ConsentCount {
  licenseeId: number;
  status: (typeof consents.status.enumValues)[number];
  count: number;
}

export async function countConsentsByLicenseeAndStatus(db: Db): Promise<ConsentCount[]> {
  return (await db
    .select({ licenseeId: consents.licenseeId, status: consents.status, count: count() })
    .from(consents)
    .groupBy(consents.licenseeId, consents.status));
}
