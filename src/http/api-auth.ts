import type { Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import type { SignIn } from '../sign-in.ts';
import { principalOf } from './actor.ts';
import { parseOrThrow } from './api-matches.ts';
import { SESSION_COOKIE, sessionTokenOf, setCredential } from './authenticate.ts';
import { guardedRouter, type Guard } from './guard.ts';
import { clientAddressOf, sessionCookieOptions } from './session-cookie.ts';
import type { RouteDoc } from './openapi/route-doc.ts';

/**
 * Sign-in for the web app: POST /login {email, password} sets the session cookie and answers
 * the user and a CSRF token; GET /me; GET /csrf (a fresh token); POST /logout; POST /logout-all
 * (every session of the user); POST /password {current, next} (ends every session, signs in anew).
 */

// Bounds of what a sign-in form sends; longer is not an address or a password.
const MAX_EMAIL = 320;
const MAX_PASSWORD = 1024;
const loginSchema = z.strictObject({ email: z.string().max(MAX_EMAIL), password: z.string().max(MAX_PASSWORD) });
const passwordSchema = z.strictObject({ current: z.string().max(MAX_PASSWORD), next: z.string().max(MAX_PASSWORD) });
const emptySchema = z.strictObject({});

export function createAuthRouter(signIn: SignIn, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/auth');

  router.post('/login', async (req, res) => {
    const { email, password } = parseOrThrow(loginSchema, req.body ?? {}, 'sign-in (send {"email", "password"})');
    const { token, principal, expiresAt } = await signIn.login(email, password, clientAddressOf(req), sessionTokenOf(req));
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(req, expiresAt));
    // The CSRF token is bound to the session: made for the new one, not the one the browser came with.
    setCredential(req, { kind: 'session', value: token });
    res.json({ user: { id: principal.id, actor: principal.actor, role: principal.role, licenseeId: principal.licenseeId }, expiresAt, csrfToken: guard.csrfToken(req, res) });
  });
  router.get('/me', (req, res) => {
    const p = principalOf(req);
    res.json({ kind: p.kind, id: p.id, actor: p.actor, role: p.role, licenseeId: p.licenseeId });
  });
  router.get('/csrf', (req, res) => {
    res.json({ csrfToken: guard.csrfToken(req, res) });
  });
  router.post('/logout', async (req, res) => {
    parseOrThrow(emptySchema, req.body ?? {}, 'sign-out (send no body or {})');
    const token = sessionTokenOf(req);
    if (token) await signIn.logout(token);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    res.status(204).end();
  });
  router.post('/logout-all', async (req, res) => {
    parseOrThrow(emptySchema, req.body ?? {}, 'sign-out everywhere (send no body or {})');
    const p = principalOf(req);
    const ended = p.kind === 'user' && p.id !== null ? await signIn.logoutEverywhere(p.id) : 0;
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    res.json({ ended });
  });
  router.post('/password', async (req, res) => {
    const { current, next } = parseOrThrow(passwordSchema, req.body ?? {}, 'password change (send {"current", "next"})');
    const p = principalOf(req);
    if (p.kind !== 'user' || p.id === null) throw new ValidationError('Only a signed-in user has a password to change (an API key has none)');
    await signIn.changePassword(p.id, current, next, clientAddressOf(req));
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    res.status(204).end();
  });
  return router;
}

export const AUTH_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'POST', path: '/api/auth/login', tag: 'Sign-in', summary: 'Sign in',
    description: 'Sets the session cookie and answers the user, when the session ends, and a CSRF token for state-changing requests.',
    body: loginSchema,
    response: { status: 200, description: '{user: {id, actor, role, licenseeId}, expiresAt, csrfToken}' },
    errors: { 401: 'Wrong e-mail or password, or the account is disabled', 429: 'Too many failed sign-ins for this account or address; Retry-After says when to try again' },
  },
  { method: 'GET', path: '/api/auth/me', tag: 'Sign-in', summary: 'Who is calling', response: { status: 200, description: '{kind: user|key, id, actor, role, licenseeId}' } },
  { method: 'GET', path: '/api/auth/csrf', tag: 'Sign-in', summary: 'A fresh CSRF token for this session', response: { status: 200, description: '{csrfToken}' } },
  { method: 'POST', path: '/api/auth/logout', tag: 'Sign-in', summary: 'Sign out (this session)', body: emptySchema, bodyOptional: true, response: { status: 204, description: 'Signed out; the cookie is cleared' } },
  { method: 'POST', path: '/api/auth/logout-all', tag: 'Sign-in', summary: 'Sign out everywhere (every session of this user)', body: emptySchema, bodyOptional: true, response: { status: 200, description: '{ended: number of sessions ended}' } },
  {
    method: 'POST', path: '/api/auth/password', tag: 'Sign-in', summary: 'Change the password',
    description: 'Ends every session of the user, this one included: sign in again with the new password.',
    body: passwordSchema,
    response: { status: 204, description: 'Changed; every session ended' },
    errors: { 429: 'Too many wrong current passwords; Retry-After says when to try again' },
  },
];
