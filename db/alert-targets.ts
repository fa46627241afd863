import { changedRows, firstRow, returnedRow } from './dialect.ts';
import { asc, eq, gt } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { alertTargets, type AlertTargetRow } from './schema/alerts.ts';

/** Webhook targets. Removing one removes its delivery log too (db/alert-deliveries.ts), first. */

export type { AlertTargetRow };

export async function insertAlertTarget(db: Db, row: Omit<AlertTargetRow, 'id'>): Promise<AlertTargetRow> {
  return returnedRow(await db.insert(alertTargets).values(row).returning());
}

export async function findAlertTargetById(db: Db, id: number): Promise<AlertTargetRow | undefined> {
  return firstRow(await db.select().from(alertTargets).where(eq(alertTargets.id, id)).limit(1));
}

/** Every target, oldest first (there are a handful); `afterId` and `limit` give one keyset page. */
export async function listAlertTargetRows(db: Db, page: { afterId?: number; limit?: number } = {}): Promise<AlertTargetRow[]> {
  const query = db.select().from(alertTargets).where(page.afterId !== undefined ? gt(alertTargets.id, page.afterId) : undefined).orderBy(asc(alertTargets.id));
  return await (page.limit !== undefined ? query.limit(page.limit) : query);
}

export async function listEnabledAlertTargets(db: Db): Promise<AlertTargetRow[]> {
  return (await db.select().from(alertTargets).where(eq(alertTargets.enabled, true)).orderBy(asc(alertTargets.id)));
}

export async function updateAlertTargetRow(db: Db, id: number, set: Partial<Omit<AlertTargetRow, 'id' | 'createdBy' | 'createdAt'>>): Promise<AlertTargetRow | undefined> {
  return returnedRow(await db.update(alertTargets).set(set).where(eq(alertTargets.id, id)).returning());
}

export async function deleteAlertTargetRow(db: Db, id: number): Promise<boolean> {
  return changedRows(await db.delete(alertTargets).where(eq(alertTargets.id, id))) > 0;
}
