import { firstRow, returnedRow } from './dialect.ts';
import { and, count, desc, eq, inArray, isNull, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { articleFingerprints, articles, type ArticleRow, type NewArticleRow } from './schema/articles.ts';

export type { ArticleRow, NewArticleRow };

export type ArticleSummary = Omit<ArticleRow, 'body'>;

const summaryColumns = {
  key: articles.key,
  id: articles.id,
  url: articles.url,
  title: articles.title,
  bodySource: articles.bodySource,
  publishedAt: articles.publishedAt,
  author: articles.author,
  language: articles.language,
  section: articles.section,
  tags: articles.tags,
  credit: articles.credit,
  canonicalUrl: articles.canonicalUrl,
  archivedAt: articles.archivedAt,
  contentHash: articles.contentHash,
  createdAt: articles.createdAt,
  updatedAt: articles.updatedAt,
};

export async function findArticleById(db: Db, id: string): Promise<ArticleRow | undefined> {
  return firstRow(await db.select().from(articles).where(eq(articles.id, id)).limit(1));
}

/** Key and content hash of existing articles, to tell inserts, updates and unchanged records apart. */
export async function findArticleHashes(db: Db, ids: string[]): Promise<Map<string, { key: number; contentHash: string }>> {
  const found = new Map<string, { key: number; contentHash: string }>();
  if (ids.length === 0) return found;
  const rows = (await db
    .select({ key: articles.key, id: articles.id, contentHash: articles.contentHash })
    .from(articles)
    .where(inArray(articles.id, ids)));
  for (const row of rows) found.set(row.id, { key: row.key, contentHash: row.contentHash });
  return found;
}

export async function insertArticle(db: Db, row: NewArticleRow): Promise<number> {
  const inserted = returnedRow(await db.insert(articles).values(row).returning({ key: articles.key }));
  return inserted.key;
}

export async function updateArticle(db: Db, key: number, row: Omit<NewArticleRow, 'key' | 'createdAt'>): Promise<void> {
  await db.update(articles).set(row).where(eq(articles.key, key));
}

export async function deleteArticleByKey(db: Db, key: number): Promise<void> {
  await db.delete(articles).where(eq(articles.key, key));
}

/**
 * Archives an article: kept (its reports cite it) but no longer matched. updatedAt moves so other
 * processes notice the registry changed; the live-article count drops, so their index is rebuilt.
 */
export async function archiveArticleByKey(db: Db, key: number, now: string): Promise<void> {
  await db.update(articles).set({ archivedAt: now, updatedAt: now }).where(eq(articles.key, key));
}

export interface ListArticlesQuery {
  /** Text searched in titles (case-insensitive substring). */
  q?: string;
  limit: number;
  offset: number;
  /** Keyset paging: only the articles after this one in the list's order (newest published first, then key). */
  after?: ArticleListKey;
}

/** Where an article stands in the list's order; publishedAt null sorts last. */
export interface ArticleListKey {
  publishedAt: string | null;
  key: number;
}

/** The rows after `after` in (publishedAt DESC NULLS LAST, key DESC) order. */
function afterArticle(after: ArticleListKey): SQL | undefined {
  if (after.publishedAt === null) return and(isNull(articles.publishedAt), lt(articles.key, after.key));
  return or(lt(articles.publishedAt, after.publishedAt), and(eq(articles.publishedAt, after.publishedAt), lt(articles.key, after.key)), isNull(articles.publishedAt));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listArticles(db: Db, query: ListArticlesQuery): Promise<{ items: ArticleSummary[]; total: number }> {
  const where = query.q
    ? like(sql`lower(${articles.title})`, sql`${`%${escapeLike(query.q.toLowerCase())}%`} escape '\\'`)
    : undefined;
  const items = (await db
    .select(summaryColumns)
    .from(articles)
    .where(query.after ? and(where, afterArticle(query.after)) : where)
    // NULLS LAST spelled out: SQLite's default for DESC, PostgreSQL's is the opposite.
    .orderBy(sql`${articles.publishedAt} desc nulls last`, desc(articles.key))
    .limit(query.limit)
    .offset(query.offset));
  const total = firstRow(await db.select({ n: count() }).from(articles).where(where).limit(1))?.n ?? 0;
  return { items, total };
}

export async function countArticles(db: Db): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(articles).limit(1))?.n ?? 0;
}

