import type { Request, Response, Router } from 'express';
import { addSource, getSource, presentSource } from '../../../crawlers/sources-service.ts';
import { listRunSummaries } from '../../../db/crawl-run-summaries.ts';
import { listSourceHealth } from '../../../db/dashboard-stats.ts';
import { listSources, type SourceRow } from '../../../db/sources.ts';
import { SOURCE_TYPES } from '../../../db/schema/sources.ts';
import type { App } from '../../app.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import { renderSourceList, renderSourcePage, type SourceFormValues } from '../../web/views/source-views.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { contextOf, redirectWithFlash, sendHtml } from './page-kit.ts';
import { changeSource } from './source-edit.ts';
import { emptySourceForm, readSourceForm, sourceFormOf, toSourceRequest } from './source-form.ts';
import type { SourceRunner } from './source-run.ts';

/** Sources: list with health and the add form, one source with its edit form, run now and last runs. */

// The runs a source page lists, as the API's source answer: a trend, not the whole history.
const RUNS_SHOWN = 20;

function isRefusal(error: unknown): error is ValidationError | ConflictError {
  return error instanceof ValidationError || error instanceof ConflictError;
}

export function createSourcePages(app: App, guard: Guard, runner: SourceRunner): Router {
  const router = guardedRouter(guard, '', 'page');
  const db = app.database.db;

  async function renderList(req: Request, res: Response, values: SourceFormValues, error?: string): Promise<ReturnType<typeof renderSourceList>> {
    const lastRuns = new Map((await listSourceHealth(db)).map((h) => [h.sourceId, h.lastRun]));
    const rows = (await listSources(db)).map((source) => ({ source, lastRun: lastRuns.get(source.id) ?? null }));
    return renderSourceList(contextOf(req, res, guard), { rows, types: SOURCE_TYPES, values, ...(error ? { error } : {}) });
  }

  async function renderOne(req: Request, res: Response, source: SourceRow, values: SourceFormValues, error?: string) {
    const { health } = await presentSource(app, source);
    return renderSourcePage(contextOf(req, res, guard), { source, health, runs: await listRunSummaries(db, source.id, RUNS_SHOWN), values, ...(error ? { error } : {}) });
  }

  /** A source by the page's `:ref` (its id or name); another value is a missing page. */
  async function sourceOf(req: Request): Promise<SourceRow> {
    const ref = String(req.params.ref);
    if (ref.length > 100) throw new NotFoundError(`No source "${ref.slice(0, 100)}…"`);
    return await getSource(app, ref);
  }

  router.get('/sources', async (req, res) => {
    sendHtml(res, await renderList(req, res, emptySourceForm()));
  });

  router.post('/sources', async (req, res) => {
    const values = readSourceForm(req.body);
    try {
      const source = await addSource(app, toSourceRequest(values));
      redirectWithFlash(res, `/sources/${source.id}`, 'ok', `Source ${source.name} added${source.schedule && source.enabled ? `; it runs on its schedule (${source.schedule})` : ''}.`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      sendHtml(res, await renderList(req, res, values, error.message), error instanceof ConflictError ? 409 : 400);
    }
  });

  router.get('/sources/:ref', async (req, res) => {
    const source = await sourceOf(req);
    sendHtml(res, await renderOne(req, res, source, sourceFormOf(source)));
  });

  router.post('/sources/:ref', async (req, res) => {
    const source = await sourceOf(req);
    const values = { ...readSourceForm(req.body), type: source.type, isOwnerFeed: source.isOwnerFeed };
    try {
      const changed = await changeSource(app, source, toSourceRequest(values));
      redirectWithFlash(res, `/sources/${changed.id}`, 'ok', `Source ${changed.name} saved; what it has crawled is kept.`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      sendHtml(res, await renderOne(req, res, source, values, error.message), error instanceof ConflictError ? 409 : 400);
    }
  });

  router.post('/sources/:ref/run', async (req, res) => {
    const source = await sourceOf(req);
    try {
      const { queued } = await runner.start(source);
      const started = queued ? 'was queued for the workers' : 'started in the background';
      redirectWithFlash(res, `/sources/${source.id}`, 'ok', `A run of ${source.name} ${started}; reload this page to see it under Last runs.`);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      redirectWithFlash(res, `/sources/${source.id}`, 'error', error.message);
    }
  });

  return router;
}
