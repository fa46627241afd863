import { and, asc, count, eq, gt, lt, notExists, sql } from 'drizzle-orm';
import { changedRows, dialectOf, firstRow } from './dialect.ts';
import type { Db } from './open-db.ts';
import { captureFiles, type CaptureFileRow } from './schema/capture-files.ts';
import { captureBodies, captures } from './schema/captures.ts';
import { captureRenders } from './schema/custody.ts';
import { writeTransaction } from './write-transaction.ts';

/** Queries for capture files (WARC files, renders) held in the database (src/evidence/database-file-store.ts). */

/** Writes one file's row in a statement of its own: it exists whole, or not at all. */
export async function insertCaptureFile(db: Db, row: CaptureFileRow): Promise<void> {
  // PostgreSQL: one statement, atomic on its own, on a pooled connection of its own; no transaction
  // or writer lock around it. The row is a path of its own that no other write reads or decides
  // on, and every crawled page writes one: BEGIN and COMMIT would triple its round trips. (SQLite
  // shares one connection, where a bare statement could land inside another flow's transaction.)
  if (dialectOf(db) === 'pg') await db.insert(captureFiles).values(row);
  else await writeTransaction(db, async (tx) => await tx.insert(captureFiles).values(row));
}

/** Inserts inside the caller's transaction (the migration's). */
export async function insertCaptureFileIn(tx: Db, row: CaptureFileRow): Promise<void> {
  await tx.insert(captureFiles).values(row);
}

export async function findCaptureFile(db: Db, path: string): Promise<{ sha256: string; bytes: Buffer } | undefined> {
  return firstRow(await db.select({ sha256: captureFiles.sha256, bytes: captureFiles.bytes }).from(captureFiles).where(eq(captureFiles.path, path)).limit(1));
}

export async function findCaptureFileSize(db: Db, path: string): Promise<number | undefined> {
  return firstRow(await db.select({ size: captureFiles.size }).from(captureFiles).where(eq(captureFiles.path, path)).limit(1))?.size;
}

export async function deleteCaptureFile(db: Db, path: string): Promise<boolean> {
  return changedRows(await writeTransaction(db, async (tx) => await tx.delete(captureFiles).where(eq(captureFiles.path, path)), { shared: true })) > 0;
}

const referencedByCapture = (db: Db) => db.select({ one: sql`1` }).from(captures).where(eq(captures.warcPath, captureFiles.path));
const referencedByBody = (db: Db) => db.select({ one: sql`1` }).from(captureBodies).where(eq(captureBodies.warcPath, captureFiles.path));
const referencedByRender = (db: Db) => db.select({ one: sql`1` }).from(captureRenders).where(eq(captureRenders.path, captureFiles.path));

/** Files no capture, body or render row names, after `afterPath` in path order: orphans, or saves in flight. */
export async function listUnreferencedCaptureFiles(db: Db, afterPath: string, limit: number): Promise<{ path: string; size: number; createdAt: string }[]> {
  return await db
    .select({ path: captureFiles.path, size: captureFiles.size, createdAt: captureFiles.createdAt })
    .from(captureFiles)
    .where(and(gt(captureFiles.path, afterPath), notExists(referencedByCapture(db)), notExists(referencedByBody(db)), notExists(referencedByRender(db))))
    .orderBy(asc(captureFiles.path))
    .limit(limit);
}

/** Deletes a file still unreferenced and written before `cutoff` (checked in the statement, so a save that just committed keeps it). */
export async function deleteOrphanCaptureFile(db: Db, path: string, cutoff: string): Promise<boolean> {
  return changedRows(await writeTransaction(db, async (tx) => await tx
    .delete(captureFiles)
    .where(and(eq(captureFiles.path, path), lt(captureFiles.createdAt, cutoff), notExists(referencedByCapture(tx)), notExists(referencedByBody(tx)), notExists(referencedByRender(tx)))), { shared: true })) > 0;
}

export async function countCaptureFiles(db: Db): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(captureFiles))?.n ?? 0;
}

/** Capture rows whose file has no row: the count, and the first `limit` ids. */
export async function findCapturesWithoutFile(db: Db, limit: number): Promise<{ count: number; ids: number[] }> {
  const missing = notExists(db.select({ one: sql`1` }).from(captureFiles).where(eq(captureFiles.path, captures.warcPath)));
  const total = firstRow(await db.select({ n: count() }).from(captures).where(missing))?.n ?? 0;
  const ids = total === 0 ? [] : (await db.select({ id: captures.id }).from(captures).where(missing).orderBy(asc(captures.id)).limit(limit)).map((r) => r.id);
  return { count: Number(total), ids };
}