/** Bodies of the given articles, for verifying candidate matches. */
export async function findArticleTexts(db: Db, keys: number[]): Promise<{ key: number; id: string; title: string; body: string }[]> {
  if (keys.length === 0) return [];
  return (await db
    .select({ key: articles.key, id: articles.id, title: articles.title, body: articles.body })
    .from(articles)
    .where(inArray(articles.key, keys)));
}

export interface StoredFingerprints {
  version: number;
  method: string;
  blob: Buffer;
}

export async function upsertArticleFingerprints(db: Db, articleKey: number, fp: StoredFingerprints): Promise<void> {
  const values = { version: fp.version, method: fp.method, passages: fp.blob };
  await db.insert(articleFingerprints)
    .values({ articleKey, ...values })
    .onConflictDoUpdate({ target: articleFingerprints.articleKey, set: values });
}

/** Every stored fingerprint blob, in key order, a page at a time (a million rows do not fit one array comfortably). */
export async function* iterateArticleFingerprints(
  db: Db,
  pageSize = 10_000,
): AsyncGenerator<{ articleKey: number; version: number; passages: Buffer }> {
  let after = 0;
  for (;;) {
    // Archived articles keep their row (reports cite them) but are not matched any more.
    const rows = (await db
      .select({ articleKey: articleFingerprints.articleKey, version: articleFingerprints.version, passages: articleFingerprints.passages })
      .from(articleFingerprints)
      .innerJoin(articles, eq(articles.key, articleFingerprints.articleKey))
      .where(and(sql`${articleFingerprints.articleKey} > ${after}`, isNull(articles.archivedAt)))
      .orderBy(articleFingerprints.articleKey)
      .limit(pageSize));
    if (rows.length === 0) return;
    yield* rows;
    after = rows[rows.length - 1].articleKey;
  }
}

/** Articles whose stored fingerprints are missing or were made by another method or settings. */
export async function findArticlesNeedingFingerprints(db: Db, method: string, limit: number): Promise<{ key: number; body: string }[]> {
  return (await db
    .select({ key: articles.key, body: articles.body })
    .from(articles)
    .leftJoin(articleFingerprints, eq(articleFingerprints.articleKey, articles.key))
    .where(and(isNull(articles.archivedAt), sql`(${articleFingerprints.articleKey} is null or ${articleFingerprints.method} <> ${method})`))
    .limit(limit));
}

/**
 * A cheap summary of the registry's state: when it changes, another process changed articles.
 * `count` counts live (not archived) articles, the ones the index holds.
 */
export async function readArticlesRevision(db: Db): Promise<{ count: number; lastUpdatedAt: string | null }> {
  const row = firstRow(await db
    .select({ n: sql<number>`coalesce(sum(case when ${articles.archivedAt} is null then 1 else 0 end), 0)`, last: sql<string | null>`max(${articles.updatedAt})` })
    .from(articles).limit(1));
  return { count: row?.n ?? 0, lastUpdatedAt: row?.last ?? null };
}

/** Fingerprints of articles updated after the given time (another process's import). */
export async function findFingerprintsUpdatedAfter(db: Db, after: string): Promise<{ articleKey: number; version: number; passages: Buffer }[]> {
  return (await db
    .select({ articleKey: articleFingerprints.articleKey, version: articleFingerprints.version, passages: articleFingerprints.passages })
    .from(articleFingerprints)
    .innerJoin(articles, eq(articles.key, articleFingerprints.articleKey))
    .where(and(sql`${articles.updatedAt} > ${after}`, isNull(articles.archivedAt))));
}

export async function findArticleByKey(db: Db, key: number): Promise<ArticleRow | undefined> {
  return firstRow(await db.select().from(articles).where(eq(articles.key, key)).limit(1));
}
