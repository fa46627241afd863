import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import type { App } from '../app.ts';
import { FetchError, ValidationError, type FetchFailureReason } from '../errors.ts';
import { checkPage } from '../pipeline.ts';
import type { RouteDoc } from './openapi/route-doc.ts';

const checkBodySchema = z.union([
  z.strictObject({ url: z.url({ protocol: /^https?$/, error: 'url must be an absolute http(s) URL' }) }),
  z.strictObject({ html: z.string().min(1, 'html must not be empty'), url: z.url({ protocol: /^https?$/ }).optional() }),
]);

/**
 * The answer to a page that could not be fetched: a target the caller may not name is their
 * request's fault (400); a server not configured to crawl the public web (no
 * COPYHOUND_FETCH_CONTACT_URL) is unavailable for it, nothing is wrong upstream (503); anything
 * else went wrong between us and the page (502).
 */
export function statusOfFetchFailure(reason: FetchFailureReason): 400 | 502 | 503 {
  if (reason === 'blocked_address') return 400;
  if (reason === 'contact_url_unset') return 503;
  return 502;
}

/** POST /api/check: the same answer as `copyhound check --json` for one page. */
export function createCheckRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/check');
  router.post('/', async (req, res) => {
    const parsed = checkBodySchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new ValidationError('Send {"url": "https://…"} to fetch a page, or {"html": "…", "url"?: "…"} to check HTML you have', {
        problems: parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })),
      });
    }
    const body = parsed.data;
    const source = 'html' in body ? ({ kind: 'html', html: body.html, url: body.url } as const) : ({ kind: 'url', url: body.url } as const);
    try {
      res.json({ input: 'html' in body ? '(html)' : body.url, ...(await checkPage(app, source)) });
    } catch (error) {
      if (error instanceof FetchError) {
        res.status(statusOfFetchFailure(error.reason)).json({
          error: { code: error.code, message: error.message, details: { reason: error.reason, url: error.url, status: error.status } },
        });
        return;
      }
      throw error;
    }
  });
  return router;
}

export const CHECK_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'POST', path: '/api/check', tag: 'Check', summary: 'Check one page for reproductions of owned articles',
    description: '{"url"} fetches the page (stored as a capture); {"html", "url"?} checks HTML you have. The answer is that of `copyhound check --json` for one page.',
    body: checkBodySchema,
    response: { status: 200, description: '{input, url, title, matches: [{articleId, kind, rule: {name, why}, coverage, pageShare, copiedWords, longestRun, passages: [{pageStart, pageEnd, articleStart, articleEnd, edits: [{op, pageStart, pageEnd, articleStart, articleEnd}]}], decision, reasons, consentId, explanation}], captureId?}' },
    errors: {
      400: 'The body is refused, or the page address is a blocked one (fetch_blocked_address)',
      413: 'The body is too large, or the page is too large to extract (extract_too_large)',
      422: 'The page was read but its article could not be extracted (extract_failed, extract_timeout)',
      502: 'The page could not be fetched (fetch_timeout, fetch_bad_status, fetch_dns, …; details.reason)',
      503: 'The server is not configured to fetch public pages: COPYHOUND_FETCH_CONTACT_URL is unset (fetch_contact_url_unset)',
    },
  },
];
