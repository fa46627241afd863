import type { CookieOptions, Request } from 'express';
import { millisOfIso } from '../time/parse-date.ts';

/** The session cookie's options: one definition for the API's sign-in and the web sign-in page. */
export function sessionCookieOptions(req: Request, expiresAt?: string): CookieOptions {
  // Secure whenever the request came over TLS (or a trusted proxy says it did); plain http on
  // loopback would otherwise never get its cookie back.
  const expires = expiresAt !== undefined ? millisOfIso(expiresAt) : null;
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', ...(expires !== null ? { expires: new Date(expires) } : {}) };
}

/** The address sign-in throttling counts failures by. */
export function clientAddressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
