import type { Request } from 'express';
import { AuthenticationError } from '../errors.ts';
import type { Principal } from '../auth/roles.ts';

/**
 * The identity a request was authenticated as (src/http/authenticate.ts) and the organisation a
 * route is narrowed to (src/http/guard.ts). Kept beside the request, not on it: nothing a client
 * sends can set them.
 */
const principals = new WeakMap<Request, Principal>();
const scopes = new WeakMap<Request, number>();

export function setPrincipal(req: Request, principal: Principal): void {
  principals.set(req, principal);
}

/** The principal of a request that passed the guard (a route without one would be a bug: 401). */
export function principalOf(req: Request): Principal {
  const principal = principals.get(req);
  if (!principal) throw new AuthenticationError('Sign in or send an API key (Authorization: Bearer ch_...)');
  return principal;
}

export function findPrincipal(req: Request): Principal | undefined {
  return principals.get(req);
}

/** Who did it, as history rows record it. */
export function actorOf(req: Request): string {
  return principalOf(req).actor;
}

export function setScope(req: Request, licenseeId: number): void {
  scopes.set(req, licenseeId);
}

/** The licensee organisation a route is narrowed to for this request, or null (all of them). */
export function scopeOf(req: Request): number | null {
  return scopes.get(req) ?? null;
}
