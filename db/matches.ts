import { changedRows, firstRow, returnedRow } from './dialect.ts';
import { and, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { prepared } from './prepared.ts';
import { articles } from './schema/articles.ts';
import { matchDecisions, matches, pages, rechecks, type MatchDecisionRow, type MatchRow, type PageRow, type PageSignalsRow, type RecheckOutcome, type RecheckRow } from './schema/matches.ts';

/** Queries for pages, stored matches and re-checks. Plain drizzle, no SQLite-only SQL. */

export type { MatchRow, PageRow, RecheckRow };

export interface MatchFigures {
  articleKey: number;
  kind: MatchRow['kind'];
  coverage: number;
  pageShare: number;
  copiedWords: number;
  longestRun: number;
  passages: MatchRow['passages'];
}

export async function findPageByUrl(db: Db, url: string): Promise<PageRow | undefined> {
  return (await prepared(db, 'findPageByUrl', (d) => d.select().from(pages).where(eq(pages.url, sql.placeholder('url')))).get({ url }));
}

/** Newest change to the owned-article registry (ISO time), or null when it is empty. */
export async function readRegistryChangedAt(db: Db): Promise<string | null> {
  return (await prepared(db, 'readRegistryChangedAt', (d) => d.select({ last: sql<string | null>`max(${articles.updatedAt})` }).from(articles)).get())?.last ?? null;
}

/** Inserts or refreshes a page row just matched; returns its id. */
export async function upsertPage(
  db: Db,
  page: { url: string; title: string; textHash: string; captureId: number | null; rhost?: string | null; signals?: PageSignalsRow | null },
  now: string,
): Promise<number> {
  const set = {
    title: page.title,
    textHash: page.textHash,
    captureId: page.captureId,
    lastSeenAt: now,
    matchedAt: now,
    ...(page.rhost !== undefined ? { rhost: page.rhost } : {}),
    ...(page.signals !== undefined ? { signals: page.signals } : {}),
  };
  const row = returnedRow(await db
    .insert(pages)
    .values({ ...page, firstSeenAt: now, lastSeenAt: now, matchedAt: now })
    .onConflictDoUpdate({ target: pages.url, set })
    .returning({ id: pages.id }));
  return row.id;
}

/**
 * Stores the matches found on a page: new (page, article) pairs are inserted, known ones get the
 * new figures and lastSeenAt. Returns how many pairs were new.
 */
export async function upsertMatches(db: Db, pageId: number, found: readonly MatchFigures[], captureId: number | null, now: string): Promise<number> {
  if (found.length === 0) return 0;
  const before = new Set(
    (await db
      .select({ articleKey: matches.articleKey })
      .from(matches)
      .where(and(eq(matches.pageId, pageId), inArray(matches.articleKey, found.map((m) => m.articleKey)))))
      .map((r) => r.articleKey),
  );
  for (const m of found) {
    const figures = {
      kind: m.kind,
      coverage: m.coverage,
      pageShare: m.pageShare,
      copiedWords: m.copiedWords,
      longestRun: m.longestRun,
      passages: m.passages,
      captureId,
    };
    await db.insert(matches)
      .values({ pageId, articleKey: m.articleKey, ...figures, flagged: false, firstSeenAt: now, lastSeenAt: now })
      .onConflictDoUpdate({ target: [matches.pageId, matches.articleKey], set: { ...figures, lastSeenAt: now } });
  }
  return found.filter((m) => !before.has(m.articleKey)).length;
}

/** The page was seen again with the same text: its matches are still there. */
export async function touchPage(db: Db, pageId: number, now: string): Promise<void> {
  await db.update(pages).set({ lastSeenAt: now }).where(eq(pages.id, pageId));
  await db.update(matches).set({ lastSeenAt: now }).where(eq(matches.pageId, pageId));
}

export interface ListMatchesQuery {
  articleId?: string;
  kind?: MatchRow['kind'];
  pageUrl?: string;
  /** Only matches seen at or after this ISO time. */
  since?: string;
  flagged?: boolean;
  limit: number;
  offset: number;
  /** Keyset paging: only the matches after this one in the list's order (lastSeen DESC, id DESC). */
  after?: { lastSeen: string; id: number };
}

export interface MatchListItem {
  id: number;
  pageUrl: string;
  pageTitle: string;
  articleId: string;
  kind: MatchRow['kind'];
  coverage: number;
  pageShare: number;
  copiedWords: number;
  longestRun: number;
  passages: MatchRow['passages'];
  captureId: number | null;
  flagged: boolean;
  decision: MatchDecisionRow['decision'] | null;
  reasons: string[] | null;
  consentId: number | null;
  firstSeen: string;
  lastSeen: string;
}

const listColumns = {
  id: matches.id,
  pageUrl: pages.url,
  pageTitle: pages.title,
  articleId: articles.id,
  kind: matches.kind,
  coverage: matches.coverage,
  pageShare: matches.pageShare,
  copiedWords: matches.copiedWords,
  longestRun: matches.longestRun,
  passages: matches.passages,
  captureId: matches.captureId,
  flagged: matches.flagged,
  decision: matchDecisions.decision,
  reasons: matchDecisions.reasons,
  consentId: matchDecisions.consentId,
  firstSeen: matches.firstSeenAt,
  lastSeen: matches.lastSeenAt,
};

function matchFilters(q: Omit<ListMatchesQuery, 'limit' | 'offset' | 'after'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.articleId !== undefined) where.push(eq(articles.id, q.articleId));
  if (q.kind !== undefined) where.push(eq(matches.kind, q.kind));
  if (q.pageUrl !== undefined) where.push(eq(pages.url, q.pageUrl));
  if (q.since !== undefined) where.push(gte(matches.lastSeenAt, q.since));
  if (q.flagged !== undefined) where.push(eq(matches.flagged, q.flagged));
  return where.length > 0 ? and(...where) : undefined;
}

