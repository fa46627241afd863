import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { doubleCsrf } from 'csrf-csrf';
import { accessOf, findRoutePolicy, type OwnerKind, type RoutePolicy } from '../auth/policy.ts';
import { AuthenticationError, ForbiddenError, NotFoundError } from '../errors.ts';
import { findPrincipal, setScope } from './actor.ts';
import { authFailureOf, credentialOf, sessionTokenOf } from './authenticate.ts';
import { HttpRefusal } from './http-errors.ts';
import { JSON_MEDIA_TYPES, verifyUtf8Body } from './request-guards.ts';

/**
 * Enforces src/auth/policy.ts on every API route. Routers are made with guardedRouter(), which
 * looks each route up in the policy table when it is registered (no row: the server does not
 * start) and runs, before the handler: identity (401), role (403), CSRF for cookie sessions
 * (403), ownership for `own` access (another organisation's object: 404), then the body parser
 * with the route's size limit. Handlers see only requests the table allows.
 */

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
export const CSRF_COOKIE = 'copyhound_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** The hidden field every web form carries the CSRF token in. */
export const CSRF_FIELD = '_csrf';
// A web form is a few fields (a bulk selection of a page of ids, a pasted ODRL document at most).
const FORM_BODY_BYTES = 512 * 1024;
// Form field count bound (body-parser's parameterLimit): a page of ids plus the filters.
const FORM_FIELDS = 2000;
// Most bodies are a few fields; a bulk status change of the maximum id list fits in this.
const SMALL_BODY_BYTES = 256 * 1024;
// Routes that take documents (article batches, pages to check, ODRL imports) get the configured limit.
const LARGE_BODY_ROUTES: ReadonlySet<string> = new Set(['POST /api/articles', 'POST /api/check', 'POST /api/consents/import']);

/** The organisation owning the object a route's `:id` names: a licensee id, null (none), or undefined (no such object). */
export type OwnerResolvers = Record<OwnerKind, (id: number) => Promise<number | null | undefined>>;

export interface Guard {
  /** Routes registered so far, with their policy rows (the authorisation matrix test reads it). */
  readonly registered: RoutePolicy[];
  authorize(policy: RoutePolicy): RequestHandler[];
  /**
   * The same checks for a web page: the form body is parsed first (its `_csrf` field counts), and
   * a signed-out browser asking for a page is sent to the sign-in page instead of a 401.
   */
  authorizePage(policy: RoutePolicy): RequestHandler[];
  /** A CSRF token for the signed-in browser (GET /api/auth/csrf, the sign-in answer). */
  csrfToken(req: Request, res: Response): string;
  /** The token for a page's forms: the browser's current one is kept, so forms in other tabs stay valid. */
  pageCsrfToken(req: Request, res: Response): string;
}

export interface GuardOptions {
  owners: OwnerResolvers;
  /** The largest body of the document routes (COPYHOUND_BODY_LIMIT_BYTES). */
  largeBodyBytes: number;
  csrfSecret: string;
}

/** The `_csrf` field of a parsed web form, if any. */
function formCsrfToken(req: Request): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : undefined;
}

const OWNER_NAMES: Record<OwnerKind, string> = { licensee: 'licensee', consent: 'consent', key: 'API key' };

function createCsrf(secret: string, secure: boolean) {
  return doubleCsrf({
    getSecret: () => secret,
    // Bound to the session: a token taken from one session is worthless in another.
    getSessionIdentifier: (req) => sessionTokenOf(req as Request) ?? '',
    cookieName: secure ? `__Host-${CSRF_COOKIE}` : CSRF_COOKIE,
    cookieOptions: { sameSite: 'lax', path: '/', secure, httpOnly: true },
    // The header for API calls; a web form sends the same token as its `_csrf` field (the page
    // guard parses the form before checking; API bodies are not parsed yet, so only the header counts).
    getCsrfTokenFromRequest: (req) => ((req as Request).headers[CSRF_HEADER] as string | undefined) ?? formCsrfToken(req as Request),
    // Programs with an API key send no cookies a foreign page could ride on.
    skipCsrfProtection: (req) => credentialOf(req as Request).kind !== 'session',
  });
}

