import { firstRow, returnedRow } from './dialect.ts';
import { and, eq, ne } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { alertPreferences, type AlertPreferencesRow } from './schema/alerts.ts';
import { users } from './schema/auth.ts';

/** Each user's e-mail digest setting and how far their digests have got. */

export type { AlertPreferencesRow };

export async function findAlertPreferences(db: Db, userId: number): Promise<AlertPreferencesRow | undefined> {
  return firstRow(await db.select().from(alertPreferences).where(eq(alertPreferences.userId, userId)).limit(1));
}

export async function upsertAlertPreferences(db: Db, row: AlertPreferencesRow): Promise<AlertPreferencesRow> {
  const { userId, ...set } = row;
  return returnedRow(await db.insert(alertPreferences).values(row).onConflictDoUpdate({ target: alertPreferences.userId, set }).returning());
}

/** Digests to consider: a mode other than off, of users who are enabled and not licensees. */
export async function listActiveAlertPreferences(db: Db): Promise<(AlertPreferencesRow & { email: string })[]> {
  return (await db
    .select({
      userId: alertPreferences.userId,
      mode: alertPreferences.mode,
      decisions: alertPreferences.decisions,
      minCoverage: alertPreferences.minCoverage,
      digestWatermark: alertPreferences.digestWatermark,
      lastDigestAt: alertPreferences.lastDigestAt,
      updatedAt: alertPreferences.updatedAt,
      email: users.email,
    })
    .from(alertPreferences)
    .innerJoin(users, eq(users.id, alertPreferences.userId))
    .where(and(ne(alertPreferences.mode, 'off'), eq(users.disabled, false), ne(users.role, 'licensee')))
    .orderBy(alertPreferences.userId));
}

/** Records a digest's progress: the last report id it covered, and for a daily one when it ran. */
export async function setDigestProgress(db: Db, userId: number, progress: { digestWatermark: number; lastDigestAt?: string }): Promise<void> {
  await db.update(alertPreferences).set(progress).where(eq(alertPreferences.userId, userId));
}
