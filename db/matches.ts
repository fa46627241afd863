import { and, count, desc, eq, gt, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './open-db.ts';
import { prepared } from './prepared.ts';
import { articles } from './schema/articles.ts';
import { matches, pages, rechecks, type DecisionDetailRow, type MatchRow, type PageRow, type PageSignalsRow, type RecheckOutcome, type RecheckRow } from './schema/matches.ts';

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

export function findPageByUrl(db: Db, url: string): PageRow | undefined {
  return prepared(db, 'findPageByUrl', (d) => d.select().from(pages).where(eq(pages.url, sql.placeholder('url'))).prepare()).get({ url });
}

/** Newest change to the owned-article registry (ISO time), or null when it is empty. */
export function readRegistryChangedAt(db: Db): string | null {
  return prepared(db, 'readRegistryChangedAt', (d) => d.select({ last: sql<string | null>`max(${articles.updatedAt})` }).from(articles).prepare()).get()?.last ?? null;
}

/** Inserts or refreshes a page row just matched; returns its id. */
export function upsertPage(
  db: Db,
  page: { url: string; title: string; textHash: string; captureId: number | null; rhost?: string | null; signals?: PageSignalsRow | null },
  now: string,
): number {
  const set = {
    title: page.title,
    textHash: page.textHash,
    captureId: page.captureId,
    lastSeenAt: now,
    matchedAt: now,
    ...(page.rhost !== undefined ? { rhost: page.rhost } : {}),
    ...(page.signals !== undefined ? { signals: page.signals } : {}),
  };
  const row = db
    .insert(pages)
    .values({ ...page, firstSeenAt: now, lastSeenAt: now, matchedAt: now })
    .onConflictDoUpdate({ target: pages.url, set })
    .returning({ id: pages.id })
    .get();
  return row.id;
}

/**
 * Stores the matches found on a page: new (page, article) pairs are inserted, known ones get the
 * new figures and lastSeenAt. Returns how many pairs were new.
 */
export function upsertMatches(db: Db, pageId: number, found: readonly MatchFigures[], captureId: number | null, now: string): number {
  if (found.length === 0) return 0;
  const before = new Set(
    db
      .select({ articleKey: matches.articleKey })
      .from(matches)
      .where(and(eq(matches.pageId, pageId), inArray(matches.articleKey, found.map((m) => m.articleKey))))
      .all()
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
    db.insert(matches)
      .values({ pageId, articleKey: m.articleKey, ...figures, flagged: false, firstSeenAt: now, lastSeenAt: now })
      .onConflictDoUpdate({ target: [matches.pageId, matches.articleKey], set: { ...figures, lastSeenAt: now } })
      .run();
  }
  return found.filter((m) => !before.has(m.articleKey)).length;
}

/** The page was seen again with the same text: its matches are still there. */
export function touchPage(db: Db, pageId: number, now: string): void {
  db.update(pages).set({ lastSeenAt: now }).where(eq(pages.id, pageId)).run();
  db.update(matches).set({ lastSeenAt: now }).where(eq(matches.pageId, pageId)).run();
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
  decision: MatchRow['decision'];
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
  decision: matches.decision,
  reasons: matches.reasons,
  consentId: matches.consentId,
  firstSeen: matches.firstSeenAt,
  lastSeen: matches.lastSeenAt,
};

function matchFilters(q: Omit<ListMatchesQuery, 'limit' | 'offset'>): SQL | undefined {
  const where: SQL[] = [];
  if (q.articleId !== undefined) where.push(eq(articles.id, q.articleId));
  if (q.kind !== undefined) where.push(eq(matches.kind, q.kind));
  if (q.pageUrl !== undefined) where.push(eq(pages.url, q.pageUrl));
  if (q.since !== undefined) where.push(gte(matches.lastSeenAt, q.since));
  if (q.flagged !== undefined) where.push(eq(matches.flagged, q.flagged));
  return where.length > 0 ? and(...where) : undefined;
}

/** Stored matches, most recently seen first, with the page URL and the article's own id. */
export function listMatches(db: Db, q: ListMatchesQuery): { items: MatchListItem[]; total: number } {
  const where = matchFilters(q);
  const items = db
    .select(listColumns)
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .innerJoin(articles, eq(articles.key, matches.articleKey))
    .where(where)
    .orderBy(desc(matches.lastSeenAt), desc(matches.id))
    .limit(q.limit)
    .offset(q.offset)
    .all();
  const total =
    db
      .select({ n: count() })
      .from(matches)
      .innerJoin(pages, eq(pages.id, matches.pageId))
      .innerJoin(articles, eq(articles.key, matches.articleKey))
      .where(where)
      .get()?.n ?? 0;
  return { items, total };
}

export function findMatchById(db: Db, id: number): MatchListItem | undefined {
  return db
    .select(listColumns)
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .innerJoin(articles, eq(articles.key, matches.articleKey))
    .where(eq(matches.id, id))
    .get();
}

export function setMatchFlagged(db: Db, id: number, flagged: boolean): boolean {
  return db.update(matches).set({ flagged }).where(eq(matches.id, id)).run().changes > 0;
}

/** Flagged matches of a page, by page URL (a watch source re-checks them). */
export function findFlaggedMatchesForUrl(db: Db, url: string): { id: number; articleKey: number; articleId: string }[] {
  return db
    .select({ id: matches.id, articleKey: matches.articleKey, articleId: articles.id })
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .innerJoin(articles, eq(articles.key, matches.articleKey))
    .where(and(eq(pages.url, url), eq(matches.flagged, true)))
    .all();
}

/** URLs of all pages with a flagged match. */
export function listFlaggedPageUrls(db: Db): string[] {
  return db
    .selectDistinct({ url: pages.url })
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .where(eq(matches.flagged, true))
    .all()
    .map((r) => r.url);
}

export function insertRecheck(
  db: Db,
  row: { matchId: number | null; url: string; checkedAt: string; outcome: RecheckOutcome; httpStatus: number | null; captureId: number | null },
): number {
  return db.insert(rechecks).values(row).returning({ id: rechecks.id }).get().id;
}

export function listRechecks(db: Db, q: { matchId?: number; url?: string; limit: number }): RecheckRow[] {
  const where: SQL[] = [];
  if (q.matchId !== undefined) where.push(eq(rechecks.matchId, q.matchId));
  if (q.url !== undefined) where.push(eq(rechecks.url, q.url));
  return db
    .select()
    .from(rechecks)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(rechecks.checkedAt), desc(rechecks.id))
    .limit(q.limit)
    .all();
}

