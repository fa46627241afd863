import type { RequestHandler, Request } from 'express';
import { AuthenticationError } from '../errors.ts';
import type { SignIn } from '../sign-in.ts';
import { setPrincipal } from './actor.ts';

export const SESSION_COOKIE = 'copyhound_session';

/** How a request proved who it is: a key in Authorization, a session cookie, or nothing. */
export type Credential = { kind: 'key'; value: string } | { kind: 'session'; value: string } | { kind: 'none' };

const credentials = new WeakMap<Request, Credential>();
const failures = new WeakMap<Request, AuthenticationError>();

export function credentialOf(req: Request): Credential {
  return credentials.get(req) ?? { kind: 'none' };
}

export function setCredential(req: Request, credential: Credential): void {
  credentials.set(req, credential);
}

/** Why the request's credential was refused (the guard answers 401 with it unless the route is public). */
export function authFailureOf(req: Request): AuthenticationError | undefined {
  return failures.get(req);
}

/** The session id of a request whose credential is a cookie (sign-out, rotation, CSRF binding). */
export function sessionTokenOf(req: Request): string | undefined {
  const c = credentialOf(req);
  return c.kind === 'session' ? c.value : undefined;
}

function readCredential(req: Request): Credential {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return { kind: 'key', value: m ? m[1] : '' };
  }
  const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
  return cookie ? { kind: 'session', value: cookie } : { kind: 'none' };
}

/**
 * Resolves the request's principal from an API key (Authorization: Bearer) or a session cookie.
 * A refused credential is remembered, not answered here: the sign-in route must still work for
 * a browser holding a stale cookie. The guard decides.
 */
export function createAuthenticator(signIn: SignIn): RequestHandler {
  return async (req, _res, next) => {
    const credential = readCredential(req);
    credentials.set(req, credential);
    try {
      if (credential.kind === 'key') setPrincipal(req, await signIn.authenticateKey(credential.value));
      else if (credential.kind === 'session') setPrincipal(req, (await signIn.authenticateSession(credential.value)).principal);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) return next(error);
      failures.set(req, error);
    }
    next();
  };
}
