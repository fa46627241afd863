import { claimAlertDelivery, findAlertReportSummaries, findDueAlertDeliveries, insertAlertDeliveries, markAlertDeliveryDelivered, recordAlertDeliveryFailure, type AlertDeliveryRow } from '../db/alert-deliveries.ts';
import { listActiveAlertPreferences, setDigestProgress, type AlertPreferencesRow } from '../db/alert-preferences.ts';
import { advanceAlertWatermark, initAlertWatermark, readAlertWatermark } from '../db/alert-state.ts';
import { findAlertTargetById, listEnabledAlertTargets } from '../db/alert-targets.ts';
import type { Db } from '../db/open-db.ts';
import { listReports, type ReportRow } from '../db/reports.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import type { Config } from '../config/index.ts';
import { newestReportId } from './alert-admin.ts';
import { retryDelayMs } from './alerts/backoff.ts';
import { composeDigestEmail, MAX_DIGEST_REPORTS } from './alerts/digest-email.ts';
import { chunkList, matchesAlertFilter } from './alerts/filters.ts';
import { createMailer, type Mailer } from './alerts/mailer.ts';
import { buildWebhookPayload, MAX_REPORTS_PER_DELIVERY, WEBHOOK_EVENT, webhookHeaders } from './alerts/payload.ts';
import { signWebhookBody } from './alerts/signature.ts';
import { sendWebhook } from './alerts/webhook-sender.ts';
import type { Logger } from './log.ts';

/**
 * The alert dispatcher `serve` runs. Each cycle (every COPYHOUND_ALERT_POLL_SECONDS, or
 * dispatchNow()):
 *
 * 1. reports created since the watermark become webhook deliveries, one per enabled target whose
 *    filters match (at most MAX_REPORTS_PER_DELIVERY reports each), and the watermark moves past
 *    them, in one transaction: each report is enqueued exactly once;
 * 2. due deliveries are sent, targets side by side (one slow or failing receiver never holds up
 *    another), each attempt claimed in the database first; a failure is retried with exponential
 *    backoff until COPYHOUND_ALERT_MAX_ATTEMPTS, then logged as failed;
 * 3. e-mail digests: "immediately" users get the new reports matching their filters, "daily"
 *    users once per UTC day from COPYHOUND_ALERT_DIGEST_HOUR_UTC. Each user's own watermark moves
 *    only when their e-mail was accepted, so a failed send is tried again next cycle.
 *
 * A failure of ours (the database, a bug) is logged at error and counted in the cycle's summary.
 */

// Reports read per enqueue step: a bounded read and a short write transaction, repeated as needed.
const ENQUEUE_SCAN_REPORTS = 500;
// Deliveries taken per send round, and rounds per cycle: a backlog drains over a few cycles
// without one cycle running for hours behind a slow receiver.
const SEND_BATCH = 50;
const MAX_SEND_ROUNDS = 20;
const HOUR_MS = 3_600_000;

export interface DispatchSummary {
  /** Deliveries created from new reports. */
  enqueued: number;
  delivered: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Deliveries given up after the last attempt. */
  failed: number;
  emailsSent: number;
  /** E-mails the server did not accept (tried again next cycle). */
  emailsFailed: number;
  /** Our own failures (logged at error). */
  errors: number;
}

export interface AlertDispatcher {
  /** Starts polling. */
  start(): void;
  /** Runs one cycle now (after the one in flight, if any) and answers what it did. */
  dispatchNow(): Promise<DispatchSummary>;
  /** Stops polling, aborts requests in flight (they are retried later) and waits for the cycle. */
  stop(): Promise<void>;
}

export interface AlertDispatcherOptions {
  db: Db;
  config: Pick<Config, 'alerts' | 'server'>;
  logger: Logger;
  /** Base URL of report links when COPYHOUND_PUBLIC_URL is empty (the server's address). */
  fallbackPublicUrl?: string;
  /** The clock (tests move it instead of sleeping). */
  now?: () => Date;
}

function emptySummary(): DispatchSummary {
  return { enqueued: 0, delivered: 0, retrying: 0, failed: 0, emailsSent: 0, emailsFailed: 0, errors: 0 };
}

/** Whether the daily digest is due: today's digest hour has come and none went out since. */
export function isDailyDigestDue(now: Date, lastDigestAt: string | null, digestHourUtc: number): boolean {
  const todays = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), digestHourUtc);
  if (now.getTime() < todays) return false;
  return lastDigestAt === null || lastDigestAt < new Date(todays).toISOString();
}

