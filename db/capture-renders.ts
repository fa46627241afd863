import { returnedRow } from './dialect.ts';
import { asc, eq, inArray } from 'drizzle-orm';
import { appendCustodyEntry } from './custody-log.ts';
import type { Db } from './open-db.ts';
import { captureRenders, type CaptureRenderRow } from './schema/custody.ts';
import { writeTransaction } from './write-transaction.ts';

/** Rendered views of captures (PNG, PDF): stored once, logged like the capture they show. */

export type { CaptureRenderRow };

export async function insertCaptureRender(db: Db, row: Omit<CaptureRenderRow, 'id'>): Promise<CaptureRenderRow> {
  return writeTransaction(db, async (tx) => {
    const stored = returnedRow(await tx.insert(captureRenders).values(row).returning());
    await appendCustodyEntry(tx, { type: 'render', refId: stored.id, at: row.createdAt, sha256: row.sha256, fields: { captureId: row.captureId, format: row.format } });
    return stored;
  });
}

export async function listRendersOfCapture(db: Db, captureId: number): Promise<CaptureRenderRow[]> {
  return (await db.select().from(captureRenders).where(eq(captureRenders.captureId, captureId)).orderBy(asc(captureRenders.id)));
}

export async function findRendersByIds(db: Db, ids: readonly number[]): Promise<CaptureRenderRow[]> {
  if (ids.length === 0) return [];
  return (await db.select().from(captureRenders).where(inArray(captureRenders.id, [...ids])));
}
