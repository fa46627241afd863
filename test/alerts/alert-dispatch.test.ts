import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { findAlertDeliveryById } from '../../db/alert-deliveries.ts';
import type { OpenDatabase } from '../../db/open-db.ts';
import { loadConfig, type ConfigOverrides } from '../../config/index.ts';
import { addUser } from '../../src/accounts.ts';
import { createAlertTarget, listAlertDeliveries, setAlertPreferences, updateAlertTarget } from '../../src/alert-admin.ts';
import { createAlertDispatcher, type AlertDispatcher } from '../../src/alerts-dispatch.ts';
import { openSeedDatabase, seedArticles, seedReports, type ReportSeed } from '../reports/seed-reports.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { decodeQuotedPrintable, startLocalSmtp, startWebhookReceiver, type LocalSmtp, type WebhookReceiver } from './alert-helpers.ts';

const PUBLIC_URL = 'https://copyhound.example';
const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
const RETRY_BASE_MS = 1000;

const tempDir = useTempDir();
let cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

interface Setup {
  database: OpenDatabase;
  smtp: LocalSmtp;
  receiver: WebhookReceiver;
  logLines: string[];
  clock: { now: Date };
  articles: Map<string, number>;
  makeDispatcher(): Promise<AlertDispatcher>;
  seed(seeds: Omit<ReportSeed, 'articleId' | 'url'>[]): Promise<number[]>;
  addStaff(email: string): Promise<number>;
}

let pageCount = 0;

async function setUp(overrides: ConfigOverrides['alerts'] = {}): Promise<Setup> {
  const database = await openSeedDatabase(tempDir());
  const smtp = await startLocalSmtp();
  const receiver = await startWebhookReceiver();
  cleanups.push(() => database.close(), () => smtp.close(), () => receiver.close());
  const config = loadConfig({}, { alerts: { smtpUrl: smtp.url, publicUrl: PUBLIC_URL, retryBaseMs: RETRY_BASE_MS, maxAttempts: 3, digestHourUtc: 8, ...overrides }, log: { level: 'info' } });
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } }));
  const clock = { now: new Date('2026-03-02T09:00:00.000Z') };
  const articles = await seedArticles(database.db, ['wire-1']);
  return {
    database, smtp, receiver, logLines, clock, articles,
    async makeDispatcher() {
      const dispatcher = await createAlertDispatcher({ db: database.db, config, logger, now: () => clock.now });
      cleanups.push(() => dispatcher.stop());
      return dispatcher;
    },
    async seed(seeds) {
      return (await seedReports(database.db, articles, seeds.map((s) => ({ articleId: 'wire-1', ...s, url: `https://copier.example/p/${++pageCount}` })))).map((r) => r.id);
    },
    async addStaff(email) {
      return (await addUser({ db: database.db }, { email, role: 'rights_manager', password: PASSWORD }, 'local')).id;
    },
  };
}

async function addTarget(s: Setup, input: Parameters<typeof createAlertTarget>[1] = { url: s.receiver.url }): Promise<number> {
  const { target, secret } = await createAlertTarget(s.database.db, input, 'test');
  s.receiver.secret = secret;
  return target.id;
}

function advance(s: Setup, ms: number): void {
  s.clock.now = new Date(s.clock.now.getTime() + ms);
}

