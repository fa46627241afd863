import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../log.ts';
import { findPrincipal } from './actor.ts';

/**
 * A request id (answered in X-Request-Id, carried by the log line) and one access log line per
 * request: method, path, status, duration and who asked. Never the query string (a client may
 * put anything there), headers, cookies or bodies: no secret reaches the log from here.
 */
export const REQUEST_ID_HEADER = 'X-Request-Id';

export function createAccessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = randomUUID();
    const started = process.hrtime.bigint();
    res.setHeader(REQUEST_ID_HEADER, id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const principal = findPrincipal(req);
      logger.info({ reqId: id, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10, actor: principal?.actor ?? null }, 'request');
    });
    next();
  };
}