/** Matches found on the given page URLs (a source's health: matches found through it). */
export function countMatchesForPageUrls(db: Db, sourcePagesQuery: SQL): number {
  return db.select({ n: count() }).from(matches).innerJoin(pages, eq(pages.id, matches.pageId)).where(sql`${pages.url} in (${sourcePagesQuery})`).get()?.n ?? 0;
}

/** Stores a match's rights decision with the inputs it was made from. */
export function setMatchDecision(
  db: Db,
  matchId: number,
  d: { decision: NonNullable<MatchRow['decision']>; reasons: string[]; consentId: number | null; detail: DecisionDetailRow; decidedAt: string },
): void {
  db.update(matches).set({ decision: d.decision, reasons: d.reasons, consentId: d.consentId, decisionDetail: d.detail, decidedAt: d.decidedAt }).where(eq(matches.id, matchId)).run();
}

/** A stored match with everything its rights decision reads (page signals, article terms). */
export interface MatchForDecision {
  matchId: number;
  pageId: number;
  pageUrl: string;
  rhost: string | null;
  textHash: string;
  signals: PageSignalsRow | null;
  pageFirstSeenAt: string;
  articleKey: number;
  articleId: string;
  articleUrl: string;
  articleCanonicalUrl: string | null;
  articlePublishedAt: string | null;
  section: string | null;
  tags: string[] | null;
  credit: string | null;
  kind: MatchRow['kind'];
  coverage: number;
  copiedWords: number;
  captureId: number | null;
  decision: MatchRow['decision'];
  reasons: string[] | null;
  consentId: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

const decisionColumns = {
  matchId: matches.id,
  pageId: pages.id,
  pageUrl: pages.url,
  rhost: pages.rhost,
  textHash: pages.textHash,
  signals: pages.signals,
  pageFirstSeenAt: pages.firstSeenAt,
  articleKey: articles.key,
  articleId: articles.id,
  articleUrl: articles.url,
  articleCanonicalUrl: articles.canonicalUrl,
  articlePublishedAt: articles.publishedAt,
  section: articles.section,
  tags: articles.tags,
  credit: articles.credit,
  kind: matches.kind,
  coverage: matches.coverage,
  copiedWords: matches.copiedWords,
  captureId: matches.captureId,
  decision: matches.decision,
  reasons: matches.reasons,
  consentId: matches.consentId,
  firstSeenAt: matches.firstSeenAt,
  lastSeenAt: matches.lastSeenAt,
};

function selectForDecision(db: Db) {
  return db.select(decisionColumns).from(matches).innerJoin(pages, eq(pages.id, matches.pageId)).innerJoin(articles, eq(articles.key, matches.articleKey));
}

export function findMatchesOfPageForDecision(db: Db, pageId: number): MatchForDecision[] {
  return selectForDecision(db).where(eq(matches.pageId, pageId)).all();
}

/**
 * Matches on pages whose reversed host lies in one of the ranges (a place's host, with or
 * without its sub-domains), plus those whose decision named one of the consents.
 */
export function findMatchesForDecisionByHosts(db: Db, ranges: { from: string; to: string; exact: string }[], consentIds: number[] = []): MatchForDecision[] {
  const conditions: SQL[] = ranges.map((r) => (r.from === r.to ? eq(pages.rhost, r.exact) : and(gte(pages.rhost, r.from), lt(pages.rhost, r.to))!));
  if (consentIds.length > 0) conditions.push(inArray(matches.consentId, consentIds));
  if (conditions.length === 0) return [];
  return selectForDecision(db).where(or(...conditions)).orderBy(matches.id).all();
}

/** Every stored match (a full re-decision, e.g. after the owner sites set in config changed). */
export function findAllMatchesForDecision(db: Db, afterId: number, limit: number): MatchForDecision[] {
  return selectForDecision(db).where(gt(matches.id, afterId)).orderBy(matches.id).limit(limit).all();
}

/** Pages stored before hosts were recorded: filled in once (migration 0009 added the column). */
export function listPagesWithoutHost(db: Db, limit: number): { id: number; url: string }[] {
  return db.select({ id: pages.id, url: pages.url }).from(pages).where(isNull(pages.rhost)).limit(limit).all();
}

export function setPageHost(db: Db, pageId: number, rhost: string): void {
  db.update(pages).set({ rhost }).where(eq(pages.id, pageId)).run();
}

/** The article fields a decision reads, for matches that are not stored. */
export function findArticlesForDecision(db: Db, keys: number[]) {
  if (keys.length === 0) return [];
  return db
    .select({ key: articles.key, id: articles.id, url: articles.url, canonicalUrl: articles.canonicalUrl, publishedAt: articles.publishedAt, section: articles.section, tags: articles.tags, credit: articles.credit })
    .from(articles)
    .where(inArray(articles.key, keys))
    .all();
}

/** How a match's decision was made (inputs and steps), or undefined when it was never decided. */
export function findMatchDecisionDetail(db: Db, matchId: number): DecisionDetailRow | undefined {
  return db.select({ detail: matches.decisionDetail }).from(matches).where(eq(matches.id, matchId)).get()?.detail ?? undefined;
}
