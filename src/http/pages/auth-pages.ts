import type { Router } from 'express';
import { z } from 'zod';
import { AuthenticationError, RateLimitedError, ValidationError } from '../../errors.ts';
import type { SignIn } from '../../sign-in.ts';
import { renderAccountPage, renderLoginPage } from '../../web/views/auth-views.ts';
import type { Html } from '../../web/html.ts';
import type { PageContext } from '../../web/layout.ts';
import { principalOf } from '../actor.ts';
import { SESSION_COOKIE, sessionTokenOf } from '../authenticate.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { clientAddressOf, sessionCookieOptions } from '../session-cookie.ts';
import { contextOf, parseForm, redirectWithFlash, safeLocalPath, sendHtml } from './page-kit.ts';

// The bounds of the API's sign-in (src/http/api-auth.ts): longer is not an address or a password.
const MAX_EMAIL = 320;
const MAX_PASSWORD = 1024;
const MAX_NEXT = 2000;

const loginForm = z.object({ email: z.string().max(MAX_EMAIL), password: z.string().max(MAX_PASSWORD), next: z.string().max(MAX_NEXT).optional() });
const passwordForm = z.object({ current: z.string().max(MAX_PASSWORD), next: z.string().max(MAX_PASSWORD) });

/** Where a role starts: staff on the dashboard, a licensee in its portal. */
export function homeOf(role: string): string {
  return role === 'licensee' ? '/portal' : '/';
}

export interface AccountExtras {
  /** More sections for the account page (alert preferences), drawn for this user. */
  render(ctx: PageContext, userId: number | null): Promise<Html> | Html;
}

/** Sign-in, sign-out (here or everywhere) and the account page with the password change. */
export function createAuthPages(signIn: SignIn, guard: Guard, extras?: AccountExtras): Router {
  const router = guardedRouter(guard, '', 'page');

  router.get('/login', (req, res) => {
    const next = safeLocalPath(req.query.next);
    sendHtml(res, renderLoginPage({ next }));
  });

  router.post('/login', async (req, res) => {
    const form = parseForm(loginForm, req.body, 'Sign-in form');
    const next = safeLocalPath(form.next);
    try {
      const { token, principal, expiresAt } = await signIn.login(form.email, form.password, clientAddressOf(req), sessionTokenOf(req));
      res.cookie(SESSION_COOKIE, token, sessionCookieOptions(req, expiresAt));
      res.redirect(303, next === '/' ? homeOf(principal.role) : next);
    } catch (error) {
      if (!(error instanceof AuthenticationError || error instanceof RateLimitedError || error instanceof ValidationError)) throw error;
      const status = error instanceof RateLimitedError ? 429 : error instanceof ValidationError ? 400 : 401;
      if (error instanceof RateLimitedError) res.set('Retry-After', String(error.retryAfterSeconds));
      sendHtml(res, renderLoginPage({ next, email: form.email, error: error.message }), status);
    }
  });

  router.post('/logout', async (req, res) => {
    const token = sessionTokenOf(req);
    if (token) await signIn.logout(token);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    res.redirect(303, '/login');
  });

  router.post('/logout-all', async (req, res) => {
    const p = principalOf(req);
    if (p.kind === 'user' && p.id !== null) await signIn.logoutEverywhere(p.id);
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    res.redirect(303, '/login');
  });

  router.get('/account', async (req, res) => {
    const ctx = contextOf(req, res, guard);
    const p = principalOf(req);
    sendHtml(res, renderAccountPage(ctx, await extras?.render(ctx, p.kind === 'user' ? p.id : null)));
  });

  router.post('/account/password', async (req, res) => {
    const form = parseForm(passwordForm, req.body, 'Password change');
    const p = principalOf(req);
    if (p.kind !== 'user' || p.id === null) throw new ValidationError('Only a signed-in user has a password to change (an API key has none)');
    try {
      await signIn.changePassword(p.id, form.current, form.next, clientAddressOf(req));
    } catch (error) {
      if (error instanceof ValidationError || error instanceof AuthenticationError) return redirectWithFlash(res, '/account', 'error', error.message);
      throw error;
    }
    res.clearCookie(SESSION_COOKIE, sessionCookieOptions(req));
    res.redirect(303, '/login');
  });

  return router;
}
