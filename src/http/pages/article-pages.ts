import type { Router } from 'express';
import { z } from 'zod';
import { countArticleMatchesUpTo, listArticleMatches, listArticlesByIdPrefix, listArticlesNewest, searchArticleTitles, type ArticleListRow, type TitleCursor } from '../../../db/article-page-queries.ts';
import { findArticleById } from '../../../db/articles.ts';
import type { App } from '../../app.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { renderArticleDetail, renderArticleSearch, type ArticleItem, type ArticleSearchData } from '../../web/views/article-view.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { contextOf, parseForm, sendHtml } from './page-kit.ts';

/**
 * GET /articles: the owned articles, newest registered first, or searched by title text or id
 * prefix; GET /articles/:id: one article and the pages it was found on. Keyset paging throughout
 * (db/article-page-queries.ts), so the millionth article costs what the first does.
 */

// A screen of results.
const PAGE_SIZE = 50;
// Titles a search looks at per request, on the title index alone: ~30 ms of SQLite on the 2-core
// test box for 100,000 titles, so a rare word answers in bounded time and "Continue searching"
// goes on from there (the registry has no full-text index to ask instead).
export const TITLE_SCAN_BUDGET = 100_000;
// Pages an article was found on, shown per screen, and counted exactly up to this many.
const FOUND_PAGE_SIZE = 50;
const FOUND_COUNT_CAP = 10_000;
// The opening of the body shown on the detail page (the full text is on each report's page).
const OPENING_CHARS = 1500;

const searchQuery = z.object({
  q: z.string().trim().max(500).optional().default(''),
  by: z.enum(['title', 'id']).optional().default('title'),
  after: z.string().max(2000).optional(),
});
const detailQuery = z.object({ before: z.string().regex(/^[1-9]\d{0,15}$/, 'must be a match id').optional() });

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor<T>(raw: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('The page link is damaged (after); start from the first page', { field: 'after' });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError('The page link is damaged (after); start from the first page', { field: 'after' });
  return parsed.data;
}

const keyCursor = z.object({ k: z.number().int().min(1) });
const idCursor = z.object({ i: z.string().max(1000) });
const titleCursor = z.object({ t: z.string().max(100_000), k: z.number().int().min(1) });

function itemOf(row: ArticleListRow): ArticleItem {
  return { id: row.id, url: row.url, title: row.title, publishedAt: row.publishedAt, section: row.section, tags: row.tags, credit: row.credit, archivedAt: row.archivedAt };
}

function queryOf(params: Record<string, string>): string {
  return `?${new URLSearchParams(params).toString()}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export function createArticlePages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  const db = app.database.db;

  router.get('/articles', async (req, res) => {
    const ctx = contextOf(req, res, guard);
    const base: ArticleSearchData = { q: '', by: 'title', exact: null, items: [], nextQuery: null, isFirstPage: true, searchedStretch: null };
    let data: ArticleSearchData;
    try {
      const q = parseForm(searchQuery, req.query, 'Article search');
      const first = q.after === undefined;
      data = { ...base, q: q.q, by: q.by, isFirstPage: first };
      if (q.q === '') {
        const after = q.after ? decodeCursor(q.after, keyCursor).k : null;
        const rows = await listArticlesNewest(db, after, PAGE_SIZE + 1);
        const shown = rows.slice(0, PAGE_SIZE);
        data.items = shown.map(itemOf);
        data.nextQuery = rows.length > PAGE_SIZE ? queryOf({ after: encodeCursor({ k: shown[shown.length - 1].key }) }) : null;
      } else if (q.by === 'id') {
        const after = q.after ? decodeCursor(q.after, idCursor).i : null;
        const rows = await listArticlesByIdPrefix(db, q.q, after, PAGE_SIZE + 1);
        const shown = rows.slice(0, PAGE_SIZE);
        data.items = shown.map(itemOf);
        data.nextQuery = rows.length > PAGE_SIZE ? queryOf({ q: q.q, by: 'id', after: encodeCursor({ i: shown[shown.length - 1].id }) }) : null;
      } else {
        const after: TitleCursor | null = q.after ? (({ t, k }) => ({ title: t, key: k }))(decodeCursor(q.after, titleCursor)) : null;
        if (first) {
          const exact = await findArticleById(db, q.q);
          data.exact = exact ? itemOf(exact) : null;
        }
        const found = await searchArticleTitles(db, q.q, after, TITLE_SCAN_BUDGET, PAGE_SIZE);
        data.items = found.items.map(itemOf);
        data.nextQuery = found.next ? queryOf({ q: q.q, by: 'title', after: encodeCursor({ t: found.next.title, k: found.next.key }) }) : null;
        data.searchedStretch = found.next && found.items.length < PAGE_SIZE ? TITLE_SCAN_BUDGET : null;
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      data = { ...base, error: error.message };
      res.status(400);
    }
    sendHtml(res, renderArticleSearch(ctx, data), res.statusCode);
  });

  router.get('/articles/:id', async (req, res) => {
    const ctx = contextOf(req, res, guard);
    const id = req.params.id;
    const article = id.length <= 1000 ? await findArticleById(db, id) : undefined;
    if (!article) throw new NotFoundError(`No owned article with id "${id.slice(0, 200)}"`, { id: id.slice(0, 200) });
    const q = parseForm(detailQuery, req.query, 'Article page');
    const before = q.before !== undefined ? Number(q.before) : null;
    const rows = await listArticleMatches(db, article.key, before, FOUND_PAGE_SIZE + 1);
    const shown = rows.slice(0, FOUND_PAGE_SIZE);
    const total = await countArticleMatchesUpTo(db, article.key, FOUND_COUNT_CAP);
    sendHtml(
      res,
      renderArticleDetail(ctx, {
        article: {
          ...itemOf(article),
          canonicalUrl: article.canonicalUrl,
          author: article.author,
          language: article.language,
          createdAt: article.createdAt,
          updatedAt: article.updatedAt,
          opening: article.body.slice(0, OPENING_CHARS),
          bodyChars: article.body.length,
        },
        found: shown.map((r) => ({ ...r, host: r.host ?? hostOf(r.pageUrl) })),
        foundCount: { total: Math.min(total, FOUND_COUNT_CAP), capped: total > FOUND_COUNT_CAP },
        nextQuery: rows.length > FOUND_PAGE_SIZE ? queryOf({ before: String(shown[shown.length - 1].matchId) }) : null,
        isFirstPage: before === null,
      }),
    );
  });

  return router;
}
