import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { HttpRefusal } from './http-errors.ts';
import { ANY_HOST, parseHostHeader } from './host-names.ts';

/** Methods that change state: the ones a cross-site form or fetch must not be able to drive. */
const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Sec-Fetch-Site values of a request the user made on this origin (or typed / bookmarked). */
const OWN_FETCH_SITES: ReadonlySet<string> = new Set(['same-origin', 'none']);
/**
 * The body types the API reads: JSON, and JSON-LD (ODRL consent documents). A form or text/plain
 * body is what a cross-site page can send without a preflight; neither of these is.
 */
const JSON_MEDIA_TYPE = 'application/json';
export const JSON_MEDIA_TYPES: readonly string[] = [JSON_MEDIA_TYPE, 'application/ld+json'];
// Paths served whatever the Host: /healthz tells nothing but "up" and the schema version, and
// orchestrator probes address the container by IP, which is not a configured name.
const HOST_CHECK_EXEMPT_PATHS: ReadonlySet<string> = new Set(['/healthz']);

/**
 * DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 talks to the API with
 * `Host: evil.example`. Requests whose Host (port ignored) is not an allowed name get 421.
 */
export function createHostGuard(allowedHosts: ReadonlySet<string>): RequestHandler {
  const anyHost = allowedHosts.has(ANY_HOST);
  return (req, _res, next) => {
    if (anyHost || HOST_CHECK_EXEMPT_PATHS.has(req.path)) return next();
    const header = req.headers.host;
    const host = header === undefined ? undefined : parseHostHeader(header);
    if (host && allowedHosts.has(host.name)) return next();
    next(
      new HttpRefusal(
        421,
        'host_not_allowed',
        header === undefined
          ? 'The request has no Host header'
          : `Host ${JSON.stringify(header)} is not one this server answers to; add it to COPYHOUND_ALLOWED_HOSTS if it is yours`,
        { details: { host: header ?? null, allowed: [...allowedHosts] }, logLevel: 'warn' },
      ),
    );
  };
}

/** decodeURIComponent that answers false instead of throwing. */
function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A malformed percent escape (`%E0%A4%A`, `%ZZ`, bytes that are not UTF-8) in the path or the query
 * is the client's mistake: 400 `malformed_url`, before any route tries to decode it.
 */
export const refuseMalformedUrl: RequestHandler = (req, _res, next) => {
  const url = req.url;
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const badPart = !decodes(path) ? 'path' : query.split(/[&=]/).some((part) => !decodes(part)) ? 'query' : undefined;
  if (!badPart) return next();
  next(new HttpRefusal(400, 'malformed_url', `The URL ${badPart} has a malformed percent escape (each % must start a UTF-8 byte as %XX)`, { details: { part: badPart } }));
};

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
const FORM_MEDIA_TYPES: ReadonlySet<string> = new Set([FORM_MEDIA_TYPE]);

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

/** True when `origin` (an Origin header) names the same host and port the request was sent to. */
function isSameOrigin(origin: string, hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frame, file://) or garbage: not us.
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const target = parseHostHeader(hostHeader);
  const from = parseHostHeader(url.host);
  if (!target || !from) return false;
  // The scheme is not compared: behind a TLS proxy the browser says https, we are spoken to in http.
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const targetPort = target.port === defaultPort ? '' : target.port;
  return from.name === target.name && from.port === targetPort;
}

/**
 * Cross-site request forgery of simple requests: until the API has sessions, a page elsewhere
 * could POST a form or text/plain body at it. State-changing requests must come from this origin
 * (Origin, Sec-Fetch-Site) and carry JSON when they carry a body.
 */
export const refuseCrossSiteWrites: RequestHandler = (req, _res, next) => {
  if (!STATE_CHANGING_METHODS.has(req.method)) return next();
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && !OWN_FETCH_SITES.has(fetchSite.toLowerCase())) {
    return next(
      new HttpRefusal(403, 'foreign_origin', `A ${req.method} from another site (Sec-Fetch-Site: ${fetchSite}) is refused`, {
        details: { secFetchSite: fetchSite },
        logLevel: 'warn',
      }),
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isSameOrigin(origin, req.headers.host)) {
    return next(
      new HttpRefusal(403, 'foreign_origin', `A ${req.method} from origin ${origin} is refused: only this server's own origin may change data`, {
        details: { origin },
        logLevel: 'warn',
      }),
    );
  }
  if (hasBody(req)) {
    // Web pages post forms: their Origin was checked above and their CSRF token is checked by the
    // page guard. The API takes JSON only.
    if (!isApiPath(req.path) && FORM_MEDIA_TYPES.has(mediaTypeOf(req))) return next();
    const contentType = req.headers['content-type'];
    const mediaType = contentType?.split(';')[0].trim().toLowerCase();
    if (mediaType === undefined || !JSON_MEDIA_TYPES.includes(mediaType)) {
      return next(
        new HttpRefusal(415, 'unsupported_media_type', `A ${req.method} body must be sent as Content-Type: ${JSON_MEDIA_TYPE}${contentType ? ` (got ${contentType})` : ''}`, {
          details: { contentType: contentType ?? null },
        }),
      );
    }
  }
  next();
};

/**
 * body-parser decodes UTF-8 leniently (bad bytes become U+FFFD, which would then be stored as
 * article text). Bytes that are not UTF-8 are refused instead.
 */
export function verifyUtf8Body(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) {
    throw new HttpRefusal(400, 'invalid_utf8', 'Request body is not valid UTF-8 (JSON must be sent as UTF-8)');
  }
}