describe('a new report', () => {
  it('produces exactly one signed webhook delivery and one e-mail in the digest', async () => {
    const s = await setUp();
    await addTarget(s, { url: s.receiver.url, name: 'CRM' });
    const dispatcher = await s.makeDispatcher();
    const userId = await s.addStaff('reviewer@example.test');
    await setAlertPreferences(s.database.db, userId, { mode: 'immediately' });
    const [reportId] = await s.seed([{ decision: 'unlicensed', coverage: 0.92, copiedWords: 540, kind: 'reproduction' }]);

    const summary = await dispatcher.dispatchNow();
    expect(summary).toMatchObject({ enqueued: 1, delivered: 1, emailsSent: 1, errors: 0 });
    // A second cycle finds nothing new: still one of each.
    expect(await dispatcher.dispatchNow()).toMatchObject({ enqueued: 0, delivered: 0, emailsSent: 0 });

    expect(s.receiver.received).toHaveLength(1);
    const hook = s.receiver.received[0];
    expect(hook.signatureValid).toBe(true);
    expect(hook.headers['x-copyhound-event']).toBe('reports.created');
    expect(hook.headers['x-copyhound-delivery']).toBe(String(hook.json.id));
    expect(hook.json.reports).toEqual([
      { id: reportId, url: expect.stringMatching(/^https:\/\/copier\.example\/p\/\d+$/), article: { id: 'wire-1', title: 'Article wire-1' }, decision: 'unlicensed', kind: 'reproduction', coverage: 0.92, copiedWords: 540, status: 'new', link: `${PUBLIC_URL}/reports/${reportId}` },
    ]);

    expect(s.smtp.messages).toHaveLength(1);
    const mail = s.smtp.messages[0];
    expect(mail.to).toEqual(['reviewer@example.test']);
    const text = decodeQuotedPrintable(mail.raw);
    expect(text).toContain('Subject: Copyhound: 1 new report');
    expect(text).toContain(`${PUBLIC_URL}/reports/${reportId}`);
    expect(text).toContain('Article wire-1');

    const log = await listAlertDeliveries(s.database.db);
    expect(log.items).toHaveLength(1);
    expect(log.items[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, reportIds: [reportId], targetName: 'CRM' });
  });
});

describe('webhook retries', () => {
  it('a receiver that fails twice gets the third attempt, which succeeds: delivered with attempts=3, across a restart', async () => {
    const s = await setUp();
    s.receiver.answers = [500, 503];
    await addTarget(s);
    let dispatcher = await s.makeDispatcher();
    await s.seed([{}]);

    expect(await dispatcher.dispatchNow()).toMatchObject({ enqueued: 1, retrying: 1, delivered: 0 });
    const id = s.receiver.received[0].json.id;
    expect(await findAlertDeliveryById(s.database.db, id)).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: expect.stringContaining('HTTP 500: receiver is down') });

    // Not due before the backoff has passed.
    advance(s, RETRY_BASE_MS - 1);
    await dispatcher.dispatchNow();
    expect(s.receiver.received).toHaveLength(1);

    // The server restarts: the attempt count and the retry time are in the database.
    await dispatcher.stop();
    dispatcher = await s.makeDispatcher();
    advance(s, 1);
    expect(await dispatcher.dispatchNow()).toMatchObject({ retrying: 1 });
    expect(await findAlertDeliveryById(s.database.db, id)).toMatchObject({ attempts: 2, lastStatusCode: 503 });

    // The second retry waits twice as long.
    advance(s, RETRY_BASE_MS);
    await dispatcher.dispatchNow();
    expect(s.receiver.received).toHaveLength(2);
    advance(s, RETRY_BASE_MS);
    expect(await dispatcher.dispatchNow()).toMatchObject({ delivered: 1 });

    expect(s.receiver.received.map((r) => r.answered)).toEqual([500, 503, 200]);
    expect(s.receiver.received.every((r) => r.signatureValid && r.json.id === id)).toBe(true);
    expect(await findAlertDeliveryById(s.database.db, id)).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: s.clock.now.toISOString() });
    const delivered = s.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'webhook delivered');
    expect(delivered).toMatchObject({ delivery: id, attempt: 3, status: 200 });
  });

  it('gives up after the last attempt and logs the delivery as failed', async () => {
    const s = await setUp();
    s.receiver.answers = [500, 500, 500, 500];
    await addTarget(s);
    const dispatcher = await s.makeDispatcher();
    await s.seed([{}]);
    await dispatcher.dispatchNow();
    advance(s, RETRY_BASE_MS);
    await dispatcher.dispatchNow();
    advance(s, 2 * RETRY_BASE_MS);
    expect(await dispatcher.dispatchNow()).toMatchObject({ failed: 1 });
    advance(s, 3_600_000);
    await dispatcher.dispatchNow();
    expect(s.receiver.received).toHaveLength(3);
    expect((await listAlertDeliveries(s.database.db, { status: 'failed' })).items[0]).toMatchObject({ attempts: 3, lastStatusCode: 500, nextAttemptAt: null });
    expect(s.logLines.some((l) => l.includes('no attempts left'))).toBe(true);
  });

  it('a receiver that is down does not hold up another target', async () => {
    const s = await setUp();
    const down = await startWebhookReceiver();
    await down.close();
    const downId = await addTarget(s, { url: down.url, name: 'down' });
    const upId = await addTarget(s, { url: s.receiver.url, name: 'up' });
    const dispatcher = await s.makeDispatcher();
    await s.seed([{}]);
    expect(await dispatcher.dispatchNow()).toMatchObject({ enqueued: 2, delivered: 1, retrying: 1, errors: 0 });
    expect(s.receiver.received).toHaveLength(1);
    expect((await listAlertDeliveries(s.database.db, { targetId: upId })).items[0].status).toBe('delivered');
    expect((await listAlertDeliveries(s.database.db, { targetId: downId })).items[0]).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: expect.stringContaining('ECONNREFUSED') });
  });

  it('disabling a target gives up its pending deliveries', async () => {
    const s = await setUp();
    s.receiver.answers = [500];
    const id = await addTarget(s);
    const dispatcher = await s.makeDispatcher();
    await s.seed([{}]);
    await dispatcher.dispatchNow();
    await updateAlertTarget(s.database.db, id, { enabled: false });
    advance(s, RETRY_BASE_MS);
    await dispatcher.dispatchNow();
    expect(s.receiver.received).toHaveLength(1);
    expect((await listAlertDeliveries(s.database.db)).items[0]).toMatchObject({ status: 'failed', lastError: 'target disabled' });
  });
});

