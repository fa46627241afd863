import { and, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { firstRow, queryRows, sqlContainsFolded, sqlIndexedBy } from './dialect.ts';
import type { Db } from './open-db.ts';
import { articles } from './schema/articles.ts';
import { matchDecisions, matches, pages } from './schema/matches.ts';
import { reports } from './schema/reports.ts';

/**
 * The owned-articles pages' queries, each answered from an index in time that does not grow with
 * the registry: newest first by key (the primary key), id prefix (the unique index on id), and
 * title text by a bounded walk of articles_title_idx (the registry has no full-text index; see
 * searchArticleTitles). Bodies are never read for a list.
 */

/** An article as lists show it (no body). */
export interface ArticleListRow {
  key: number;
  id: string;
  url: string;
  title: string;
  publishedAt: string | null;
  section: string | null;
  tags: string[] | null;
  credit: string | null;
  archivedAt: string | null;
}

const listColumns = {
  key: articles.key,
  id: articles.id,
  url: articles.url,
  title: articles.title,
  publishedAt: articles.publishedAt,
  section: articles.section,
  tags: articles.tags,
  credit: articles.credit,
  archivedAt: articles.archivedAt,
};

/** The most recently registered articles (highest key first), after `beforeKey` when given. */
export async function listArticlesNewest(db: Db, beforeKey: number | null, limit: number): Promise<ArticleListRow[]> {
  return (await db
    .select(listColumns)
    .from(articles)
    .where(beforeKey !== null ? lt(articles.key, beforeKey) : undefined)
    .orderBy(desc(articles.key))
    .limit(limit));
}

// Above every character in UTF-8 byte order (SQLite's BINARY collation): the end of a prefix range.
const PREFIX_END = '\u{10FFFF}';

/** Articles whose id starts with `prefix` (case as given), in id order, after `afterId` when given. */
export async function listArticlesByIdPrefix(db: Db, prefix: string, afterId: string | null, limit: number): Promise<ArticleListRow[]> {
  const where: SQL[] = [gte(articles.id, prefix), lt(articles.id, prefix + PREFIX_END)];
  if (afterId !== null) where.push(gt(articles.id, afterId));
  return (await db.select(listColumns).from(articles).where(and(...where)).orderBy(articles.id).limit(limit));
}

/** Where a title search goes on: the (title, key) of the last title looked at. */
export interface TitleCursor {
  title: string;
  key: number;
}

/**
 * Articles whose title contains `needle` (ASCII letters compared case-insensitively, as SQLite's
 * lower() folds only those), in title order. At most `budget` titles are looked at per call, on
 * articles_title_idx alone (title and key, no table rows), so a rare word costs the same bounded
 * time as a common one; `next` says where to go on (null: every title was looked at).
 */
export async function searchArticleTitles(db: Db, needle: string, after: TitleCursor | null, budget: number, limit: number): Promise<{ items: ArticleListRow[]; next: TitleCursor | null }> {
  const from = after ? sql`where (${articles.title}, ${articles.key}) > (${after.title}, ${after.key})` : sql``;
  const scan = sql`select ${articles.key} as key, ${articles.title} as title from ${articles} ${sqlIndexedBy(db, 'articles_title_idx')} ${from} order by ${articles.title}, ${articles.key} limit ${budget}`;
  const hits = await queryRows<{ key: number; title: string }>(db, sql`select key, title from (${scan}) as scan where ${sqlContainsFolded(db, sql.identifier('title'), needle.toLowerCase())} limit ${limit + 1}`);
  let next: TitleCursor | null = null;
  if (hits.length > limit) {
    next = { title: hits[limit - 1].title, key: hits[limit - 1].key };
  } else {
    // Fewer hits than a page: the walk used its whole budget (go on after its last title),
    // unless the index ended first.
    const last = firstRow(await queryRows<{ key: number; title: string }>(db, sql`select key, title from (${scan}) as scan limit 1 offset ${budget - 1}`));
    if (last) next = { title: last.title, key: last.key };
  }
  const shown = hits.slice(0, limit).map((h) => h.key);
  if (shown.length === 0) return { items: [], next };
  const rows = new Map((await db.select(listColumns).from(articles).where(inArray(articles.key, shown))).map((r) => [r.key, r]));
  return { items: shown.flatMap((k) => rows.get(k) ?? []), next };
}

/** Where an owned article was found: one row per page (newest match first). */
export interface ArticleMatchRow {
  matchId: number;
  pageUrl: string;
  pageTitle: string;
  kind: string;
  coverage: number;
  copiedWords: number;
  firstSeenAt: string;
  lastSeenAt: string;
  decision: string | null;
  reasons: string[] | null;
  reportId: number | null;
  reportStatus: string | null;
  host: string | null;
}

/** The article's matches, newest first (matches_article_idx holds the key and the id), before `beforeMatchId` when given. */
export async function listArticleMatches(db: Db, articleKey: number, beforeMatchId: number | null, limit: number): Promise<ArticleMatchRow[]> {
  const where: SQL[] = [eq(matches.articleKey, articleKey)];
  if (beforeMatchId !== null) where.push(lt(matches.id, beforeMatchId));
  return (await db
    .select({
      matchId: matches.id,
      pageUrl: pages.url,
      pageTitle: pages.title,
      kind: matches.kind,
      coverage: matches.coverage,
      copiedWords: matches.copiedWords,
      firstSeenAt: matches.firstSeenAt,
      lastSeenAt: matches.lastSeenAt,
      decision: matchDecisions.decision,
      reasons: matchDecisions.reasons,
      reportId: reports.id,
      reportStatus: reports.status,
      host: reports.host,
    })
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .leftJoin(matchDecisions, eq(matchDecisions.matchId, matches.id))
    .leftJoin(reports, and(eq(reports.pageId, matches.pageId), eq(reports.articleKey, matches.articleKey)))
    .where(and(...where))
    .orderBy(desc(matches.id))
    .limit(limit));
}

/** How many pages the article was found on, counted up to `cap` (more reads as "more than cap"). */
export async function countArticleMatchesUpTo(db: Db, articleKey: number, cap: number): Promise<number> {
  const capped = sql`select 1 from ${matches} where ${matches.articleKey} = ${articleKey} limit ${cap + 1}`;
  return Number(firstRow(await queryRows<{ n: number }>(db, sql`select count(*) as n from (${capped}) as capped`))?.n ?? 0);
}
