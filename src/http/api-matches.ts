import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { findMatchById, listMatches, listRechecks, setMatchFlagged } from '../../db/matches.ts';
import { MATCH_KINDS } from '../../db/schema/matches.ts';
import type { App } from '../app.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';
import type { RouteDoc } from './openapi/route-doc.ts';

// Paging as for /api/articles: 50 fits a screen; 500 bounds the cost of one query.
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
// A match's re-check history is short (one per schedule tick); this bounds a pathological one.
const MAX_RECHECKS = 1000;

const listQuerySchema = z.strictObject({
  articleId: z.string().min(1).max(500).optional(),
  kind: z.enum(MATCH_KINDS).optional(),
  pageUrl: z.string().min(1).max(4000).optional(),
  // Stored times are UTC ISO strings compared as text: an offset is turned into the same instant in UTC.
  since: z.iso.datetime({ offset: true }).transform((v, ctx) => {
    const reading = parseIsoDate(v);
    if (reading.ok) return formatUtcIso(reading.date);
    ctx.addIssue({ code: 'custom', message: reading.message });
    return z.NEVER;
  }).optional(),
  flagged: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  offset: z.coerce.number().int().min(0).default(0),
});

const idSchema = z.coerce.number().int().min(1);

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(body)', message: i.message }));
    throw new ValidationError(`Bad ${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
  return parsed.data;
}

/** GET /api/matches (filters + paging), GET /:id (with re-checks), POST /:id/flag, DELETE /:id/flag. */
export function createMatchesRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/matches');
  const db = app.database.db;

  router.get('/', (req, res) => {
    const q = parseOrThrow(listQuerySchema, req.query, 'query parameters');
    const { items, total } = listMatches(db, q);
    res.json({ items, total, limit: q.limit, offset: q.offset });
  });

  router.get('/:id', (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'match id');
    const match = findMatchById(db, id);
    if (!match) throw new NotFoundError(`No match with id ${id}`);
    res.json({ ...match, rechecks: listRechecks(db, { matchId: id, limit: MAX_RECHECKS }) });
  });

  for (const [method, flagged] of [['post', true], ['delete', false]] as const) {
    router[method]('/:id/flag', (req, res) => {
      const id = parseOrThrow(idSchema, req.params.id, 'match id');
      if (!setMatchFlagged(db, id, flagged)) throw new NotFoundError(`No match with id ${id}`);
      res.json(findMatchById(db, id));
    });
  }
  return router;
}

export const MATCHES_ROUTE_DOCS: RouteDoc[] = [
  { method: 'GET', path: '/api/matches', tag: 'Matches', summary: 'Stored matches, most recently seen first', query: listQuerySchema, response: { status: 200, description: '{items, total, limit, offset}' } },
  { method: 'GET', path: '/api/matches/:id', tag: 'Matches', summary: 'One match with its re-check history', params: { id: idSchema }, response: { status: 200, description: 'The match and {rechecks}' } },
  { method: 'POST', path: '/api/matches/:id/flag', tag: 'Matches', summary: 'Flag a match for re-checks (watch sources re-fetch its page)', params: { id: idSchema }, response: { status: 200, description: 'The match' } },
  { method: 'DELETE', path: '/api/matches/:id/flag', tag: 'Matches', summary: 'Unflag a match', params: { id: idSchema }, response: { status: 200, description: 'The match' } },
];