describe('webhook target filters and batches', () => {
  it('sends only reports with the target\'s decisions and at least its coverage', async () => {
    const s = await setUp();
    await addTarget(s, { url: s.receiver.url, decisions: ['unlicensed'], minCoverage: 0.6 });
    const dispatcher = await s.makeDispatcher();
    const [, , wanted] = await s.seed([{ decision: 'unlicensed', coverage: 0.5 }, { decision: 'licence_breach', coverage: 0.8 }, { decision: 'unlicensed', coverage: 0.9 }]);
    await dispatcher.dispatchNow();
    expect(s.receiver.received.map((r) => r.json.reports.map((x) => x.id))).toEqual([[wanted]]);
  });

  it('splits a large crawl into deliveries of at most 100 reports', async () => {
    const s = await setUp();
    await addTarget(s);
    const dispatcher = await s.makeDispatcher();
    const ids = await s.seed(Array.from({ length: 250 }, () => ({})));
    expect(await dispatcher.dispatchNow()).toMatchObject({ enqueued: 3, delivered: 3 });
    const sizes = s.receiver.received.map((r) => r.json.reports.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(s.receiver.received.flatMap((r) => r.json.reports.map((x) => x.id))).toEqual(ids);
  });

  it('does not alert on reports that existed before the first start', async () => {
    const s = await setUp();
    await s.seed([{}, {}]);
    await addTarget(s);
    const dispatcher = await s.makeDispatcher();
    expect(await dispatcher.dispatchNow()).toMatchObject({ enqueued: 0 });
    const [fresh] = await s.seed([{}]);
    await dispatcher.dispatchNow();
    expect(s.receiver.received.map((r) => r.json.reports[0].id)).toEqual([fresh]);
  });
});

describe('e-mail digests', () => {
  it('follow each user\'s decisions and minimum coverage', async () => {
    const s = await setUp();
    const dispatcher = await s.makeDispatcher();
    const picky = await s.addStaff('picky@example.test');
    const broad = await s.addStaff('broad@example.test');
    await setAlertPreferences(s.database.db, picky, { mode: 'immediately', decisions: ['licence_breach'], minCoverage: 0.7 });
    await setAlertPreferences(s.database.db, broad, { mode: 'immediately', minCoverage: 0.95 });
    const [, breach] = await s.seed([{ decision: 'licence_breach', coverage: 0.5 }, { decision: 'licence_breach', coverage: 0.75 }, { decision: 'unlicensed', coverage: 0.9 }]);
    expect(await dispatcher.dispatchNow()).toMatchObject({ emailsSent: 1 });
    expect(s.smtp.messages.map((m) => m.to)).toEqual([['picky@example.test']]);
    const text = decodeQuotedPrintable(s.smtp.messages[0].raw);
    expect(text).toContain(`/reports/${breach}`);
    expect(text.match(/\/reports\/\d+/g)?.filter((l, i, a) => a.indexOf(l) === i)).toEqual([`/reports/${breach}`]);
  });

  it('daily: one e-mail per UTC day, at the digest hour, with the reports since the last one', async () => {
    const s = await setUp();
    s.clock.now = new Date('2026-03-02T07:00:00.000Z');
    const dispatcher = await s.makeDispatcher();
    const user = await s.addStaff('daily@example.test');
    await setAlertPreferences(s.database.db, user, { mode: 'daily' });
    const [first] = await s.seed([{}]);
    await dispatcher.dispatchNow();
    s.clock.now = new Date('2026-03-02T07:59:59.000Z');
    await dispatcher.dispatchNow();
    expect(s.smtp.messages).toHaveLength(0);

    s.clock.now = new Date('2026-03-02T08:00:00.000Z');
    expect(await dispatcher.dispatchNow()).toMatchObject({ emailsSent: 1 });
    const [second] = await s.seed([{}]);
    s.clock.now = new Date('2026-03-02T20:00:00.000Z');
    await dispatcher.dispatchNow();
    expect(s.smtp.messages).toHaveLength(1);
    expect(decodeQuotedPrintable(s.smtp.messages[0].raw)).toContain('Subject: Copyhound daily digest: 1 new report');
    expect(decodeQuotedPrintable(s.smtp.messages[0].raw)).toContain(`/reports/${first}`);

    s.clock.now = new Date('2026-03-03T08:10:00.000Z');
    await dispatcher.dispatchNow();
    s.clock.now = new Date('2026-03-03T09:10:00.000Z');
    await dispatcher.dispatchNow();
    expect(s.smtp.messages).toHaveLength(2);
    const next = decodeQuotedPrintable(s.smtp.messages[1].raw);
    expect(next).toContain(`/reports/${second}`);
    expect(next).not.toContain(`/reports/${first}`);
  });

  it('off (or never set) sends nothing', async () => {
    const s = await setUp();
    const dispatcher = await s.makeDispatcher();
    const off = await s.addStaff('off@example.test');
    await s.addStaff('never@example.test');
    await setAlertPreferences(s.database.db, off, { mode: 'immediately' });
    await setAlertPreferences(s.database.db, off, { mode: 'off' });
    await s.seed([{}]);
    s.clock.now = new Date('2026-03-02T23:00:00.000Z');
    expect(await dispatcher.dispatchNow()).toMatchObject({ emailsSent: 0, emailsFailed: 0 });
    expect(s.smtp.messages).toHaveLength(0);
  });

  it('a digest the SMTP server refuses is sent on the next cycle, not lost', async () => {
    const s = await setUp();
    const dispatcher = await s.makeDispatcher();
    const user = await s.addStaff('retry@example.test');
    await setAlertPreferences(s.database.db, user, { mode: 'immediately' });
    s.smtp.refuseNext(1);
    const [id] = await s.seed([{}]);
    expect(await dispatcher.dispatchNow()).toMatchObject({ emailsSent: 0, emailsFailed: 1 });
    expect(await dispatcher.dispatchNow()).toMatchObject({ emailsSent: 1 });
    expect(s.smtp.messages).toHaveLength(1);
    expect(decodeQuotedPrintable(s.smtp.messages[0].raw)).toContain(`/reports/${id}`);
  });

  it('with COPYHOUND_SMTP_URL empty, says so once and still sends webhooks', async () => {
    const s = await setUp({ smtpUrl: '' });
    await addTarget(s);
    const dispatcher = await s.makeDispatcher();
    const user = await s.addStaff('nomail@example.test');
    await setAlertPreferences(s.database.db, user, { mode: 'immediately' });
    await s.seed([{}]);
    expect(await dispatcher.dispatchNow()).toMatchObject({ delivered: 1, emailsSent: 0 });
    expect(s.smtp.messages).toHaveLength(0);
    expect(s.logLines.filter((l) => l.includes('e-mail alerts off'))).toHaveLength(1);
  });
});
