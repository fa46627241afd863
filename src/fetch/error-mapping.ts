import { FetchError, type FetchFailureReason } from '../errors.ts';
import { AnonymousCrawlerError, BlockedAddressError } from './address-guard.ts';
import { BodyLimitError, ContentEncodingError } from './content-decoding.ts';
import { DnsLookupError } from './pinned-agent.ts';

/** The page's deadline fired. */
export class DeadlineError extends Error {
  readonly code = 'ERR_COPYHOUND_DEADLINE';
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ESERVFAIL', 'ENODATA']);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'HOSTNAME_MISMATCH', 'EPROTO',
]);

function* causeChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : '';
}

function classify(error: unknown): FetchFailureReason {
  for (const link of causeChain(error)) {
    if (link instanceof BlockedAddressError) return 'blocked_address';
    if (link instanceof AnonymousCrawlerError) return 'contact_url_unset';
    if (link instanceof DnsLookupError) return 'dns';
    if (link instanceof BodyLimitError) return 'too_large';
    if (link instanceof ContentEncodingError) return 'unsupported_type';
    if (link instanceof DeadlineError) return 'timeout';
  }
  for (const link of causeChain(error)) {
    const code = codeOf(link);
    if (TIMEOUT_CODES.has(code)) return 'timeout';
    if (code === 'UND_ERR_HEADERS_OVERFLOW') return 'too_large';
    if (DNS_CODES.has(code)) return 'dns';
    if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.startsWith('CERT_')) return 'tls';
  }
  return 'connection';
}

/**
 * Turns anything thrown while fetching into a FetchError with one of the fixed reasons. An abort
 * (deadline or the caller's signal) wins over whatever error the abort itself caused downstream.
 */
export function toFetchError(error: unknown, url: string, signal: AbortSignal): FetchError {
  if (error instanceof FetchError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof FetchError) return reason;
    if (reason instanceof DeadlineError) return new FetchError('timeout', url, `fetch of ${url} timed out: ${reason.message}`, { cause: error });
    return new FetchError('timeout', url, `fetch of ${url} was aborted by the caller`, { cause: reason, retryable: true });
  }
  const reason = classify(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new FetchError(reason, url, `fetch of ${url} failed (${reason}): ${detail}`, { cause: error });
}
