import { StorageBusyError } from '../errors.ts';

/**
 * Whether a job's failure is worth another attempt: an error that says so (`retryable: true`, as
 * FetchError does for timeouts, DNS, connection, TLS, 408/429/5xx) or a busy database. Anything
 * else (a 404, a blocked address, a bug) would fail the same way again: the job fails for good.
 * A handler marks its own retryable failures by throwing such an error.
 */
export function isRetryableJobError(error: unknown): boolean {
  if (error instanceof StorageBusyError) return true;
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}
