import type { Router } from 'express';
import { z } from 'zod';
import { findCaptureById } from '../../../db/captures.ts';
import type { App } from '../../app.ts';
import { ensureCaptureRenders, readDecodedBody } from '../../capture-view.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { createRenderer, RenderError } from '../../render/index.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { parseForm, redirectWithFlash, safeLocalPath } from './page-kit.ts';

const renderForm = z.object({ back: z.string().max(2000).optional() });
const idSchema = z.coerce.number().int().min(1);

/**
 * POST /captures/:id/render: the offline render of a stored capture (PNG and PDF, hashed and
 * logged, as an evidence export makes it), so the report page can show its screenshot. Chromium
 * is started for the render and closed after it; one render at a time per server, since each
 * holds a browser and a second would only queue behind it for the same two cores.
 */
export function createCaptureRenderPages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  let rendering = false;

  router.post('/captures/:id/render', async (req, res) => {
    const form = parseForm(renderForm, req.body, 'Render');
    const back = safeLocalPath(form.back, '/reports');
    const parsed = idSchema.safeParse(req.params.id);
    if (!parsed.success) throw new ValidationError(`"${req.params.id}" is not a capture id`, { field: 'id' });
    const capture = await findCaptureById(app.database.db, parsed.data);
    if (!capture) throw new NotFoundError(`No capture with id ${parsed.data}`, { id: parsed.data });
    if (!/html|xml/i.test(capture.contentType)) return redirectWithFlash(res, back, 'error', `Capture #${capture.id} is ${capture.contentType}, not a page that renders`);
    if (rendering) return redirectWithFlash(res, back, 'error', 'Another capture is being rendered right now; try again in a few seconds');
    rendering = true;
    try {
      const body = await readDecodedBody(app, capture);
      const renderer = createRenderer({ chromiumPath: app.config.evidence.chromiumPath, timeoutMs: app.config.evidence.renderTimeoutMs });
      try {
        await ensureCaptureRenders(app, capture, body, renderer);
      } finally {
        await renderer.close();
      }
    } catch (error) {
      // The render's own named failures (no chromium, a timeout) are told to the reviewer; the rest is ours.
      if (!(error instanceof RenderError)) throw error;
      app.logger.warn({ err: error, captureId: capture.id }, 'render from the report page failed');
      return redirectWithFlash(res, back, 'error', `Capture #${capture.id} could not be rendered (${error.reason}): ${error.message}`);
    } finally {
      rendering = false;
    }
    redirectWithFlash(res, back, 'ok', `Capture #${capture.id} rendered offline (PNG and PDF, hashed and entered in the custody log)`);
  });
  return router;
}
