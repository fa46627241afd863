import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { listRuns } from '../../db/crawl-state.ts';
import { listSources, updateSource } from '../../db/sources.ts';
import { addSource, getSource, presentSource, removeSource } from '../../crawlers/sources-service.ts';
import type { App } from '../app.ts';
import { parseOrThrow } from './api-matches.ts';

// A source's run history page: enough to see a trend, small enough to answer fast.
const RUNS_SHOWN = 20;

const patchSchema = z.strictObject({ enabled: z.boolean() });

/** /api/sources: POST (create), GET (list with health), GET /:ref, PATCH /:ref {enabled}, DELETE /:ref. */
export function createSourcesRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/sources');
  router.post('/', (req, res) => {
    res.status(201).json(presentSource(app, addSource(app, req.body ?? {})));
  });
  router.get('/', (_req, res) => {
    const items = listSources(app.database.db).map((s) => presentSource(app, s));
    res.json({ items, total: items.length });
  });
  router.get('/:ref', (req, res) => {
    const source = getSource(app, req.params.ref);
    res.json({ ...presentSource(app, source), runs: listRuns(app.database.db, source.id, RUNS_SHOWN) });
  });
  router.patch('/:ref', (req, res) => {
    const source = getSource(app, req.params.ref);
    const { enabled } = parseOrThrow(patchSchema, req.body ?? {}, 'source change (send {"enabled": true|false})');
    res.json(presentSource(app, updateSource(app.database.db, source.id, { enabled, updatedAt: new Date().toISOString() })!));
  });
  router.delete('/:ref', (req, res) => {
    removeSource(app, req.params.ref);
    res.status(204).end();
  });
  return router;
}
