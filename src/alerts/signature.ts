import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. Every request carries
 *
 *   X-Copyhound-Timestamp: <unix seconds>
 *   X-Copyhound-Signature: sha256=<hex HMAC-SHA256 over `${timestamp}.${body}` with the target's secret>
 *
 * The timestamp is inside the signed text, so a receiver that also refuses old timestamps (a few
 * minutes) cannot be fed a recorded request again. `body` is the exact bytes sent (UTF-8 JSON):
 * a receiver must verify the raw body, before parsing it.
 */

export const SIGNATURE_PREFIX = 'sha256=';
// 32 random bytes: as strong as the HMAC-SHA256 key can use; base64url keeps it copy-pasteable.
const SECRET_BYTES = 32;
// Tells a Copyhound webhook secret apart from other secrets in a receiver's configuration.
const SECRET_PREFIX = 'whsec_';

/** A new random signing secret for a webhook target (shown once to the admin). */
export function createWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

/** The X-Copyhound-Signature value for this timestamp and body. */
export function signWebhookBody(secret: string, timestamp: string, body: string): string {
  return SIGNATURE_PREFIX + createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** True when `signature` is the one this secret gives for the timestamp and body (constant-time compare). */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhookBody(secret, timestamp, body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
