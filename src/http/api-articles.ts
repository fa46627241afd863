import type { Router } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { findArticleHashes, listArticles, type ArticleRow, type ArticleSummary } from '../../db/articles.ts';
import { archiveArticle, getArticle, removeArticle, saveArticles, type ArticleRegistryDeps } from '../articles/article-registry.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { articleInputSchema } from '../articles/article-record.ts';
import { presentArticle } from '../articles/present-article.ts';
import type { RouteDoc } from './openapi/route-doc.ts';
import { cursorOrOffset, cursorParam, limitParam, pageOf, PAGING_DESCRIPTION } from './api-paging.ts';

// One request carries at most this many articles: bigger loads belong to the streaming CLI import.
export const MAX_ARTICLES_PER_REQUEST = 10_000;
// An article's place in the list (newest published first, then key): p its publishedAt (null sorts last), k its key.
const articleKey = z.strictObject({ p: z.string().max(64).nullable(), k: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

const listQuerySchema = z
  .strictObject({
    q: z.string().trim().max(500).optional(),
    limit: limitParam,
    offset: z.coerce.number().int().min(0).default(0),
    cursor: cursorParam(articleKey),
  })
  .refine(cursorOrOffset.check, { message: cursorOrOffset.message, path: cursorOrOffset.path });

const postQuerySchema = z.strictObject({
  onConflict: z.enum(['update', 'reject']).default('update'),
});

/**
 * What POST accepts, for the OpenAPI description: the handler checks the batch by hand (so that
 * the good records of a batch are saved and each bad one is named) and each record with
 * articleInputSchema; test/openapi checks that this schema and the route refuse the same samples.
 */
export const articlesBodySchema = z.union([articleInputSchema, z.array(articleInputSchema).min(1).max(MAX_ARTICLES_PER_REQUEST)]);

function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(query)', message: i.message }));
    throw new ValidationError(`Bad query parameters: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
  return parsed.data;
}

/** The API shape of an article: everything but the internal numeric key. */

export function createArticlesRouter(registry: ArticleRegistryDeps, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/articles');

  router.post('/', async (req, res) => {
    const { onConflict } = parseQuery(postQuerySchema, req.query);
    const body: unknown = req.body;
    if (body === undefined || body === null || typeof body !== 'object') {
      throw new ValidationError('Send one article as a JSON object or a batch as a JSON array (Content-Type: application/json)');
    }
    const batch = Array.isArray(body) ? body : [body];
    if (batch.length === 0) throw new ValidationError('The batch is empty');
    if (batch.length > MAX_ARTICLES_PER_REQUEST) {
      throw new ValidationError(`A batch holds at most ${MAX_ARTICLES_PER_REQUEST} articles; use the CLI import for more`, { count: batch.length });
    }
    if (onConflict === 'reject') {
      const ids = batch.map((a) => (a as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
      const existing = [...(await findArticleHashes(registry.db, ids)).keys()];
      if (existing.length > 0) throw new ConflictError(`Articles already exist: ${existing.slice(0, 20).join(', ')}`, { ids: existing });
    }
    const result = await saveArticles(
      registry,
      batch.map((value, index) => ({ ref: index, value })),
    );
    const counts = { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, rejected: result.rejected };
    if (result.rejected > 0) {
      const rejected = result.rejectedRecords.map((r) => ({ index: r.ref, id: r.id, problems: r.problems }));
      const first = rejected[0];
      const summary = `${first.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`;
      const message = Array.isArray(body)
        ? `${result.rejected} of ${batch.length} articles rejected (the others were saved); first, record ${first.index}: ${summary}`
        : `Article rejected: ${summary}`;
      throw new ValidationError(message, { ...counts, rejectedRecords: rejected });
    }
    res.status(result.inserted > 0 ? 201 : 200).json(counts);
  });

  router.get('/', async (req, res) => {
    const query = parseQuery(listQuerySchema, req.query);
    const after = query.cursor ? { publishedAt: query.cursor.p, key: query.cursor.k } : undefined;
    const { items: rows, total } = await listArticles(registry.db, { q: query.q, limit: query.limit + 1, offset: query.offset, after });
    const { items, nextCursor } = pageOf(rows, query.limit, (a) => ({ p: a.publishedAt, k: a.key }));
    res.json({ items: items.map(presentArticle), total, limit: query.limit, offset: query.offset, nextCursor });
  });

  router.get('/:id', async (req, res) => {
    res.json(presentArticle(await getArticle(registry.db, req.params.id)));
  });

  // 409 when a report cites the article: reports and their evidence are never removed by a cascade.
  router.delete('/:id', async (req, res) => {
    await removeArticle(registry, req.params.id);
    res.status(204).end();
  });

  router.post('/:id/archive', async (req, res) => {
    res.json(presentArticle(await archiveArticle(registry, req.params.id)));
  });

  return router;
}

export const ARTICLES_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'POST', path: '/api/articles', tag: 'Owned articles', summary: 'Register owned articles (one, or a batch)',
    description: `One article object, or an array of up to ${MAX_ARTICLES_PER_REQUEST}. Upserts by id. In a batch the good records are saved even when others are rejected; the 400 then names every rejected record (details.rejectedRecords). Answers 201 when any article was inserted, 200 otherwise.`,
    query: postQuerySchema,
    body: articlesBodySchema,
    response: { status: 201, description: '{inserted, updated, unchanged, rejected}' },
    errors: { 409: 'onConflict=reject and some of the articles exist (details.ids)' },
  },
  {
    method: 'GET', path: '/api/articles', tag: 'Owned articles', summary: 'List owned articles, newest first (q searches titles)', query: listQuerySchema,
    description: `${PAGING_DESCRIPTION} offset (the older way) still works, but not together with cursor. total counts every article q selects.`,
    response: { status: 200, description: '{items, total, limit, offset, nextCursor}' },
  },
  { method: 'GET', path: '/api/articles/:id', tag: 'Owned articles', summary: 'One owned article', response: { status: 200, description: 'The article' } },
  { method: 'DELETE', path: '/api/articles/:id', tag: 'Owned articles', summary: 'Remove an owned article and its fingerprints', response: { status: 204, description: 'Removed' }, errors: { 409: 'A report cites the article: archive it instead' } },
  { method: 'POST', path: '/api/articles/:id/archive', tag: 'Owned articles', summary: 'Archive an owned article (kept for its reports, no longer matched)', response: { status: 200, description: 'The article' } },
];
