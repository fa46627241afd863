import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { firstRow } from './dialect.ts';
import type { Db } from './open-db.ts';
import { robotsTxt, type RobotsTxtRow } from './schema/crawl.ts';
import { writeTransaction } from './write-transaction.ts';

/**
 * Queries for the shared robots.txt cache (crawlers/robots-store.ts). Writes are small and rare
 * (one per origin per expiry), each in a shared-mode write transaction like a crawled page's.
 */

export type StoredRobotsTxt = Omit<RobotsTxtRow, 'claimedUntil'>;

/** The origin's stored answer, when one has been stored (a claim alone is not an answer). */
export async function findRobotsTxt(db: Db, origin: string): Promise<StoredRobotsTxt | undefined> {
  const row = firstRow(await db.select().from(robotsTxt).where(eq(robotsTxt.origin, origin)).limit(1));
  if (!row || row.status === null || row.expiresAt === null) return undefined;
  const { claimedUntil: _claimedUntil, ...stored } = row;
  return stored;
}

/**
 * Claims the fetch of the origin's robots.txt until `until` (ms), unless another process holds a
 * live claim or a fresh answer is stored. True when this caller should fetch it now.
 */
export async function claimRobotsTxtFetch(db: Db, origin: string, nowMs: number, until: number): Promise<boolean> {
  const claimed = await writeTransaction(
    db,
    async (tx) =>
      await tx
        .insert(robotsTxt)
        .values({ origin, claimedUntil: until })
        .onConflictDoUpdate({
          target: robotsTxt.origin,
          set: { claimedUntil: until },
          setWhere: and(lte(robotsTxt.claimedUntil, nowMs), or(isNull(robotsTxt.expiresAt), lte(robotsTxt.expiresAt, nowMs))),
        })
        .returning({ origin: robotsTxt.origin }),
    { shared: true },
  );
  return claimed.length > 0;
}

/** Stores an answer (and ends any claim), unless a newer answer is stored already. */
export async function saveRobotsTxt(db: Db, stored: StoredRobotsTxt): Promise<void> {
  const { origin: _origin, ...content } = stored;
  await writeTransaction(
    db,
    async (tx) =>
      await tx
        .insert(robotsTxt)
        .values({ ...stored, claimedUntil: 0 })
        .onConflictDoUpdate({
          target: robotsTxt.origin,
          set: { ...content, claimedUntil: 0 },
          setWhere: or(isNull(robotsTxt.fetchedAt), lte(robotsTxt.fetchedAt, sql`excluded.fetched_at`)),
        }),
    { shared: true },
  );
}

/** Ends this process's claim on an origin it fetched but will not share (its own guard refused it). */
export async function releaseRobotsTxtClaim(db: Db, origin: string): Promise<void> {
  await writeTransaction(db, async (tx) => await tx.update(robotsTxt).set({ claimedUntil: 0 }).where(eq(robotsTxt.origin, origin)), { shared: true });
}
