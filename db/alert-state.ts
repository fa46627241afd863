import { eq, sql } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { alertState } from './schema/alerts.ts';

/** The alert dispatcher's watermark: the last report id already turned into webhook deliveries. */

const STATE_ID = 1;

export function readAlertWatermark(db: Db): number | undefined {
  return db.select({ lastReportId: alertState.lastReportId }).from(alertState).where(eq(alertState.id, STATE_ID)).get()?.lastReportId;
}

/** Starts the watermark at `lastReportId` unless it exists already; answers the stored value. */
export function initAlertWatermark(db: Db, lastReportId: number, now: string): number {
  db.insert(alertState).values({ id: STATE_ID, lastReportId, updatedAt: now }).onConflictDoNothing().run();
  return readAlertWatermark(db)!;
}

/** Moves the watermark forward (never back). */
export function advanceAlertWatermark(db: Db, lastReportId: number, now: string): void {
  db.update(alertState)
    .set({ lastReportId: sql`max(${alertState.lastReportId}, ${lastReportId})`, updatedAt: now })
    .where(eq(alertState.id, STATE_ID))
    .run();
}
