import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { MAX_RETRY_DELAY_MS, retryDelayMs, retrySchedule } from '../../src/alerts/backoff.ts';
import { composeDigestEmail, MAX_DIGEST_REPORTS } from '../../src/alerts/digest-email.ts';
import { chunkList, matchesAlertFilter } from '../../src/alerts/filters.ts';
import { buildWebhookPayload, MAX_REPORTS_PER_DELIVERY, MAX_TITLE_CHARS, type AlertReport } from '../../src/alerts/payload.ts';
import { createWebhookSecret, signWebhookBody, verifyWebhookSignature } from '../../src/alerts/signature.ts';
import { MAX_RESPONSE_BYTES, sendWebhook } from '../../src/alerts/webhook-sender.ts';
import { isDailyDigestDue } from '../../src/alerts-dispatch.ts';

function report(over: Partial<AlertReport> = {}): AlertReport {
  return { id: 1, pageUrl: 'https://copier.example/p', articleId: 'a-1', articleTitle: 'Headline', decision: 'unlicensed', kind: 'excerpt', coverage: 0.5, copiedWords: 100, status: 'new', ...over };
}

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of "timestamp.body", as a receiver computes it', () => {
    const body = '{"id":1}';
    const expected = createHmac('sha256', 'whsec_test').update(`1767225600.${body}`).digest('hex');
    expect(signWebhookBody('whsec_test', '1767225600', body)).toBe(`sha256=${expected}`);
  });

  it('verifies only the same secret, timestamp and body', () => {
    const secret = createWebhookSecret();
    const signature = signWebhookBody(secret, '100', 'body');
    expect(verifyWebhookSignature(secret, '100', 'body', signature)).toBe(true);
    expect(verifyWebhookSignature(secret, '101', 'body', signature)).toBe(false);
    expect(verifyWebhookSignature(secret, '100', 'body ', signature)).toBe(false);
    expect(verifyWebhookSignature(createWebhookSecret(), '100', 'body', signature)).toBe(false);
    expect(verifyWebhookSignature(secret, '100', 'body', 'sha256=00')).toBe(false);
  });

  it('makes a different random secret each time', () => {
    expect(createWebhookSecret()).not.toBe(createWebhookSecret());
  });
});

describe('backoff schedule', () => {
  it('doubles from the base and stops at the cap', () => {
    expect(retrySchedule(5, { baseMs: 30_000 })).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(30, { baseMs: 30_000 })).toBe(MAX_RETRY_DELAY_MS);
    expect(retrySchedule(1, { baseMs: 1000 })).toEqual([]);
    expect(() => retryDelayMs(0, { baseMs: 1000 })).toThrow(RangeError);
  });
});

