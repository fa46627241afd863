/**
 * The few error classes Copyhound throws. Each carries a stable `code` (for API answers and logs)
 * and `details` naming the record and field at fault, so a user can fix the input.
 */
export class CopyhoundError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** Bad input from a user: a record, a field, a flag. Never retried. */
export class ValidationError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('validation_failed', message, details);
  }
}

export class NotFoundError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('not_found', message, details);
  }
}

export class ConflictError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, details);
  }
}

/** No identity, or one that no longer holds (expired session, revoked key, disabled user): 401. */
export class AuthenticationError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('unauthenticated', message, details);
  }
}

/** A known identity whose role may not do this: 403. (Another organisation's object is a NotFoundError.) */
export class ForbiddenError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('forbidden', message, details);
  }
}

/** Too many attempts: 429 with Retry-After. */
export class RateLimitedError extends CopyhoundError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number, details?: unknown) {
    super('rate_limited', message, details);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The database could not take a write in time (another writer held the lock past the busy
 * timeout, or a snapshot went stale). Worth retrying shortly: the API answers 503 with Retry-After.
 */
export class StorageBusyError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('storage_busy', message, details);
  }
}

/** Why extracting a page's article failed; stored on the page's row like fetch failures. */
export const EXTRACT_FAILURE_REASONS = ['extract_failed', 'extract_timeout', 'extract_too_large'] as const;
export type ExtractFailureReason = (typeof EXTRACT_FAILURE_REASONS)[number];

/**
 * Extraction could not run to its end: an internal failure, the time budget spent, or a page over
 * the size cap. Never turned into "no article" (an empty text is a result; this is not).
 */
export class ExtractionError extends CopyhoundError {
  readonly reason: ExtractFailureReason;
  constructor(reason: ExtractFailureReason, message: string, details: Record<string, unknown> = {}) {
    super(reason, message, { ...details, reason });
    this.reason = reason;
  }
}

/** The fixed set of reasons a page fetch can fail; stored on the row, counted in source health. */
export const FETCH_FAILURE_REASONS = [
  'timeout',
  'too_large',
  'too_many_redirects',
  'blocked_address',
  'bad_status',
  'unsupported_type',
  'tls',
  'dns',
  'connection',
  'robots_disallowed',
  // COPYHOUND_FETCH_CONTACT_URL unset: we do not crawl the public web without saying who we are.
  'contact_url_unset',
] as const;
export type FetchFailureReason = (typeof FETCH_FAILURE_REASONS)[number];

/** Reasons worth another attempt later: the server or network may recover; the others will not. */
const TRANSIENT_REASONS: ReadonlySet<FetchFailureReason> = new Set(['timeout', 'dns', 'connection', 'tls']);

/** A failed fetch. Carries its retry policy so callers (crawlers) do not re-derive it. */
export class FetchError extends CopyhoundError {
  readonly reason: FetchFailureReason;
  readonly url: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    reason: FetchFailureReason,
    url: string,
    message: string,
    options: { status?: number; retryAfterMs?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(`fetch_${reason}`, message, { url, status: options.status });
    this.reason = reason;
    this.url = url;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable =
      options.retryable ??
      (TRANSIENT_REASONS.has(reason) ||
        (reason === 'bad_status' && options.status !== undefined && isRetryableStatus(options.status)));
    if (options.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** 408, 429 and 5xx may succeed later; any other 4xx will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
