import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/dialect.ts';
import { reversedHostRange } from '../../db/host-key.ts';
import type { Db } from '../../db/open-db.ts';
import { addConsent, changeConsentStatus } from '../../src/consent-admin.ts';
import { addLicensee, type RightsDeps } from '../../src/rights-admin.ts';
import type { BenchDomain } from './reports-fixture.ts';

/**
 * Before target 3 is timed, the same work on another site: a licensee and a consent for a
 * mid-sized copier that no consent covers, then its revocation. A server has done such work
 * before a rights manager's change arrives; a fresh bench process has not, and its first
 * re-decision also pays for compiling the decision code and SQL statements and for growing its
 * heap and page cache. Timed and printed, never judged; the judged changes touch other rows.
 */

// Big enough to reach every statement and code path, small next to the judged 10,000.
const WARM_UP_MIN_REPORTS = 1000;
const WARM_UP_MAX_REPORTS = 4000;

async function countReportsOn(db: Db, name: string): Promise<number> {
  const range = reversedHostRange(name, true);
  return Number((await queryRows<{ n: number }>(db, sql`select count(*) as n from reports where rhost >= ${range.from} and rhost < ${range.to}`))[0].n);
}

export async function warmUpRedecision(deps: RightsDeps, domains: BenchDomain[]): Promise<void> {
  let domain: BenchDomain | undefined;
  for (const d of domains) {
    if (d.licensee || d.rank <= 20) continue;
    const n = await countReportsOn(deps.db, d.name);
    if (n >= WARM_UP_MIN_REPORTS && n <= WARM_UP_MAX_REPORTS) {
      domain = d;
      break;
    }
  }
  if (!domain) throw new Error(`no unlicensed domain with ${WARM_UP_MIN_REPORTS}-${WARM_UP_MAX_REPORTS} reports for the warm-up`);
  const start = performance.now();
  await addLicensee(deps, { name: 'Bench warm-up', places: [`*.${domain.name}`] }, 'bench');
  const added = await addConsent(deps, {
    licenseeName: 'Bench warm-up', scope: { all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null }, places: [`*.${domain.name}`],
    validFrom: null, validUntil: null, use: 'full', maxWords: null, maxPercent: null, holdBackHours: null, duties: ['credit'], territory: null, contractRef: 'BENCH-WARM-UP', status: 'active',
  }, 'bench');
  await changeConsentStatus(deps, added.consent.id, 'revoke', 'bench', 'bench: warm-up over');
  console.log(`    warm-up (not judged): a consent for *.${domain.name} added and revoked, ${added.redecided.matches} matches each way, ${(performance.now() - start).toFixed(0)} ms in all`);
}