describe('filters and batches', () => {
  it('match on decision and minimum coverage (inclusive)', () => {
    const filter = { decisions: ['unlicensed'], minCoverage: 0.5 };
    expect(matchesAlertFilter({ decision: 'unlicensed', coverage: 0.5 }, filter)).toBe(true);
    expect(matchesAlertFilter({ decision: 'unlicensed', coverage: 0.49 }, filter)).toBe(false);
    expect(matchesAlertFilter({ decision: 'licence_breach', coverage: 0.9 }, filter)).toBe(false);
  });

  it('chunk lists', () => {
    expect(chunkList([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunkList([], 2)).toEqual([]);
  });

  it('a payload holds at most MAX_REPORTS_PER_DELIVERY reports and cuts long titles', () => {
    const many = Array.from({ length: MAX_REPORTS_PER_DELIVERY + 1 }, (_, i) => report({ id: i + 1 }));
    expect(() => buildWebhookPayload({ deliveryId: 1, createdAt: 'now', reports: many, publicUrl: 'https://x.example' })).toThrow(RangeError);
    const payload = buildWebhookPayload({ deliveryId: 7, createdAt: '2026-03-01T00:00:00.000Z', reports: [report({ id: 3, articleTitle: 't'.repeat(1000) })], publicUrl: 'https://x.example/' });
    expect(payload).toMatchObject({ id: 7, event: 'reports.created', reports: [{ id: 3, link: 'https://x.example/reports/3' }] });
    expect([...payload.reports[0].article.title]).toHaveLength(MAX_TITLE_CHARS);
  });
});

describe('digest e-mail', () => {
  it('escapes HTML and shows control and bidi characters as escapes', () => {
    const email = composeDigestEmail({ kind: 'immediately', reports: [report({ articleTitle: '<script>alert(1)</script> \u202eevil', pageUrl: 'https://copier.example/?a=1&b="2"' })], more: false, publicUrl: 'https://copyhound.example' });
    expect(email.subject).toBe('Copyhound: 1 new report');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\u202eevil');
    expect(email.html).toContain('href="https://copier.example/?a=1&amp;b=&quot;2&quot;"');
    expect(email.text).toContain('<script>alert(1)</script> \\u202eevil');
    expect(email.text).not.toContain('\u202e');
    expect(email.text).toContain('Report: https://copyhound.example/reports/1');
  });

  it('lists at most MAX_DIGEST_REPORTS and points to the queue for the rest', () => {
    const reports = Array.from({ length: MAX_DIGEST_REPORTS + 5 }, (_, i) => report({ id: i + 1 }));
    const email = composeDigestEmail({ kind: 'daily', reports, more: false, publicUrl: 'https://copyhound.example' });
    expect(email.subject).toBe(`Copyhound daily digest: ${MAX_DIGEST_REPORTS}+ new reports`);
    expect(email.text.match(/Report: /g)).toHaveLength(MAX_DIGEST_REPORTS);
    expect(email.text).toContain('More new reports than fit in one e-mail: https://copyhound.example/reports');
  });
});

describe('daily digest timing', () => {
  const at = (iso: string) => new Date(iso);
  it('is due once the UTC digest hour has come, once per day', () => {
    expect(isDailyDigestDue(at('2026-03-02T07:59:59Z'), null, 8)).toBe(false);
    expect(isDailyDigestDue(at('2026-03-02T08:00:00Z'), null, 8)).toBe(true);
    expect(isDailyDigestDue(at('2026-03-02T23:00:00Z'), '2026-03-02T08:00:05.000Z', 8)).toBe(false);
    expect(isDailyDigestDue(at('2026-03-03T08:00:00Z'), '2026-03-02T08:00:05.000Z', 8)).toBe(true);
    expect(isDailyDigestDue(at('2026-03-03T07:00:00Z'), '2026-03-01T08:00:00.000Z', 8)).toBe(false);
  });
});

describe('alerts configuration', () => {
  it('names the variable of each bad value', () => {
    const bad = { COPYHOUND_SMTP_URL: 'http://mail.example', COPYHOUND_PUBLIC_URL: 'ftp://x', COPYHOUND_ALERT_DIGEST_HOUR_UTC: '24', COPYHOUND_ALERT_MAX_ATTEMPTS: '0', COPYHOUND_ALERT_FROM: 'a\nb@c.d', COPYHOUND_WEBHOOK_TIMEOUT_MS: '5' };
    let message = '';
    try {
      loadConfig(bad);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    for (const name of Object.keys(bad)) expect(message).toContain(name);
  });

  it('reads good values; a public URL loses its trailing slash', () => {
    const config = loadConfig({ COPYHOUND_SMTP_URL: 'smtps://u:p@mail.example:465', COPYHOUND_PUBLIC_URL: 'https://hound.example/', COPYHOUND_ALERT_FROM: 'Copyhound <alerts@hound.example>' });
    expect(config.alerts).toMatchObject({ smtpUrl: 'smtps://u:p@mail.example:465', publicUrl: 'https://hound.example', from: 'Copyhound <alerts@hound.example>', pollSeconds: 30, maxAttempts: 10 });
  });
});

describe('webhook sender', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  it('fails an attempt whose receiver does not answer in time', async () => {
    const url = await serve(() => undefined);
    const outcome = await sendWebhook({ url, body: '{}', headers: {}, timeoutMs: 200 });
    expect(outcome).toEqual({ ok: false, statusCode: null, error: 'no answer within 200 ms' });
  });

  it('reads at most a few kilobytes of an error answer and does not follow redirects', async () => {
    const huge = await serve((_req, res) => res.writeHead(500).end('x'.repeat(1024 * 1024)));
    const failed = await sendWebhook({ url: huge, body: '{}', headers: {}, timeoutMs: 5000 });
    expect(failed.ok).toBe(false);
    expect(failed.ok ? '' : failed.error.length).toBeLessThan(MAX_RESPONSE_BYTES);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const moved = await serve((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end());
    expect(await sendWebhook({ url: moved, body: '{}', headers: {}, timeoutMs: 5000 })).toMatchObject({ ok: false, statusCode: 302 });
  });
});
