import { changedRows, firstRow, returnedRow } from './dialect.ts';
import { and, asc, desc, eq, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { articles } from './schema/articles.ts';
import { alertDeliveries, alertTargets, type AlertDeliveryRow, type AlertDeliveryStatus } from './schema/alerts.ts';
import { reports } from './schema/reports.ts';

/**
 * The webhook delivery log: one row per request to send, with its attempts. A pending row whose
 * next_attempt_at has come is due; an attempt first claims it (attempts + 1, next attempt moved to
 * when a retry would be due), so a crash mid-request retries it then instead of losing it.
 */

export type { AlertDeliveryRow, AlertDeliveryStatus };

export type NewAlertDelivery = Pick<AlertDeliveryRow, 'targetId' | 'event' | 'reportIds' | 'createdAt'>;

export async function insertAlertDeliveries(db: Db, rows: NewAlertDelivery[]): Promise<AlertDeliveryRow[]> {
  if (rows.length === 0) return [];
  return (await db
    .insert(alertDeliveries)
    .values(rows.map((r) => ({ ...r, status: 'pending' as const, attempts: 0, nextAttemptAt: r.createdAt })))
    .returning());
}

export async function findAlertDeliveryById(db: Db, id: number): Promise<AlertDeliveryRow | undefined> {
  return firstRow(await db.select().from(alertDeliveries).where(eq(alertDeliveries.id, id)).limit(1));
}

/** Pending deliveries due at `now`, the longest waiting first. */
export async function findDueAlertDeliveries(db: Db, now: string, limit: number): Promise<AlertDeliveryRow[]> {
  return (await db
    .select()
    .from(alertDeliveries)
    .where(and(eq(alertDeliveries.status, 'pending'), lte(alertDeliveries.nextAttemptAt, now)))
    .orderBy(asc(alertDeliveries.nextAttemptAt), asc(alertDeliveries.id))
    .limit(limit));
}

/**
 * Takes a due delivery for one attempt: counts the attempt and moves its next attempt to
 * `retryAt`. Undefined when it is no longer pending and due (another dispatcher took it).
 */
export async function claimAlertDelivery(db: Db, id: number, now: string, retryAt: string): Promise<AlertDeliveryRow | undefined> {
  return returnedRow(await db
    .update(alertDeliveries)
    .set({ attempts: sql`${alertDeliveries.attempts} + 1`, lastAttemptAt: now, nextAttemptAt: retryAt })
    .where(and(eq(alertDeliveries.id, id), eq(alertDeliveries.status, 'pending'), lte(alertDeliveries.nextAttemptAt, now)))
    .returning());
}

export async function markAlertDeliveryDelivered(db: Db, id: number, result: { statusCode: number; at: string }): Promise<void> {
  await db.update(alertDeliveries)
    .set({ status: 'delivered', deliveredAt: result.at, nextAttemptAt: null, lastStatusCode: result.statusCode, lastError: null })
    .where(eq(alertDeliveries.id, id));
}

/** A failed attempt: the delivery stays pending (its retry time was set by the claim) unless `final`. */
export async function recordAlertDeliveryFailure(db: Db, id: number, result: { statusCode: number | null; error: string; final: boolean }): Promise<void> {
  await db.update(alertDeliveries)
    .set({ lastStatusCode: result.statusCode, lastError: result.error, ...(result.final ? { status: 'failed' as const, nextAttemptAt: null } : {}) })
    .where(eq(alertDeliveries.id, id));
}

/** Gives up on a target's pending deliveries (the target was disabled). */
export async function failPendingDeliveriesOfTarget(db: Db, targetId: number, error: string): Promise<number> {
  return changedRows(await db
    .update(alertDeliveries)
    .set({ status: 'failed', nextAttemptAt: null, lastError: error })
    .where(and(eq(alertDeliveries.targetId, targetId), eq(alertDeliveries.status, 'pending'))));
}

export async function deleteDeliveriesOfTarget(db: Db, targetId: number): Promise<number> {
  return changedRows(await db.delete(alertDeliveries).where(eq(alertDeliveries.targetId, targetId)));
}

export interface DeliveryListQuery {
  status?: AlertDeliveryStatus;
  targetId?: number;
  /** Only deliveries with a smaller id (the previous page's last). */
  beforeId?: number;
  limit: number;
}

/** The delivery log newest first, with each target's name. */
export async function listAlertDeliveryRows(db: Db, q: DeliveryListQuery): Promise<(AlertDeliveryRow & { targetName: string })[]> {
  const where: SQL[] = [];
  if (q.status) where.push(eq(alertDeliveries.status, q.status));
  if (q.targetId !== undefined) where.push(eq(alertDeliveries.targetId, q.targetId));
  if (q.beforeId !== undefined) where.push(lt(alertDeliveries.id, q.beforeId));
  const rows = (await db
    .select({ delivery: alertDeliveries, targetName: alertTargets.name })
    .from(alertDeliveries)
    .innerJoin(alertTargets, eq(alertTargets.id, alertDeliveries.targetId))
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(alertDeliveries.id))
    .limit(q.limit));
  return rows.map((r) => ({ ...r.delivery, targetName: r.targetName }));
}

/** What a delivery's payload says about its reports, as they are now (in id order). */
export async function findAlertReportSummaries(db: Db, reportIds: number[]) {
  if (reportIds.length === 0) return [];
  return (await db
    .select({
      id: reports.id,
      pageUrl: reports.pageUrl,
      articleId: articles.id,
      articleTitle: articles.title,
      decision: reports.decision,
      kind: reports.kind,
      coverage: reports.coverage,
      copiedWords: reports.copiedWords,
      status: reports.status,
    })
    .from(reports)
    .innerJoin(articles, eq(articles.key, reports.articleKey))
    .where(inArray(reports.id, reportIds))
    .orderBy(asc(reports.id)));
}
