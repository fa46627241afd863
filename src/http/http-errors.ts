import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ConflictError, CopyhoundError, NotFoundError, ValidationError } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function sendError(res: Parameters<RequestHandler>[1], status: number, code: string, message: string, details?: unknown): void {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  res.status(status).json(body);
}

function statusOf(error: CopyhoundError): number {
  if (error instanceof ValidationError) return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  return 500;
}

export const handleNotFound: RequestHandler = (req, res) => {
  sendError(res, 404, 'not_found', `No route for ${req.method} ${req.path}`);
};

/** Maps every error to the JSON envelope; internals (stack, SQL) go to the log, never to the client. */
export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const bodyParserType = (error as { type?: string }).type;
    if (bodyParserType === 'entity.too.large') {
      sendError(res, 413, 'payload_too_large', `Request body is larger than the limit of ${(error as { limit?: number }).limit} bytes`);
      return;
    }
    if (bodyParserType === 'entity.parse.failed') {
      sendError(res, 400, 'invalid_json', `Request body is not valid JSON: ${(error as Error).message}`);
      return;
    }
    if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported') {
      sendError(res, 415, 'unsupported_encoding', (error as Error).message);
      return;
    }
    if (error instanceof CopyhoundError) {
      const status = statusOf(error);
      if (status < 500) {
        sendError(res, status, error.code, error.message, error.details);
        return;
      }
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return;
    sendError(res, 500, 'internal_error', 'Internal server error; the cause is in the server log');
  };
}
