import { firstRow } from './dialect.ts';
import { and, asc, eq, gt, inArray, isNotNull, like, lt, ne, notInArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from './open-db.ts';
import { appendCustodyEntry, findCustodyIndexes } from './custody-log.ts';
import { writeTransaction } from './write-transaction.ts';
import { captureBodies, captures } from './schema/captures.ts';
import { crawlUrls } from './schema/crawl.ts';
import { captureRenders } from './schema/custody.ts';
import { matches, pages, rechecks } from './schema/matches.ts';
import { reportCaptures, reportEvents } from './schema/reports.ts';

/**
 * Queries for capture retention (`captures prune`): which captures nothing cites, and their
 * removal under a custody log tombstone. Every table with a capture id column is consulted
 * (report_captures, capture_renders, pages, matches, rechecks, crawl_urls), plus report history
 * details that name a capture. Plain drizzle, no SQLite-only SQL.
 */

/** A capture that may be pruned: old, cited by nothing, and not holding a body other captures revisit. */
export interface PrunableCapture {
  id: number;
  url: string;
  createdAt: string;
  warcPath: string;
  /** SHA-256 of the WARC file as written (what its custody entry vouches for); null before the log existed. */
  warcSha256: string | null;
  bodySha256: string;
  bodySize: number;
}

/** What the caller tells the tombstone about one capture's file (read before the transaction). */
export interface PruneFileFacts {
  /** The file digest the tombstone records: warcSha256, or the file's digest for a capture older than the log. */
  sha256: string;
  /** Size of the WARC file, or null when it was already missing. */
  bytes: number | null;
}

export interface PrunedCaptureRow extends PrunableCapture {
  /** The body row was this capture's (no other capture revisits it) and went with it. */
  bodyRemoved: boolean;
  /** Tree index of the capture_pruned entry. */
  custodyIndex: number;
}

const other = alias(captures, 'other_capture');

/** Every citing table's capture ids, as uncorrelated subqueries: each is read once per query, not once per capture (none has an index on capture_id). */
function notCited(db: Db): SQL[] {
  return [
    notInArray(captures.id, db.select({ id: reportCaptures.captureId }).from(reportCaptures)),
    notInArray(captures.id, db.select({ id: captureRenders.captureId }).from(captureRenders)),
    // NOT IN over a set holding NULL is never true: the nullable columns are filtered.
    notInArray(captures.id, db.select({ id: pages.captureId }).from(pages).where(isNotNull(pages.captureId))),
    notInArray(captures.id, db.select({ id: matches.captureId }).from(matches).where(isNotNull(matches.captureId))),
    notInArray(captures.id, db.select({ id: rechecks.captureId }).from(rechecks).where(isNotNull(rechecks.captureId))),
    notInArray(captures.id, db.select({ id: crawlUrls.captureId }).from(crawlUrls).where(isNotNull(crawlUrls.captureId))),
  ];
}

/**
 * Not the holder of a body that another capture shares: a revisit record has no bytes of its
 * own, so the file that holds them stays while any capture of that body does.
 */
function notHoldingSharedBody(db: Db): SQL {
  const holder = db
    .select({ one: sql`1` })
    .from(captureBodies)
    .where(and(eq(captureBodies.sha256, captures.bodySha256), eq(captureBodies.warcPath, captures.warcPath)));
  const sharer = db.select({ one: sql`1` }).from(other).where(and(eq(other.bodySha256, captures.bodySha256), ne(other.id, captures.id)));
  return sql`not (exists ${holder} and exists ${sharer})`;
}

const PRUNABLE_COLUMNS = {
  id: captures.id,
  url: captures.finalUrl,
  createdAt: captures.createdAt,
  warcPath: captures.warcPath,
  warcSha256: captures.warcSha256,
  bodySha256: captures.bodySha256,
  bodySize: captures.bodySize,
};

/** Up to `limit` prunable captures created before `cutoff` (ISO UTC), by id after `afterId`. */
export async function listPrunableCaptures(db: Db, cutoff: string, afterId: number, limit: number): Promise<PrunableCapture[]> {
  return (await db
    .select(PRUNABLE_COLUMNS)
    .from(captures)
    .where(and(gt(captures.id, afterId), lt(captures.createdAt, cutoff), ...notCited(db), notHoldingSharedBody(db)))
    .orderBy(asc(captures.id))
    .limit(limit));
}

/**
 * Capture ids named in report history details (`detail.captureId`). Such an event is written
 * with a report_captures link in the same transaction (src/decide-store.ts), so this is a second
 * guard, not the only one; read once per prune call (a LIKE scan of the history).
 */
export async function listCaptureIdsInReportHistory(db: Db): Promise<Set<number>> {
  const ids = new Set<number>();
  const rows = (await db.select({ detail: reportEvents.detail }).from(reportEvents).where(like(sql`cast(${reportEvents.detail} as text)`, '%"captureId"%')));
  for (const row of rows) {
    const id = row.detail?.captureId;
    if (typeof id === 'number') ids.add(id);
  }
  return ids;
}

/**
 * Deletes the candidates that are still prunable (checked again under the write lock: a report
 * may have cited one since it was listed), each with a `capture_pruned` custody entry in the same
 * transaction, so the log never shows a capture gone without saying why. A capture that held its
 * body alone takes the body row with it. Returns what was deleted; the files are the caller's to
 * remove, after this commits.
 */
export async function deletePrunableCaptures(
  db: Db,
  candidates: readonly PrunableCapture[],
  facts: ReadonlyMap<number, PruneFileFacts>,
  tombstone: { cutoff: string; reason: string; at: string },
): Promise<PrunedCaptureRow[]> {
  if (candidates.length === 0) return [];
  return writeTransaction(db, async (tx) => {
    const ids = candidates.map((c) => c.id);
    const still = (await tx
      .select(PRUNABLE_COLUMNS)
      .from(captures)
      .where(and(inArray(captures.id, ids), lt(captures.createdAt, tombstone.cutoff), ...notCited(tx), notHoldingSharedBody(tx)))
      .orderBy(asc(captures.id)));
    const logged = await findCustodyIndexes(tx, 'capture', still.map((c) => c.id));
    const pruned: PrunedCaptureRow[] = [];
    for (const c of still) {
      const fact = facts.get(c.id);
      if (!fact) continue;
      const holdsBody = firstRow(await tx.select({ sha256: captureBodies.sha256 }).from(captureBodies).where(and(eq(captureBodies.sha256, c.bodySha256), eq(captureBodies.warcPath, c.warcPath))).limit(1)) !== undefined;
      const custodyIndex = await appendCustodyEntry(tx, {
        type: 'capture_pruned',
        refId: c.id,
        at: tombstone.at,
        sha256: fact.sha256,
        fields: { reason: tombstone.reason, url: c.url, payloadSha256: c.bodySha256, warcBytes: fact.bytes, captureEntry: logged.get(c.id) ?? null, bodyRemoved: holdsBody },
      });
      await tx.delete(captures).where(eq(captures.id, c.id));
      // The sharer check above means no other capture names this body: its row goes with its file.
      // A save of the same bytes in flight (it read the body row before this commit) then fails
      // its insert on the foreign key and removes its own file: a lost fetch, never a revisit
      // pointing at nothing. Unlikely too: this body was not seen for the whole retention period.
      if (holdsBody) await tx.delete(captureBodies).where(eq(captureBodies.sha256, c.bodySha256));
      pruned.push({ ...c, bodyRemoved: holdsBody, custodyIndex });
    }
    return pruned;
  });
}
