import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque secrets handed out once (session ids, API keys) and stored only as SHA-256. They carry
 * 256 random bits, so a fast hash is enough (no guessing to slow down) and the stored hash is
 * the lookup key: finding a key costs one index probe, not a comparison with every key.
 */

// 32 bytes: 256 bits of entropy, the usual size for bearer secrets.
const TOKEN_BYTES = 32;

export const API_KEY_PREFIX = 'ch_';
// Shown in key lists so a person can tell keys apart: the prefix and 6 random characters.
const SHOWN_KEY_CHARS = API_KEY_PREFIX.length + 6;

export function newSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function newApiKey(): { key: string; shown: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { key, shown: key.slice(0, SHOWN_KEY_CHARS) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A random secret for server-side HMACs (CSRF tokens). */
export function newServerSecret(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}
