import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { listRuns } from '../../db/crawl-state.ts';
import { listSources, updateSource } from '../../db/sources.ts';
import { addSource, getSource, presentSource, removeSource } from '../../crawlers/sources-service.ts';
import type { App } from '../app.ts';
import { parseOrThrow } from './api-matches.ts';
import { sourceInputSchema } from '../../crawlers/source-types.ts';
import type { RouteDoc } from './openapi/route-doc.ts';

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

const REF_DESCRIPTION = 'A source id (digits) or name';

export const SOURCES_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'POST', path: '/api/sources', tag: 'Sources', summary: 'Add a crawl source',
    description: 'type feed, sitemap or site needs url; urls needs urls (or url: a list file each run fetches); watch re-checks the given urls, or every flagged match without them. schedule is a node-cron expression. The name defaults to TYPE-HOST.',
    body: sourceInputSchema,
    response: { status: 201, description: 'The source with its health' },
    errors: { 409: 'A source with that name exists' },
  },
  { method: 'GET', path: '/api/sources', tag: 'Sources', summary: 'List sources with their health', response: { status: 200, description: '{items, total}' } },
  { method: 'GET', path: '/api/sources/:ref', tag: 'Sources', summary: 'One source, its health and its last runs', description: REF_DESCRIPTION, response: { status: 200, description: 'The source, {health, runs}' } },
  { method: 'PATCH', path: '/api/sources/:ref', tag: 'Sources', summary: 'Switch a source on or off', description: REF_DESCRIPTION, body: patchSchema, response: { status: 200, description: 'The source' } },
  { method: 'DELETE', path: '/api/sources/:ref', tag: 'Sources', summary: 'Remove a source and its crawl state (pages, matches and captures stay)', description: REF_DESCRIPTION, response: { status: 204, description: 'Removed' } },
];
