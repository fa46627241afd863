/**
 * When a failed webhook delivery is tried again: exponential backoff, the n-th retry waiting
 * base × factor^(n-1), capped. No jitter: there is one dispatcher per installation, so retries do
 * not arrive in herds, and a fixed schedule is one a receiver's operator can read in the log.
 */

// Each retry waits twice as long as the one before: a few quick tries, then patience.
export const RETRY_BACKOFF_FACTOR = 2;
// No single wait longer than six hours: a receiver back after a long outage still hears the same day.
export const MAX_RETRY_DELAY_MS = 6 * 3_600_000;

export interface BackoffPolicy {
  baseMs: number;
  factor?: number;
  maxDelayMs?: number;
}

/** How long to wait after the given failed attempt (1 = the first attempt) before the next one. */
export function retryDelayMs(failedAttempt: number, policy: BackoffPolicy): number {
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) throw new RangeError(`attempt must be a whole number ≥ 1, not ${failedAttempt}`);
  const factor = policy.factor ?? RETRY_BACKOFF_FACTOR;
  const cap = policy.maxDelayMs ?? MAX_RETRY_DELAY_MS;
  return Math.min(cap, policy.baseMs * factor ** (failedAttempt - 1));
}

/** The waits between attempts for a delivery of at most `maxAttempts` attempts (maxAttempts - 1 of them). */
export function retrySchedule(maxAttempts: number, policy: BackoffPolicy): number[] {
  return Array.from({ length: Math.max(0, maxAttempts - 1) }, (_, i) => retryDelayMs(i + 1, policy));
}
