import { dialectOf, executeStatement, firstRow } from './dialect.ts';
import { and, eq, gt, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { appendCustodyEntry, digestRecord, type NewCustodyEntry } from './custody-log.ts';
import { JsonText, placeholders, preparedWrite } from './prepared.ts';
import { reports, type ReportRow } from './schema/reports.ts';
import type { Db } from './open-db.ts';
import { articles } from './schema/articles.ts';
import { matchDecisions, matches, pages, type DecisionDetailRow, type MatchDecisionRow, type MatchRow, type PageSignalsRow } from './schema/matches.ts';

/**
 * The rights side of the matches table: what a decision reads (the match with its page's signals
 * and its article's terms) and where it is stored. Pages' host keys live here too: a consent
 * change finds the matches it touches through them.
 */

/**
 * What a decision's custody entry vouches for: the stored row, field for field, its detail as the
 * JSON text stored. Exported so the evidence package carries exactly the object that was hashed.
 */
export function decisionRecordOf(matchId: number, d: { decision: MatchDecisionRow['decision']; reasons: string[]; consentId: number | null; detail: DecisionDetailRow | string; decidedAt: string }) {
  const detailJson = typeof d.detail === 'string' ? d.detail : JSON.stringify(d.detail);
  // Keys in code-unit order: canonical JSON is then plain JSON.stringify (db/custody-log.ts).
  return { consentId: d.consentId, decidedAt: d.decidedAt, decision: d.decision, detailJson, matchId, reasons: d.reasons };
}

export type MatchDecisionWrite = { decision: MatchDecisionRow['decision']; reasons: string[]; consentId: number | null; detail: DecisionDetailRow; decidedAt: string };

/** Stores a match's rights decision with the inputs it was made from, and logs it (custody log). */
export async function setMatchDecision(db: Db, matchId: number, d: MatchDecisionWrite): Promise<void> {
  // Logged here, where every decision is written, so no path can store one unlogged.
  const detailJson = JSON.stringify(d.detail);
  const custodyIndex = await appendCustodyEntry(db, decisionCustodyEntry(matchId, d, detailJson));
  await storeMatchDecisions(db, [{ matchId, d, detailJson, custodyIndex }]);
}

/** The custody entry of a decision (what setMatchDecision logs before storing it); `detailJson` is JSON.stringify(d.detail). */
export function decisionCustodyEntry(matchId: number, d: MatchDecisionWrite, detailJson: string): NewCustodyEntry {
  return { type: 'decision', refId: matchId, at: d.decidedAt, sha256: digestRecord(decisionRecordOf(matchId, { ...d, detail: detailJson })) };
}

/**
 * Stores decisions already logged at `custodyIndex` (decisionCustodyEntry): only for a writer
 * that logged them in the same transaction (src/decision-batch.ts). A match given twice keeps
 * the last, as storing them one after the other would.
 */
export async function storeMatchDecisions(db: Db, items: readonly { matchId: number; d: MatchDecisionWrite; detailJson: string; custodyIndex: number }[]): Promise<void> {
  if (items.length === 0) return;
  if (dialectOf(db) === 'pg') {
    const last = new Map(items.map((item) => [item.matchId, item]));
    // The detail is stored as the text that was hashed (decisionRecordOf's detailJson).
    const rows = [...last.values()].map(({ matchId, d, detailJson, custodyIndex }) => ({ match_id: matchId, decision: d.decision, reasons: JSON.stringify(d.reasons), consent_id: d.consentId, detail: detailJson, decided_at: d.decidedAt, custody_index: custodyIndex }));
    await executeStatement(
      db,
      sql`insert into ${matchDecisions} (match_id, decision, reasons, consent_id, detail, decided_at, custody_index)
          select x.match_id, x.decision, x.reasons::json, x.consent_id, x.detail::json, x.decided_at, x.custody_index
          from json_to_recordset(${JSON.stringify(rows)}::json) as x(match_id integer, decision text, reasons text, consent_id integer, detail text, decided_at text, custody_index bigint)
          on conflict (match_id) do update set decision = excluded.decision, reasons = excluded.reasons, consent_id = excluded.consent_id,
            detail = excluded.detail, decided_at = excluded.decided_at, custody_index = excluded.custody_index`,
    );
    return;
  }
  // Prepared once per connection: a consent change re-decides thousands of matches in a row.
  const values = placeholders('decision', 'reasons', 'consentId', 'detail', 'decidedAt', 'custodyIndex');
  const run = preparedWrite(db, 'setMatchDecision', (c) =>
    c
      .insert(matchDecisions)
      .values({ ...placeholders('matchId'), ...values })
      .onConflictDoUpdate({ target: matchDecisions.matchId, set: values }),
  );
  for (const { matchId, d, detailJson, custodyIndex } of items) await run({ matchId, ...d, detail: new JsonText(detailJson), custodyIndex });
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
  decision: MatchDecisionRow['decision'] | null;
  reasons: string[] | null;
  consentId: number | null;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The report on this (page, article), when there is one: read in the same query, not per match. */
  report: ReportRow | null;
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
  decision: matchDecisions.decision,
  reasons: matchDecisions.reasons,
  consentId: matchDecisions.consentId,
  firstSeenAt: matches.firstSeenAt,
  lastSeenAt: matches.lastSeenAt,
};

function selectForDecision(db: Db) {
  return db
    .select({ ...decisionColumns, report: reports })
    .from(matches)
    .innerJoin(pages, eq(pages.id, matches.pageId))
    .innerJoin(articles, eq(articles.key, matches.articleKey))
    .leftJoin(matchDecisions, eq(matchDecisions.matchId, matches.id))
    .leftJoin(reports, and(eq(reports.pageId, matches.pageId), eq(reports.articleKey, matches.articleKey)));
}

export async function findMatchesOfPageForDecision(db: Db, pageId: number): Promise<MatchForDecision[]> {
  return await selectForDecision(db).where(eq(matches.pageId, pageId));
}

/**
 * Ids of the matches on pages whose reversed host lies in one of the ranges (a place's host, with
 * or without its sub-domains), plus those whose decision named one of the consents; ascending.
 * Read from indexes alone: the rows themselves are read a chunk at a time by the caller.
 */
export async function findMatchIdsByHosts(db: Db, ranges: { from: string; to: string; exact: string }[], consentIds: number[] = []): Promise<number[]> {
  const byHost: SQL[] = ranges.map((r) => (r.from === r.to ? eq(pages.rhost, r.exact) : and(gte(pages.rhost, r.from), lt(pages.rhost, r.to))!));
  // Two queries, not one OR: each uses its own index (pages by host, decisions by consent), where
  // the OR made SQLite scan every match.
  const ids = new Set<number>();
  if (byHost.length > 0) {
    for (const row of (await db.select({ id: matches.id }).from(pages).innerJoin(matches, eq(matches.pageId, pages.id)).where(or(...byHost)))) ids.add(row.id);
  }
  if (consentIds.length > 0) for (const row of (await db.select({ id: matchDecisions.matchId }).from(matchDecisions).where(inArray(matchDecisions.consentId, consentIds)))) ids.add(row.id);
  return [...ids].sort((x, y) => x - y);
}

/** The matches with these ids, with everything their decisions read, in id order. */
export async function findMatchesForDecisionByIds(db: Db, ids: readonly number[]): Promise<MatchForDecision[]> {
  if (ids.length === 0) return [];
  return await selectForDecision(db).where(inArray(matches.id, [...ids])).orderBy(matches.id);
}

/** Every stored match (a full re-decision, e.g. after the owner sites set in config changed). */
export async function findAllMatchesForDecision(db: Db, afterId: number, limit: number): Promise<MatchForDecision[]> {
  return await selectForDecision(db).where(gt(matches.id, afterId)).orderBy(matches.id).limit(limit);
}

/** Pages stored before hosts were recorded: filled in once (migration 0009 added the column). */
export async function listPagesWithoutHost(db: Db, limit: number): Promise<{ id: number; url: string }[]> {
  return (await db.select({ id: pages.id, url: pages.url }).from(pages).where(isNull(pages.rhost)).limit(limit));
}

export async function setPageHost(db: Db, pageId: number, rhost: string): Promise<void> {
  await db.update(pages).set({ rhost }).where(eq(pages.id, pageId));
}

/** The article fields a decision reads, for matches that are not stored. */
export async function findArticlesForDecision(db: Db, keys: number[]) {
  if (keys.length === 0) return [];
  return (await db
    .select({ key: articles.key, id: articles.id, url: articles.url, canonicalUrl: articles.canonicalUrl, publishedAt: articles.publishedAt, section: articles.section, tags: articles.tags, credit: articles.credit })
    .from(articles)
    .where(inArray(articles.key, keys)));
}

/**
 * How a match's decision was made (inputs and steps), or undefined when it was never decided.
 * `signals` are those of the consent decided on: stored inside `considered`, put back here.
 */
export async function findMatchDecisionDetail(db: Db, matchId: number): Promise<DecisionDetailRow | undefined> {
  const row = firstRow(await db.select({ detail: matchDecisions.detail, consentId: matchDecisions.consentId }).from(matchDecisions).where(eq(matchDecisions.matchId, matchId)).limit(1));
  if (!row?.detail) return undefined;
  if (row.detail.signals) return row.detail;
  const decidedOn = (row.detail.considered as { consentId?: number; signals?: unknown[] }[]).find((c) => c.consentId === row.consentId);
  return { ...row.detail, signals: decidedOn?.signals ?? [] };
}

/** One page of stored decisions by match id (a walk over them: `log verify`). */
export async function listDecisionsAfter(db: Db, afterMatchId: number, limit: number): Promise<MatchDecisionRow[]> {
  return (await db.select().from(matchDecisions).where(gt(matchDecisions.matchId, afterMatchId)).orderBy(matchDecisions.matchId).limit(limit));
}

/** A match's stored decision row as it stands (what its latest custody entry vouches for). */
export async function findDecisionRow(db: Db, matchId: number): Promise<MatchDecisionRow | undefined> {
  return firstRow(await db.select().from(matchDecisions).where(eq(matchDecisions.matchId, matchId)).limit(1));
}
