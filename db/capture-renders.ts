import { asc, eq, inArray } from 'drizzle-orm';
import { appendCustodyEntry } from './custody-log.ts';
import type { Db } from './open-db.ts';
import { captureRenders, type CaptureRenderRow } from './schema/custody.ts';
import { writeTransaction } from './write-transaction.ts';

/** Rendered views of captures (PNG, PDF): stored once, logged like the capture they show. */

export type { CaptureRenderRow };

export function insertCaptureRender(db: Db, row: Omit<CaptureRenderRow, 'id'>): CaptureRenderRow {
  return writeTransaction(db, (tx) => {
    const stored = tx.insert(captureRenders).values(row).returning().get();
    appendCustodyEntry(tx, { type: 'render', refId: stored.id, at: row.createdAt, sha256: row.sha256, fields: { captureId: row.captureId, format: row.format } });
    return stored;
  });
}

export function listRendersOfCapture(db: Db, captureId: number): CaptureRenderRow[] {
  return db.select().from(captureRenders).where(eq(captureRenders.captureId, captureId)).orderBy(asc(captureRenders.id)).all();
}

export function findRendersByIds(db: Db, ids: readonly number[]): CaptureRenderRow[] {
  if (ids.length === 0) return [];
  return db.select().from(captureRenders).where(inArray(captureRenders.id, [...ids])).all();
}