export async function createAlertDispatcher(options: AlertDispatcherOptions): Promise<AlertDispatcher> {
  const { db, logger } = options;
  const settings = options.config.alerts;
  const clock = options.now ?? (() => new Date());
  const publicUrl = settings.publicUrl || options.fallbackPublicUrl || `http://${options.config.server.host}:${options.config.server.port}`;
  const mailer: Mailer | null = settings.smtpUrl ? createMailer({ smtpUrl: settings.smtpUrl, from: settings.from }) : null;
  const shutdown = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let inFlight = 0;

  if (!mailer) logger.info('e-mail alerts off: COPYHOUND_SMTP_URL is empty (webhooks still run)');
  if (!settings.publicUrl) logger.info({ publicUrl }, 'report links in alerts use the server address; set COPYHOUND_PUBLIC_URL to the one people reach Copyhound at');
  // The first start begins at the newest report: an installation does not alert on its backlog.
  const start = await initAlertWatermark(db, await newestReportId(db), clock().toISOString());
  logger.info({ publicUrl, watermark: start, pollSeconds: settings.pollSeconds, email: Boolean(mailer) }, 'alert dispatcher ready');

  async function runCycle(): Promise<DispatchSummary> {
    const summary = emptySummary();
    await guarded(summary, 'enqueueing new reports', async () => enqueueNewReports(summary));
    await guarded(summary, 'sending webhook deliveries', () => sendDueDeliveries(summary));
    if (mailer) await guarded(summary, 'sending e-mail digests', () => sendDigests(mailer, summary));
    const busy = summary.enqueued + summary.delivered + summary.retrying + summary.failed + summary.emailsSent + summary.emailsFailed + summary.errors;
    logger[busy > 0 ? 'info' : 'debug']({ ...summary }, 'alert cycle done');
    return summary;
  }

  async function guarded(summary: DispatchSummary, what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      summary.errors++;
      logger.error({ err: error }, `alert dispatcher: ${what} failed`);
    }
  }

  async function enqueueNewReports(summary: DispatchSummary): Promise<void> {
    for (;;) {
      const step = await writeTransaction(db, async (tx) => {
        const watermark = await readAlertWatermark(tx) ?? 0;
        const fresh = await listReports(tx, { filters: {}, sort: { field: 'id', direction: 'asc' }, cursor: { value: watermark, id: watermark }, limit: ENQUEUE_SCAN_REPORTS });
        if (fresh.length === 0) return { scanned: 0, created: [] as AlertDeliveryRow[] };
        const now = clock().toISOString();
        const rows = (await listEnabledAlertTargets(tx)).flatMap((target) =>
          chunkList(fresh.filter((r) => matchesAlertFilter(r, target)).map((r) => r.id), MAX_REPORTS_PER_DELIVERY).map((reportIds) => ({ targetId: target.id, event: WEBHOOK_EVENT, reportIds, createdAt: now })),
        );
        const created = await insertAlertDeliveries(tx, rows);
        await advanceAlertWatermark(tx, fresh[fresh.length - 1].id, now);
        return { scanned: fresh.length, created };
      });
      for (const d of step.created) logger.info({ delivery: d.id, target: d.targetId, reports: d.reportIds.length }, 'webhook delivery enqueued');
      summary.enqueued += step.created.length;
      if (step.scanned < ENQUEUE_SCAN_REPORTS) return;
    }
  }

  async function sendDueDeliveries(summary: DispatchSummary): Promise<void> {
    for (let round = 0; round < MAX_SEND_ROUNDS && !shutdown.signal.aborted; round++) {
      const due = await findDueAlertDeliveries(db, clock().toISOString(), SEND_BATCH);
      const byTarget = new Map<number, AlertDeliveryRow[]>();
      for (const d of due) byTarget.set(d.targetId, [...(byTarget.get(d.targetId) ?? []), d]);
      // Targets side by side; one target's deliveries in order, so a receiver sees them in order.
      await Promise.all(
        [...byTarget.values()].map(async (deliveries) => {
          for (const d of deliveries) {
            if (shutdown.signal.aborted) return;
            await guarded(summary, `delivery ${d.id}`, () => attemptDelivery(d, summary));
          }
        }),
      );
      if (due.length < SEND_BATCH) return;
    }
  }

  async function attemptDelivery(due: AlertDeliveryRow, summary: DispatchSummary): Promise<void> {
    const target = await findAlertTargetById(db, due.targetId);
    if (!target?.enabled) return;
    const now = clock();
    // Claimed with the retry time already set: a crash mid-request leaves it due again then.
    const delivery = await claimAlertDelivery(db, due.id, now.toISOString(), new Date(now.getTime() + retryDelayMs(due.attempts + 1, { baseMs: settings.retryBaseMs })).toISOString());
    if (!delivery) return;
    const reports = await findAlertReportSummaries(db, delivery.reportIds);
    const body = JSON.stringify(buildWebhookPayload({ deliveryId: delivery.id, createdAt: delivery.createdAt, reports, publicUrl }));
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const headers = webhookHeaders({ deliveryId: delivery.id, timestamp, signature: signWebhookBody(target.secret, timestamp, body) });
    const outcome = await sendWebhook({ url: target.url, body, headers, timeoutMs: settings.webhookTimeoutMs, signal: shutdown.signal });
    const context = { delivery: delivery.id, target: target.id, attempt: delivery.attempts };
    if (outcome.ok) {
      await markAlertDeliveryDelivered(db, delivery.id, { statusCode: outcome.statusCode, at: clock().toISOString() });
      summary.delivered++;
      logger.info({ ...context, status: outcome.statusCode }, 'webhook delivered');
      return;
    }
    const final = delivery.attempts >= settings.maxAttempts;
    await recordAlertDeliveryFailure(db, delivery.id, { statusCode: outcome.statusCode, error: outcome.error, final });
    if (final) {
      summary.failed++;
      logger.warn({ ...context, status: outcome.statusCode, error: outcome.error }, 'webhook delivery failed: no attempts left');
    } else {
      summary.retrying++;
      logger.warn({ ...context, status: outcome.statusCode, error: outcome.error, nextAttemptAt: delivery.nextAttemptAt }, 'webhook attempt failed; retrying later');
    }
  }

  async function sendDigests(mail: Mailer, summary: DispatchSummary): Promise<void> {
    const newest = await newestReportId(db);
    const now = clock();
    for (const prefs of await listActiveAlertPreferences(db)) {
      if (shutdown.signal.aborted) return;
      const daily = prefs.mode === 'daily';
      if (daily ? !isDailyDigestDue(now, prefs.lastDigestAt, settings.digestHourUtc) : newest <= prefs.digestWatermark) continue;
      await guarded(summary, `the digest of user ${prefs.userId}`, () => sendDigest(mail, prefs, newest, now, summary));
    }
  }

  async function sendDigest(mail: Mailer, prefs: AlertPreferencesRow & { email: string }, newest: number, now: Date, summary: DispatchSummary): Promise<void> {
    const progress = { digestWatermark: Math.max(newest, prefs.digestWatermark), ...(prefs.mode === 'daily' ? { lastDigestAt: now.toISOString() } : {}) };
    // One more than an e-mail lists tells whether to point to the queue for the rest.
    const found = (await listReports(db, {
      filters: { decision: prefs.decisions as ReportRow['decision'][], minCoverage: prefs.minCoverage },
      sort: { field: 'id', direction: 'asc' },
      cursor: { value: prefs.digestWatermark, id: prefs.digestWatermark },
      limit: MAX_DIGEST_REPORTS + 1,
    })).filter((r) => r.id <= newest);
    if (found.length === 0) {
      await setDigestProgress(db, prefs.userId, progress);
      return;
    }
    const reports = await findAlertReportSummaries(db, found.slice(0, MAX_DIGEST_REPORTS).map((r) => r.id));
    const email = composeDigestEmail({ kind: prefs.mode === 'daily' ? 'daily' : 'immediately', reports, more: found.length > MAX_DIGEST_REPORTS, publicUrl });
    try {
      const sent = await mail.send({ to: prefs.email, ...email });
      await setDigestProgress(db, prefs.userId, progress);
      summary.emailsSent++;
      logger.info({ user: prefs.userId, mode: prefs.mode, reports: reports.length, messageId: sent.messageId }, 'alert e-mail sent');
    } catch (error) {
      summary.emailsFailed++;
      logger.warn({ user: prefs.userId, mode: prefs.mode, err: error }, 'alert e-mail not accepted by the SMTP server; trying again next cycle');
    }
  }

  function enqueueCycle(): Promise<DispatchSummary> {
    inFlight++;
    const cycle = queue.then(runCycle).finally(() => inFlight--);
    queue = cycle.catch(() => undefined);
    return cycle;
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => {
        // A cycle still running (a slow receiver) is not piled up behind.
        if (inFlight === 0) void enqueueCycle();
      }, settings.pollSeconds * 1000);
      timer.unref();
      void enqueueCycle();
    },
    dispatchNow: enqueueCycle,
    async stop() {
      clearInterval(timer);
      timer = undefined;
      shutdown.abort();
      await queue;
      mailer?.close();
      logger.info('alert dispatcher stopped');
    },
  };
}
