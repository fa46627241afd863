import { firstRow, returnedRow } from './dialect.ts';
import { and, asc, desc, eq, gt, inArray, or } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { appendCustodyEntry } from './custody-log.ts';
import { writeTransaction } from './write-transaction.ts';
import { captureBodies, captures, type CaptureBodyRow, type CaptureRow, type NewCaptureBodyRow, type NewCaptureRow } from './schema/captures.ts';

/** Queries for the capture tables (evidence store). Plain drizzle, no SQLite-only SQL. */

export async function findCaptureBody(db: Db, sha256: string): Promise<CaptureBodyRow | undefined> {
  return firstRow(await db.select().from(captureBodies).where(eq(captureBodies.sha256, sha256)).limit(1));
}

export async function findCaptureById(db: Db, id: number): Promise<CaptureRow | undefined> {
  return firstRow(await db.select().from(captures).where(eq(captures.id, id)).limit(1));
}

export async function findCapturesByIds(db: Db, ids: readonly number[]): Promise<CaptureRow[]> {
  if (ids.length === 0) return [];
  return (await db.select().from(captures).where(inArray(captures.id, [...ids])));
}

/** Newest capture whose requested or final URL is `url` (for conditional re-fetches). */
export async function findLatestCaptureForUrl(db: Db, url: string): Promise<CaptureRow | undefined> {
  return firstRow(await db
    .select()
    .from(captures)
    .where(or(eq(captures.finalUrl, url), eq(captures.requestedUrl, url)))
    .orderBy(desc(captures.startedAt), desc(captures.id)).limit(1));
}

/**
 * Inserts a capture and, when its body is new, the body row, in one transaction. A body row
 * written meanwhile by another process wins (the bytes are identical by definition).
 */
export async function insertCapture(db: Db, capture: NewCaptureRow, body: NewCaptureBodyRow | undefined): Promise<number> {
  return writeTransaction(db, async (tx) => {
    if (body) await tx.insert(captureBodies).values(body).onConflictDoNothing();
    const row = returnedRow(await tx.insert(captures).values(capture).returning({ id: captures.id }));
    // The entry vouches for the WARC file's bytes (request, response or revisit, metadata).
    if (!capture.warcSha256) throw new Error(`capture of ${capture.finalUrl}: no warcSha256; the custody log vouches for the file's bytes`);
    await appendCustodyEntry(tx, { type: 'capture', refId: row.id, at: capture.createdAt, sha256: capture.warcSha256, fields: { url: capture.finalUrl, payloadSha256: capture.bodySha256 } });
    return row.id;
    // Shared: captures are stored side by side by many workers; the custody log locks itself.
  }, { shared: true });
}

/** One page of capture files by id (keyset paging: each page is an index range, never a rescan). */
export async function listCaptureFilesAfter(db: Db, afterId: number, limit: number): Promise<{ id: number; warcPath: string }[]> {
  return (await db.select({ id: captures.id, warcPath: captures.warcPath }).from(captures).where(gt(captures.id, afterId)).orderBy(asc(captures.id)).limit(limit));
}

/** One page of body files by SHA-256 (keyset paging on the primary key). */
export async function listBodyFilesAfter(db: Db, afterSha256: string, limit: number): Promise<{ sha256: string; warcPath: string }[]> {
  return (await db
    .select({ sha256: captureBodies.sha256, warcPath: captureBodies.warcPath })
    .from(captureBodies)
    .where(gt(captureBodies.sha256, afterSha256))
    .orderBy(asc(captureBodies.sha256))
    .limit(limit));
}

/** The capture whose own WARC file holds the body (a response record, not a revisit). */
export async function findBodyHolder(db: Db, bodySha256: string, warcPath: string): Promise<CaptureRow | undefined> {
  return firstRow(await db.select().from(captures).where(and(eq(captures.bodySha256, bodySha256), eq(captures.warcPath, warcPath))).limit(1));
}
