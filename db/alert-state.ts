import { firstRow, sqlGreatest } from './dialect.ts';
import { eq, sql } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { alertState } from './schema/alerts.ts';

/** The alert dispatcher's watermark: the last report id already turned into webhook deliveries. */

const STATE_ID = 1;

export async function readAlertWatermark(db: Db): Promise<number | undefined> {
  return firstRow(await db.select({ lastReportId: alertState.lastReportId }).from(alertState).where(eq(alertState.id, STATE_ID)).limit(1))?.lastReportId;
}

/** Starts the watermark at `lastReportId` unless it exists already; answers the stored value. */
export async function initAlertWatermark(db: Db, lastReportId: number, now: string): Promise<number> {
  await db.insert(alertState).values({ id: STATE_ID, lastReportId, updatedAt: now }).onConflictDoNothing();
  return (await readAlertWatermark(db))!;
}

/** Moves the watermark forward (never back). */
export async function advanceAlertWatermark(db: Db, lastReportId: number, now: string): Promise<void> {
  await db.update(alertState)
    .set({ lastReportId: sqlGreatest(db, alertState.lastReportId, lastReportId), updatedAt: now })
    .where(eq(alertState.id, STATE_ID));
}
