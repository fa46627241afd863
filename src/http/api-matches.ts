import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { findMatchById, listMatches, listRechecks, setMatchFlagged } from '../../db/matches.ts';
import { MATCH_KINDS } from '../../db/schema/matches.ts';
import type { App } from '../app.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';
import type { RouteDoc } from './openapi/route-doc.ts';
import { cursorOrOffset, cursorParam, limitParam, pageOf, PAGING_DESCRIPTION } from './api-paging.ts';

// A match's place in the list (most recently seen first): t its lastSeen (UTC ISO text), i its id.
const matchKey = z.strictObject({ t: z.string().min(1).max(64), i: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });
// A match's re-check history is short (one per schedule tick); this bounds a pathological one.
const MAX_RECHECKS = 1000;

const listQuerySchema = z.strictObject({
  cursor: cursorParam(matchKey),
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
  limit: limitParam,
  offset: z.coerce.number().int().min(0).default(0),
}).refine(cursorOrOffset.check, { message: cursorOrOffset.message, path: cursorOrOffset.path });

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

  router.get('/', async (req, res) => {
    const { cursor, ...q } = parseOrThrow(listQuerySchema, req.query, 'query parameters');
    const after = cursor ? { lastSeen: cursor.t, id: cursor.i } : undefined;
    const { items: rows, total } = await listMatches(db, { ...q, limit: q.limit + 1, after });
    const { items, nextCursor } = pageOf(rows, q.limit, (m) => ({ t: m.lastSeen, i: m.id }));
    res.json({ items, total, limit: q.limit, offset: q.offset, nextCursor });
  });

  router.get('/:id', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'match id');
    const match = await findMatchById(db, id);
    if (!match) throw new NotFoundError(`No match with id ${id}`);
    res.json({ ...match, rechecks: await listRechecks(db, { matchId: id, limit: MAX_RECHECKS }) });
  });

  for (const [method, flagged] of [['post', true], ['delete', false]] as const) {
    router[method]('/:id/flag', async (req, res) => {
      const id = parseOrThrow(idSchema, req.params.id, 'match id');
      if (!await setMatchFlagged(db, id, flagged)) throw new NotFoundError(`No match with id ${id}`);
      res.json(await findMatchById(db, id));
    });
  }
  return router;
}

export const MATCHES_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET', path: '/api/matches', tag: 'Matches', summary: 'Stored matches, most recently seen first', query: listQuerySchema,
    description: `${PAGING_DESCRIPTION} offset (the older way) still works, but not together with cursor. total counts every match the filters select. A match seen again while you page moves to the front: it is not shown twice.`,
    response: { status: 200, description: '{items, total, limit, offset, nextCursor}' },
  },
  { method: 'GET', path: '/api/matches/:id', tag: 'Matches', summary: 'One match with its re-check history', params: { id: idSchema }, response: { status: 200, description: 'The match and {rechecks}' } },
  { method: 'POST', path: '/api/matches/:id/flag', tag: 'Matches', summary: 'Flag a match for re-checks (watch sources re-fetch its page)', params: { id: idSchema }, response: { status: 200, description: 'The match' } },
  { method: 'DELETE', path: '/api/matches/:id/flag', tag: 'Matches', summary: 'Unflag a match', params: { id: idSchema }, response: { status: 200, description: 'The match' } },
];
