import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { isBusyError } from '../../db/write-transaction.ts';
import { AuthenticationError, ConflictError, CopyhoundError, ExtractionError, ForbiddenError, NotFoundError, RateLimitedError, StorageBusyError, ValidationError } from '../errors.ts';
import type { Logger } from '../log.ts';

// A busy database is another writer's burst (a crawl batch, an import transaction): over within
// seconds. Clients retrying sooner would only meet the same lock after their own busy timeout.
export const STORAGE_BUSY_RETRY_AFTER_SECONDS = 5;

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** A request refused before it reaches a route (or by the body parser): its status and named code. */
export class HttpRefusal extends CopyhoundError {
  readonly status: number;
  /** Refusals that may be an attack (foreign Host, foreign Origin) are logged at warn, others at info. */
  readonly logLevel: 'info' | 'warn';
  constructor(status: number, code: string, message: string, options: { details?: unknown; logLevel?: 'info' | 'warn' } = {}) {
    super(code, message, options.details);
    this.status = status;
    this.logLevel = options.logLevel ?? 'info';
  }
}

export function sendError(res: Parameters<RequestHandler>[1], status: number, code: string, message: string, details?: unknown): void {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  res.status(status).json(body);
}

/** How a failed request is answered: a client's fault (4xx), a busy database (503), or ours (500). */
interface Answer {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  headers?: Record<string, string>;
  logLevel: 'info' | 'warn';
}

function statusOf(error: CopyhoundError): number {
  if (error instanceof HttpRefusal) return error.status;
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof RateLimitedError) return 429;
  // The page was read but its article could not be extracted: a property of that page, named.
  if (error instanceof ExtractionError) return error.reason === 'extract_too_large' ? 413 : 422;
  return 500;
}

/** The error or any error in its cause chain (drizzle wraps driver errors in DrizzleQueryError). */
function someCause(error: unknown, test: (e: unknown) => boolean): boolean {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return true;
  }
  return false;
}

// body-parser / raw-body error types, each a client's fault, each with a named code.
const BODY_ERRORS: Record<string, { status: number; code: string; message: (e: Error & { limit?: number }) => string }> = {
  'entity.too.large': { status: 413, code: 'payload_too_large', message: (e) => `Request body is larger than the limit of ${e.limit} bytes` },
  'entity.parse.failed': { status: 400, code: 'invalid_json', message: (e) => `Request body is not valid JSON: ${e.message}` },
  'encoding.unsupported': { status: 415, code: 'unsupported_encoding', message: (e) => `${e.message}; send it uncompressed or as gzip, deflate or br` },
  'charset.unsupported': { status: 415, code: 'unsupported_charset', message: (e) => `${e.message}; send JSON as UTF-8` },
  'request.aborted': { status: 400, code: 'request_aborted', message: () => 'The client closed the connection before the body arrived' },
  'request.size.invalid': { status: 400, code: 'body_length_mismatch', message: () => 'Request body length does not match Content-Length' },
};

function answerFor(error: unknown, req: Request): Answer | undefined {
  const storageBusy = (e: unknown) => e instanceof StorageBusyError || (e instanceof CopyhoundError && e.code === 'storage_busy') || isBusyError(e);
  if (someCause(error, storageBusy)) {
    return {
      status: 503,
      code: 'storage_busy',
      message: `The database is busy with another writer; retry in ${STORAGE_BUSY_RETRY_AFTER_SECONDS} s`,
      details: { retryAfterSeconds: STORAGE_BUSY_RETRY_AFTER_SECONDS },
      headers: { 'Retry-After': String(STORAGE_BUSY_RETRY_AFTER_SECONDS) },
      logLevel: 'warn',
    };
  }
  if (error instanceof CopyhoundError) {
    const status = statusOf(error);
    if (status >= 500) return undefined;
    const headers: Record<string, string> | undefined =
      error instanceof RateLimitedError
        ? { 'Retry-After': String(error.retryAfterSeconds) }
        : error instanceof AuthenticationError
          ? { 'WWW-Authenticate': 'Bearer realm="copyhound"' }
          : undefined;
    const logLevel = error instanceof HttpRefusal ? error.logLevel : error instanceof RateLimitedError ? 'warn' : 'info';
    return { status, code: error.code, message: error.message, details: error.details, headers, logLevel };
  }
  const httpError = error as Error & { type?: string; status?: number; expose?: boolean; limit?: number };
  const known = httpError?.type ? BODY_ERRORS[httpError.type] : undefined;
  if (known) return { status: known.status, code: known.code, message: known.message(httpError), logLevel: 'info' };
  // The router could not percent-decode a path parameter (it tags the URIError with status 400).
  if (error instanceof URIError) return { status: 400, code: 'malformed_url', message: `Malformed percent escape in the URL: ${error.message}`, logLevel: 'info' };
  const clientStatus = typeof httpError?.status === 'number' && httpError.status >= 400 && httpError.status < 500 && httpError.expose === true;
  if (!clientStatus) return undefined;
  const contentEncoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (contentEncoding !== 'identity' && httpError.type === undefined) {
    // zlib/brotli refused the bytes: the body is not what its Content-Encoding says.
    return { status: 400, code: 'invalid_content_encoding', message: `Request body is not valid ${contentEncoding}: ${httpError.message}`, logLevel: 'info' };
  }
  return { status: httpError.status!, code: 'bad_request', message: httpError.message, logLevel: 'info' };
}

/** Renders an error as a web page (src/http/pages): a browser on a page gets HTML, not JSON. */
export type ErrorPageRenderer = (req: Request, res: Parameters<RequestHandler>[1], status: number, message: string) => void;

function isApiRequest(req: Request): boolean {
  return req.path === '/api' || req.path.startsWith('/api/') || req.path === '/healthz';
}

export function createNotFoundHandler(renderPage?: ErrorPageRenderer): RequestHandler {
  return (req, res) => {
    const message = `No route for ${req.method} ${req.path}`;
    if (renderPage && !isApiRequest(req)) return renderPage(req, res, 404, `There is no page at ${req.path}.`);
    sendError(res, 404, 'not_found', message);
  };
}

export const handleNotFound: RequestHandler = createNotFoundHandler();

/**
 * Maps every error to the JSON envelope. A client's fault is logged at info (warn for possible
 * attacks and a busy database) with no stack; internals (stack, SQL) go to the log only for 500s,
 * never to the client.
 */
export function createErrorHandler(logger: Logger, renderPage?: ErrorPageRenderer): ErrorRequestHandler {
  const send = (req: Request, res: Parameters<RequestHandler>[1], status: number, code: string, message: string, details?: unknown) => {
    if (renderPage && !isApiRequest(req)) renderPage(req, res, status, message);
    else sendError(res, status, code, message, details);
  };
  return (error, req, res, _next) => {
    const answer = answerFor(error, req);
    if (answer) {
      logger[answer.logLevel]({ method: req.method, path: req.path, status: answer.status, code: answer.code, reason: answer.message }, 'request refused');
      // Headers already sent (a stream broke midway): no error body can follow; end it so the
      // client sees a cut response instead of waiting forever.
      if (res.headersSent) return void res.destroy();
      if (answer.headers) res.set(answer.headers);
      send(req, res, answer.status, answer.code, answer.message, answer.details);
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return void res.destroy();
    send(req, res, 500, 'internal_error', 'Internal server error; the cause is in the server log');
  };
}
