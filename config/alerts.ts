import { z } from 'zod';
import { defineSetting, envInt } from './define.ts';

// An http(s) base URL without query or fragment (links are built by appending /reports/ID), or empty.
const publicBaseUrl = z.union([
  z.literal(''),
  z
    .string()
    .trim()
    .max(2000)
    .url('must be an http(s) URL')
    .refine((v) => /^https?:\/\//i.test(v), 'must be an http(s) URL')
    .refine((v) => !/[?#]/.test(v), 'must not have a query or fragment')
    .transform((v) => v.replace(/\/+$/, '')),
]);

// smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start), or empty (e-mail off).
const smtpUrl = z.union([
  z.literal(''),
  z
    .string()
    .trim()
    .max(2000)
    .url('must be an smtp:// or smtps:// URL')
    .refine((v) => /^smtps?:\/\//i.test(v), 'must be an smtp:// or smtps:// URL'),
]);

// A bare address or `Name <address>`, one line: it becomes the From header of every digest.
const FROM_PATTERN = /^(?:[^\u0000-\u001f\u007f<>@]{0,100}<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

/** Alerts: webhooks and e-mail digests when new reports arrive (src/alerts-dispatch.ts). */
export const alertSettings = {
  smtpUrl: defineSetting('COPYHOUND_SMTP_URL', smtpUrl, '', 'SMTP server for alert e-mails, e.g. smtp://user:pass@mail.example:587 (empty: e-mail alerts off).'),
  from: defineSetting('COPYHOUND_ALERT_FROM', z.string().trim().max(300).regex(FROM_PATTERN, 'must be an address or "Name <address>" on one line'), 'Copyhound <copyhound@localhost>', 'From header of alert e-mails.'),
  publicUrl: defineSetting('COPYHOUND_PUBLIC_URL', publicBaseUrl, '', 'Base URL people reach Copyhound at, for report links in alerts (empty: the address `serve` listens on).'),
  // Alerts are about new reports from crawls that run for minutes; half a minute is "at once" for a reviewer.
  pollSeconds: defineSetting('COPYHOUND_ALERT_POLL_SECONDS', envInt(1, 3600), 30, 'How often `serve` looks for new reports and due webhook retries (seconds).'),
  // The first retry after half a minute rides out a receiver's restart; later ones back off (x2 each).
  retryBaseMs: defineSetting('COPYHOUND_ALERT_RETRY_BASE_MS', envInt(1000, 3_600_000), 30_000, 'Delay before the first webhook retry (ms); each later retry waits twice as long.'),
  // 10 attempts with a 30 s base span about 4 hours: a receiver down for an afternoon still gets its deliveries.
  maxAttempts: defineSetting('COPYHOUND_ALERT_MAX_ATTEMPTS', envInt(1, 20), 10, 'Attempts per webhook delivery before it is logged as failed.'),
  digestHourUtc: defineSetting('COPYHOUND_ALERT_DIGEST_HOUR_UTC', envInt(0, 23), 8, 'Hour of the day (UTC) the daily e-mail digest is sent.'),
  // A receiver should answer at once and work afterwards; 10 s leaves room for a slow one without holding the dispatcher.
  webhookTimeoutMs: defineSetting('COPYHOUND_WEBHOOK_TIMEOUT_MS', envInt(1000, 120_000), 10_000, 'Longest a webhook receiver may take to answer (ms); longer is a failed attempt.'),
};
