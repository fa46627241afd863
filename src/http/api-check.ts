import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import type { App } from '../app.ts';
import { FetchError, ValidationError } from '../errors.ts';
import { checkPage } from '../pipeline.ts';

const checkBodySchema = z.union([
  z.strictObject({ url: z.url({ protocol: /^https?$/, error: 'url must be an absolute http(s) URL' }) }),
  z.strictObject({ html: z.string().min(1, 'html must not be empty'), url: z.url({ protocol: /^https?$/ }).optional() }),
]);

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
        // The page could not be fetched: the upstream's fault or a refused target, not ours.
        res.status(error.reason === 'blocked_address' ? 400 : 502).json({
          error: { code: error.code, message: error.message, details: { reason: error.reason, url: error.url, status: error.status } },
        });
        return;
      }
      throw error;
    }
  });
  return router;
}
