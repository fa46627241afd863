import type { Request, Response } from 'express';
import type { ZodType } from 'zod';
import { ValidationError } from '../../errors.ts';
import type { Html } from '../../web/html.ts';
import type { PageContext } from '../../web/layout.ts';
import { findPrincipal, principalOf } from '../actor.ts';
import type { Guard } from '../guard.ts';

/**
 * What every page handler needs: who is looking (as the layout shows it), the form token, the
 * one-shot message of the previous action, and answering with HTML or a redirect after a form.
 */

const FLASH_COOKIE = 'copyhound_flash';
// The flash message lives for the redirect that follows the action, not longer.
const FLASH_MAX_AGE_MS = 60_000;
// A message is one sentence of ours (or an error message): longer is cut, never refused.
const MAX_FLASH_CHARS = 500;

function readFlash(req: Request, res: Response): PageContext['flash'] {
  const raw = (req.cookies as Record<string, string> | undefined)?.[FLASH_COOKIE];
  if (!raw) return undefined;
  res.clearCookie(FLASH_COOKIE, { path: '/' });
  const kind = raw.startsWith('error:') ? 'error' : 'ok';
  return { kind, text: raw.replace(/^(ok|error):/, '').slice(0, MAX_FLASH_CHARS) };
}

/** The page context of a request that passed the page guard. */
export function contextOf(req: Request, res: Response, guard: Guard): PageContext {
  const p = principalOf(req);
  return {
    role: p.role,
    actor: p.actor,
    isUser: p.kind === 'user',
    csrfToken: guard.pageCsrfToken(req, res),
    path: req.path,
    flash: readFlash(req, res),
  };
}

/** The context of a page that may be shown signed out (sign-in, error pages). */
export function optionalContextOf(req: Request, res: Response, guard: Guard): PageContext | null {
  return findPrincipal(req) ? contextOf(req, res, guard) : null;
}

export function sendHtml(res: Response, page: Html, status = 200): void {
  // Pages show reports and consents: never kept by a shared cache or the back-forward cache of another user.
  res.status(status).set({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).send(page.text);
}

/** Back to a page after a form, with one message shown there (Post/Redirect/Get). */
export function redirectWithFlash(res: Response, to: string, kind: 'ok' | 'error', text: string): void {
  res.cookie(FLASH_COOKIE, `${kind}:${text.slice(0, MAX_FLASH_CHARS)}`, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: FLASH_MAX_AGE_MS });
  res.redirect(303, to);
}

/** A form's fields read with a zod schema; refusals name the field in words a person reads. */
export function parseForm<T>(schema: ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  throw new ValidationError(`${what}: ${problems.join('; ')}`, { issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}

/** Only local paths are followed after sign-in: `//evil.example` and absolute URLs are not. */
export function safeLocalPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}