export function createGuard(options: GuardOptions): Guard {
  const registered: RoutePolicy[] = [];
  const csrf = { secure: createCsrf(options.csrfSecret, true), plain: createCsrf(options.csrfSecret, false) };
  const csrfOf = (req: Request) => (req.secure ? csrf.secure : csrf.plain);

  async function checkOwnership(policy: RoutePolicy, req: Request, licenseeId: number | null): Promise<void> {
    if (policy.owner) {
      const id = Number(req.params.id);
      const owner = Number.isSafeInteger(id) && id > 0 ? await options.owners[policy.owner](id) : undefined;
      // Another organisation's object and a missing one get the same answer: nothing leaks.
      if (owner === undefined || owner === null || owner !== licenseeId) throw new NotFoundError(`No ${OWNER_NAMES[policy.owner]} with id ${req.params.id}`, { id: req.params.id });
    }
    if (licenseeId === null) throw new ForbiddenError('This key or account is not bound to a licensee organisation');
    setScope(req, licenseeId);
  }

  function makeCheck(policy: RoutePolicy, page: boolean): RequestHandler {
    return async (req, res, next) => {
      if (policy.public) return next();
      const principal = findPrincipal(req);
      if (!principal && page && req.method === 'GET') return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      if (!principal) throw authFailureOf(req) ?? new AuthenticationError('Sign in or send an API key (Authorization: Bearer ch_...)');
      const access = accessOf(policy, principal);
      if (access === null) throw new ForbiddenError(`The ${principal.role} role may not ${policy.method} ${policy.path}`, { role: principal.role });
      const proceed = async (error?: unknown) => {
        if (error) {
          const how = page ? 'the form token of a page this server made (reload the page and try again)' : `the ${CSRF_HEADER} header from GET /api/auth/csrf`;
          return next(new HttpRefusal(403, 'csrf_failed', `A ${req.method} from a signed-in browser needs ${how}`, { logLevel: 'warn' }));
        }
        if (access !== 'own') return next();
        checkOwnership(policy, req, principal.licenseeId).then(() => next(), next);
      };
      if (STATE_CHANGING.has(req.method)) csrfOf(req).doubleCsrfProtection(req, res, proceed);
      else await proceed();
    };
  }

  function authorize(policy: RoutePolicy): RequestHandler[] {
    const limit = LARGE_BODY_ROUTES.has(`${policy.method} ${policy.path}`) ? options.largeBodyBytes : SMALL_BODY_BYTES;
    const parseBody = express.json({ type: [...JSON_MEDIA_TYPES], limit, strict: false, verify: verifyUtf8Body });
    return [makeCheck(policy, false), parseBody];
  }

  function authorizePage(policy: RoutePolicy): RequestHandler[] {
    const parseForm = express.urlencoded({ extended: false, limit: FORM_BODY_BYTES, parameterLimit: FORM_FIELDS, verify: verifyUtf8Body });
    return [parseForm, makeCheck(policy, true)];
  }

  return {
    registered,
    authorize,
    authorizePage,
    csrfToken: (req, res) => csrfOf(req).generateCsrfToken(req, res, { overwrite: true }),
    pageCsrfToken: (req, res) => csrfOf(req).generateCsrfToken(req, res, { overwrite: false, validateOnReuse: true }),
  };
}

type RouteMethod = 'get' | 'post' | 'patch' | 'delete';

/**
 * An express Router for the routes under `base` whose get/post/patch/delete first look the route
 * up in the policy table and put the guard in front of its handlers.
 */
export function guardedRouter(guard: Guard, base: string, kind: 'api' | 'page' = 'api'): Router {
  const router = Router();
  for (const method of ['get', 'post', 'patch', 'delete'] as const satisfies readonly RouteMethod[]) {
    const register = router[method].bind(router) as (path: string, ...handlers: RequestHandler[]) => Router;
    const wrapped = (path: string, ...handlers: ((req: Request, res: Response, next: NextFunction) => unknown)[]) => {
      const full = path === '/' ? base || '/' : `${base}${path}`;
      const policy = findRoutePolicy(method.toUpperCase(), full);
      if (!policy) throw new Error(`No access policy for ${method.toUpperCase()} ${full}: add a row to ROUTE_POLICIES in src/auth/policy.ts`);
      guard.registered.push(policy);
      const checks = kind === 'page' ? guard.authorizePage(policy) : guard.authorize(policy);
      return register(path, ...checks, ...(handlers as RequestHandler[]));
    };
    (router as unknown as Record<RouteMethod, typeof wrapped>)[method] = wrapped;
  }
  return router;
}
