import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { listRuns } from '../../db/crawl-state.ts';
import { listSources } from '../../db/sources.ts';
import { addSource, changeSource, getSource, parseSourceChange, presentSource, removeSource, sourceChangeSchema, type SourceRunner } from '../../crawlers/sources-service.ts';
import type { App } from '../app.ts';
import { parseOrThrow } from './api-matches.ts';
import { sourceInputSchema } from '../../crawlers/source-types.ts';
import type { RouteDoc } from './openapi/route-doc.ts';
import { limitParam } from './api-paging.ts';

// A source's run history page: enough to see a trend, small enough to answer fast.
const RUNS_SHOWN = 20;

/**
 * The paging every list answers with ({ items, nextCursor }; limit as ./api-paging.ts bounds it:
 * each listed source carries its health, a few queries). A source's cursor is the last id shown.
 */
const listQuerySchema = z.strictObject({
  limit: limitParam,
  cursor: z.string().regex(/^[1-9]\d{0,15}$/, 'must be the nextCursor of the previous page').optional(),
});

/**
 * /api/sources: POST (create), GET (list with health, paged), GET /:ref, PATCH /:ref (change in
 * place, crawl state kept), POST /:ref/run (a run in the background), DELETE /:ref.
 */
export function createSourcesRouter(app: App, guard: Guard, runner: SourceRunner): Router {
  const router = guardedRouter(guard, '/api/sources');
  router.post('/', async (req, res) => {
    res.status(201).json(await presentSource(app, await addSource(app, req.body ?? {})));
  });
  router.get('/', async (req, res) => {
    const q = parseOrThrow(listQuerySchema, req.query, 'query parameters');
    const after = q.cursor ? Number(q.cursor) : 0;
    // Sources are few (each is a configured crawl); the page is cut before health is read.
    const all = await listSources(app.database.db);
    const rows = all.filter((s) => s.id > after).slice(0, q.limit + 1);
    const page = rows.slice(0, q.limit);
    const nextCursor = rows.length > q.limit ? String(page[page.length - 1].id) : null;
    res.json({ items: await Promise.all(page.map(async (s) => await presentSource(app, s))), nextCursor, total: all.length });
  });
  router.get('/:ref', async (req, res) => {
    const source = await getSource(app, req.params.ref);
    res.json({ ...await presentSource(app, source), runs: await listRuns(app.database.db, source.id, RUNS_SHOWN) });
  });
  router.patch('/:ref', async (req, res) => {
    const source = await getSource(app, req.params.ref);
    res.json(await presentSource(app, await changeSource(app, source, parseSourceChange(req.body ?? {}))));
  });
  router.post('/:ref/run', async (req, res) => {
    const source = await getSource(app, req.params.ref);
    const { runId, queued } = await runner.start(source);
    res.status(202).json({ sourceId: source.id, name: source.name, runId: runId ?? null, queued });
  });
  router.delete('/:ref', async (req, res) => {
    await removeSource(app, req.params.ref);
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
  {
    method: 'GET', path: '/api/sources', tag: 'Sources', summary: 'List sources with their health', query: listQuerySchema,
    description: 'Oldest first; page with the answer\'s nextCursor as cursor (null: no more). total counts every source.',
    response: { status: 200, description: '{items, nextCursor, total}' },
  },
  { method: 'GET', path: '/api/sources/:ref', tag: 'Sources', summary: 'One source, its health and its last runs', description: REF_DESCRIPTION, response: { status: 200, description: 'The source, {health, runs}' } },
  {
    method: 'PATCH', path: '/api/sources/:ref', tag: 'Sources', summary: 'Change a source in place (its crawl state is kept)',
    description: `${REF_DESCRIPTION}. Only the fields given change; null clears a value (schedule, url, urls, a limit back to its default); limits changes only the limits it names. The changed source is checked whole as a new one would be. type and isOwnerFeed cannot be changed.`,
    body: sourceChangeSchema,
    response: { status: 200, description: 'The source with its health' },
    errors: { 409: 'Another source has that name' },
  },
  {
    method: 'POST', path: '/api/sources/:ref/run', tag: 'Sources', summary: 'Start a run of a source in the background',
    description: `${REF_DESCRIPTION}. On SQLite the server runs it and answers once the run holds its lease; on PostgreSQL it is queued for the workers (queued true, runId null until a worker starts it). Its outcome appears in the source's runs.`,
    response: { status: 202, description: '{sourceId, name, runId, queued}' },
    errors: { 409: 'A run of the source is already queued or in progress (here or in another process)' },
  },
  { method: 'DELETE', path: '/api/sources/:ref', tag: 'Sources', summary: 'Remove a source and its crawl state (pages, matches and captures stay)', description: REF_DESCRIPTION, response: { status: 204, description: 'Removed' } },
];