/** Stored matches, most recently seen first, with the page URL and the article's own id. */
export async function listMatches(db: Db, q: ListMatchesQuery): Promise<{ items: MatchListItem[]; total: number }> {
  const where = matchFilters(q);
  const after = q.after ? or(lt(matches.lastSeenAt, q.after.lastSeen), and(eq(matches.lastSeenAt, q.after.lastSeen), lt(matches.id, q.after.id))) : undefined;
  const items = (await db
    .select(listColumns)
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .innerJoin(articles, eq(articles.key, matches.articleKey))
    .leftJoin(matchDecisions, eq(matchDecisions.matchId, matches.id))
    .where(after ? and(where, after) : where)
    .orderBy(desc(matches.lastSeenAt), desc(matches.id))
    .limit(q.limit)
    .offset(q.offset));
  const total =
    firstRow(await db
      .select({ n: count() })
      .from(matches)
      .innerJoin(pages, eq(pages.id, matches.pageId))
      .innerJoin(articles, eq(articles.key, matches.articleKey))
      .where(where).limit(1))?.n ?? 0;
  return { items, total };
}

export async function findMatchById(db: Db, id: number): Promise<MatchListItem | undefined> {
  return firstRow(await db
    .select(listColumns)
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .innerJoin(articles, eq(articles.key, matches.articleKey))
    .leftJoin(matchDecisions, eq(matchDecisions.matchId, matches.id))
    .where(eq(matches.id, id)).limit(1));
}

export async function setMatchFlagged(db: Db, id: number, flagged: boolean): Promise<boolean> {
  return changedRows(await db.update(matches).set({ flagged }).where(eq(matches.id, id))) > 0;
}

/** Flagged matches of a page, by page URL (a watch source re-checks them). */
export async function findFlaggedMatchesForUrl(db: Db, url: string): Promise<{ id: number; articleKey: number; articleId: string }[]> {
  return (await db
    .select({ id: matches.id, articleKey: matches.articleKey, articleId: articles.id })
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .innerJoin(articles, eq(articles.key, matches.articleKey))
    .where(and(eq(pages.url, url), eq(matches.flagged, true))));
}

/** URLs of all pages with a flagged match. */
export async function listFlaggedPageUrls(db: Db): Promise<string[]> {
  return (await db
    .selectDistinct({ url: pages.url })
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .where(eq(matches.flagged, true)))
    .map((r) => r.url);
}

export async function insertRecheck(
  db: Db,
  row: { matchId: number | null; url: string; checkedAt: string; outcome: RecheckOutcome; httpStatus: number | null; captureId: number | null },
): Promise<number> {
  return returnedRow(await db.insert(rechecks).values(row).returning({ id: rechecks.id })).id;
}

export async function listRechecks(db: Db, q: { matchId?: number; url?: string; limit: number }): Promise<RecheckRow[]> {
  const where: SQL[] = [];
  if (q.matchId !== undefined) where.push(eq(rechecks.matchId, q.matchId));
  if (q.url !== undefined) where.push(eq(rechecks.url, q.url));
  return (await db
    .select()
    .from(rechecks)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(rechecks.checkedAt), desc(rechecks.id))
    .limit(q.limit));
}

/** Matches found on the given page URLs (a source's health: matches found through it). */
export async function countMatchesForPageUrls(db: Db, sourcePagesQuery: SQL): Promise<number> {
  return firstRow(await db.select({ n: count() }).from(matches).innerJoin(pages, eq(pages.id, matches.pageId)).where(sql`${pages.url} in (${sourcePagesQuery})`).limit(1))?.n ?? 0;
}
