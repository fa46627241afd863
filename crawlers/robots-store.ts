/**
 * robots.txt answers shared through the database by every crawl process of an installation, so
 * a fleet of workers reads each host's robots.txt once per expiry rather than once per worker
 * (which is both slower and less polite: N workers made N requests for the same file).
 * The first process to need an origin claims its fetch; the others wait for the stored answer,
 * polling, and take the fetch over if the claim lapses (its holder died or is stuck).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/open-db.ts';
import { claimRobotsTxtFetch, findRobotsTxt, releaseRobotsTxtClaim, saveRobotsTxt } from '../db/robots-txt.ts';
import type { RobotsShare, RobotsStatus, SharedRobotsAnswer } from './robots.ts';

// How long a claim holds: past a robots.txt fetch's own time limit and a wait for the host's
// slot, so a live fetch is not duplicated; a dead claimant delays the others at most this long.
export const ROBOTS_CLAIM_MS = 60_000;
// First wait between looks at another process's fetch (a robots.txt answer takes ~ a round trip
// to the site), doubled up to the most below while it lasts.
const FIRST_POLL_MS = 50;
const MOST_POLL_MS = 1_000;

const STATUSES: readonly RobotsStatus[] = ['parsed', 'allow_all', 'disallow_all'];

export interface RobotsStoreOptions {
  claimMs?: number;
}

export function createDatabaseRobotsShare(db: Db, options: RobotsStoreOptions = {}): RobotsShare {
  const claimMs = options.claimMs ?? ROBOTS_CLAIM_MS;
  return {
    async lookup(origin, now) {
      let pollMs = FIRST_POLL_MS;
      for (;;) {
        const stored = await findRobotsTxt(db, origin);
        const t = now();
        if (stored && stored.expiresAt! > t && STATUSES.includes(stored.status as RobotsStatus)) {
          return { origin, status: stored.status as RobotsStatus, httpStatus: stored.httpStatus, body: stored.body, note: stored.note, fetchedAt: stored.fetchedAt!, expiresAt: stored.expiresAt! };
        }
        if (await claimRobotsTxtFetch(db, origin, t, t + claimMs)) return null;
        await sleep(pollMs);
        pollMs = Math.min(pollMs * 2, MOST_POLL_MS);
      }
    },
    async save(answer: SharedRobotsAnswer) {
      await saveRobotsTxt(db, answer);
    },
    async release(origin) {
      await releaseRobotsTxtClaim(db, origin);
    },
  };
}
