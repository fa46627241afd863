import type { Config } from '../config/index.ts';
import { listConsents, type ConsentWithLicensee } from '../db/consents.ts';
import { listLicensees } from '../db/licensees.ts';
import { findArticlesForDecision, listPagesWithoutHost, setPageHost, type MatchForDecision } from '../db/match-decisions.ts';
import { writeTransaction } from '../db/write-transaction.ts';
import type { PageSignalsRow } from '../db/schema/matches.ts';
import type { ExtractedArticle } from './extract/extract-article.ts';
import type { Db } from '../db/open-db.ts';
import { listOwnerSites } from '../db/owner-sites.ts';
import { listSources } from '../db/sources.ts';
import { appendReportEvent } from '../db/report-events.ts';
import { linkReportCapture } from '../db/report-captures.ts';
import { findReportIdsOfPage, findReportsForMatch, updateReport, type ReportRow } from '../db/reports.ts';
import { hasSameFigures } from '../db/report-decisions.ts';
import { addCaptureLink, addMatchDecision, addReport, addReportEvent, addReportSave, createDecisionBatch, storeDecisionBatch, type DecisionBatch } from './decision-batch.ts';
import { reverseHost } from '../db/host-key.ts';
import { decideMatch, type DecisionInput, type DecisionOutcome, type LicenseeSites } from './rights/decide.ts';
import { hostOfUrl } from './rights/places.ts';
import { REPORTABLE_DECISIONS, type Consent } from './rights/types.ts';
import { canTransition, REMOVABLE_STATUSES, REOPEN_ON_CHANGE_STATUSES, type ReportStatus } from './reports/status-flow.ts';

/**
 * Where a match's rights decision is made and stored, and where it turns into (or changes) an
 * infringement report. The pipeline calls it for every stored page; consent, licensee and
 * owner-site changes call it for the matches they touch. Always inside the caller's transaction.
 */

/** The rights state a decision reads: loaded once per page or per change, not per match. */
export interface RightsSnapshot {
  ownerSites: string[];
  licensees: LicenseeSites[];
  consents: Consent[];
}

/** Who and why, written into every history event a decision causes. */
export interface DecideContext {
  actor: string;
  why: string;
  now: string;
  /** What caused it (a consent id, a capture...), stored with the event. */
  cause?: Record<string, unknown>;
  /** A visit of the page (its capture joins the reports' evidence), not a re-decision. */
  pageVisit?: boolean;
}

/** Copyhound's own name in history events it writes (re-checks, crawls). */
export const SYSTEM_ACTOR = 'copyhound';

export function toConsent(row: ConsentWithLicensee): Consent {
  return { ...row, maxPercent: row.maxPercent ?? null, holdBackHours: row.holdBackHours ?? null };
}

/**
 * The hosts of the publisher's own feeds and sitemaps (sources added with --owner): their pages
 * are the publisher's own without anyone having to say so twice. A new user who adds the owner's
 * feed and then a sitemap of the same site must not get their own section fronts as reports.
 */
export async function listOwnerSourceSites(db: Db): Promise<string[]> {
  const hosts = new Set<string>();
  for (const source of await listSources(db)) {
    if (!source.isOwnerFeed) continue;
    for (const url of [source.url, ...(source.urls ?? [])]) {
      const host = url ? hostOfUrl(url) : null;
      if (host) hosts.add(host);
    }
  }
  return [...hosts];
}

export async function loadRightsSnapshot(db: Db, config: Pick<Config['rights'], 'ownerSites'>): Promise<RightsSnapshot> {
  const stored = (await listOwnerSites(db)).map((s) => s.place);
  return {
    ownerSites: [...new Set([...config.ownerSites, ...stored, ...await listOwnerSourceSites(db)])],
    licensees: (await listLicensees(db)).map((l) => ({ id: l.id, name: l.name, places: l.places })),
    consents: (await listConsents(db)).map(toConsent),
  };
}

/** Reversed host of a page URL for the pages table (null for a URL without an http host). */
export function pageRhostOf(url: string): string | null {
  const host = hostOfUrl(url);
  return host ? reverseHost(host) : null;
}

function decisionInputOf(row: MatchForDecision, rights: RightsSnapshot): DecisionInput {
  const s = row.signals;
  return {
    match: { kind: row.kind, copiedWords: row.copiedWords, coverage: row.coverage },
    article: {
      id: row.articleId,
      url: row.articleUrl,
      canonicalUrl: row.articleCanonicalUrl,
      publishedAt: row.articlePublishedAt,
      section: row.section,
      tags: row.tags ?? [],
      credit: row.credit,
    },
    page: {
      url: row.pageUrl,
      canonicalUrl: s?.canonicalUrl ?? null,
      credits: s?.credits ?? [],
      author: s?.author ?? null,
      siteName: s?.siteName ?? null,
      links: s?.links ?? [],
      publishedAt: s?.publishedAt ?? null,
      firstSeenAt: row.firstSeenAt,
    },
    ownerSites: rights.ownerSites,
    licensees: rights.licensees,
    consents: rights.consents,
    at: row.lastSeenAt,
  };
}

// Links are evidence for the link-back duty; a page with thousands (a link farm) keeps the first ones.
const MAX_STORED_LINKS = 500;
const MAX_STORED_CREDITS = 50;

/** What a decision needs from the extracted page, as stored with the page. */
export function pageSignalsOf(article: ExtractedArticle): PageSignalsRow {
  return {
    canonicalUrl: article.canonicalUrl,
    credits: article.credits.slice(0, MAX_STORED_CREDITS),
    author: article.author,
    siteName: article.siteName,
    links: [...new Set(article.links.map((l) => l.href))].slice(0, MAX_STORED_LINKS),
    publishedAt: article.publishedAt,
  };
}

/** Decisions for matches that are not stored (a local file or HTML given to `check`): nothing is written. */
export async function decideUnstored(
  db: Db,
  config: Pick<Config['rights'], 'ownerSites'>,
  page: { url: string; signals: PageSignalsRow; seenAt: string },
  found: readonly { articleKey: number; kind: MatchForDecision['kind']; coverage: number; copiedWords: number }[],
): Promise<Map<number, DecisionOutcome>> {
  const outcomes = new Map<number, DecisionOutcome>();
  if (found.length === 0) return outcomes;
  const rights = await loadRightsSnapshot(db, config);
  const articles = new Map((await findArticlesForDecision(db, found.map((f) => f.articleKey))).map((a) => [a.key, a]));
  for (const f of found) {
    const a = articles.get(f.articleKey);
    if (!a) continue;
    const row: MatchForDecision = {
      matchId: 0, pageId: 0, pageUrl: page.url, rhost: null, textHash: '', signals: page.signals, pageFirstSeenAt: page.seenAt,
      articleKey: a.key, articleId: a.id, articleUrl: a.url, articleCanonicalUrl: a.canonicalUrl, articlePublishedAt: a.publishedAt,
      section: a.section, tags: a.tags, credit: a.credit, kind: f.kind, coverage: f.coverage, copiedWords: f.copiedWords,
      captureId: null, decision: null, reasons: null, consentId: null, firstSeenAt: page.seenAt, lastSeenAt: page.seenAt, report: null,
    };
    outcomes.set(f.articleKey, decideMatch(decisionInputOf(row, rights)));
  }
  return outcomes;
}

export interface DecideSummary {
  decided: number;
  changed: number;
  reportsCreated: number;
  reportsChanged: number;
  /** The outcome per match id. */
  outcomes: Map<number, DecisionOutcome>;
}

function sameDecision(a: { decision: string | null; reasons: string[] | null; consentId: number | null }, b: DecisionOutcome): boolean {
  return a.decision === b.decision && a.consentId === b.consentId && JSON.stringify(a.reasons ?? []) === JSON.stringify(b.reasons);
}

/** Decides each match, stores the decision on it, and creates or updates its report. */
export async function decideMatches(db: Db, rows: readonly MatchForDecision[], rights: RightsSnapshot, ctx: DecideContext): Promise<DecideSummary> {
  const summary: DecideSummary = { decided: 0, changed: 0, reportsCreated: 0, reportsChanged: 0, outcomes: new Map() };
  const licenseeOf = new Map(rights.consents.map((c) => [c.id, c.licenseeId]));
  // Decided first, stored together: a statement per table, not a round trip per copy.
  const batch = createDecisionBatch();
  for (const row of rows) {
    const outcome = decideMatch(decisionInputOf(row, rights));
    summary.decided++;
    summary.outcomes.set(row.matchId, outcome);
    const changed = !sameDecision(row, outcome);
    if (changed) summary.changed++;
    addMatchDecision(batch, row.matchId, {
      decision: outcome.decision,
      reasons: outcome.reasons,
      consentId: outcome.consentId,
      // The signals are those of the consent decided on, already in `considered`: stored once
      // (findMatchDecisionDetail puts them back), since a consent change rewrites 10,000 details.
      detail: { at: outcome.at, explanation: outcome.explanation, considered: outcome.considered, pending: outcome.pending },
      decidedAt: ctx.now,
    });
    const effect = planReport(batch, row, outcome, outcome.consentId !== null ? (licenseeOf.get(outcome.consentId) ?? null) : null, ctx);
    if (effect === 'created') summary.reportsCreated++;
    else if (effect === 'changed') summary.reportsChanged++;
  }
  await storeDecisionBatch(db, batch);
  return summary;
}

function moveStatus(batch: DecisionBatch, report: ReportRow, from: ReportStatus, to: ReportStatus, note: string, ctx: DecideContext, detail: Record<string, unknown>): ReportStatus {
  addReportEvent(batch, report.id, { at: ctx.now, actor: ctx.actor, kind: to === 'new' && from !== 'new' ? 'reopened' : 'status', fromStatus: from, toStatus: to, note, detail: { ...ctx.cause, ...detail } });
  return to;
}

/** Where the decision leaves the report's status (or the same status when it does not move it). */
function nextStatus(status: ReportStatus, outcome: DecisionOutcome): { to: ReportStatus; why: string } | null {
  if (outcome.decision === 'licensed' && status !== 'licensed' && canTransition(status, 'licensed')) {
    return { to: 'licensed', why: `consent ${outcome.consentId} now covers the copy` };
  }
  if (REPORTABLE_DECISIONS.has(outcome.decision) && status === 'licensed') {
    return { to: 'new', why: `no longer licensed: ${outcome.explanation[0]}` };
  }
  if ((outcome.decision === 'owner_site' || outcome.decision === 'allowed_quotation') && (status === 'new' || status === 'confirmed')) {
    return { to: 'dismissed', why: `not an infringement any more: ${outcome.explanation[0]}` };
  }
  return null;
}

/** Adds to `batch` what the decision does to the match's report (creates, moves or updates it). */
function planReport(batch: DecisionBatch, row: MatchForDecision, outcome: DecisionOutcome, licenseeId: number | null, ctx: DecideContext): 'created' | 'changed' | 'none' {
  const report = row.report;
  const figures = { matchId: row.matchId, pageUrl: row.pageUrl, kind: row.kind, coverage: row.coverage, copiedWords: row.copiedWords, lastSeenAt: row.lastSeenAt, textHash: row.textHash };
  const decided = { decision: outcome.decision, reasons: outcome.reasons, consentId: outcome.consentId, licenseeId };
  if (!report) {
    if (!REPORTABLE_DECISIONS.has(outcome.decision)) return 'none';
    // The page's host key is already stored with the page; a report filters on its own copy.
    const host = hostOfUrl(row.pageUrl) ?? '';
    const created = addReport(batch, {
      pageId: row.pageId,
      articleKey: row.articleKey,
      ...figures,
      ...decided,
      host,
      rhost: row.rhost ?? reverseHost(host),
      status: 'new',
      assignee: null,
      notes: null,
      firstSeenAt: row.firstSeenAt,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    });
    addReportEvent(batch, created, { at: ctx.now, actor: ctx.actor, kind: 'created', fromStatus: null, toStatus: 'new', note: outcome.explanation[0], detail: { ...ctx.cause, decision: outcome.decision, reasons: outcome.reasons, consentId: outcome.consentId } });
    if (row.captureId !== null) addCaptureLink(batch, created, { captureId: row.captureId, role: 'first_seen', at: ctx.now });
    return 'created';
  }
  let status = report.status as ReportStatus;
  const decisionChanged = !sameDecision(report, outcome);
  const contentChanged = report.textHash !== row.textHash;
  if (contentChanged && REOPEN_ON_CHANGE_STATUSES.has(status) && REPORTABLE_DECISIONS.has(outcome.decision)) {
    status = moveStatus(batch, report, status, 'new', 'the page content changed since the report was closed', ctx, { captureId: row.captureId });
  }
  const move = nextStatus(status, outcome);
  if (decisionChanged) {
    // One event per cause: a decision that also moves the status is one entry saying both (a
    // consent change writes one per report, and it is what a reviewer reads as one step).
    addReportEvent(batch, report.id, {
      at: ctx.now,
      actor: ctx.actor,
      kind: 'decision',
      fromStatus: status,
      toStatus: move ? move.to : status,
      note: move ? `${ctx.why}; ${move.why}` : ctx.why,
      detail: { ...ctx.cause, from: { decision: report.decision, reasons: report.reasons, consentId: report.consentId }, to: { decision: outcome.decision, reasons: outcome.reasons, consentId: outcome.consentId }, explanation: outcome.explanation },
    });
    if (move) status = move.to;
  } else if (move) {
    status = moveStatus(batch, report, status, move.to, move.why, ctx, { decision: outcome.decision, consentId: outcome.consentId });
  }
  // A visit's capture joins the evidence; a consent change re-decides without a new capture.
  if (ctx.pageVisit && row.captureId !== null) addCaptureLink(batch, report.id, { captureId: row.captureId, role: 'seen_again', at: ctx.now });
  const changed = decisionChanged || status !== report.status;
  if (changed || !hasSameFigures(report, figures)) addReportSave(batch, report, figures, { ...decided, status, updatedAt: ctx.now });
  return changed ? 'changed' : 'none';
}

/** A visit's capture joins the reports on the page as a sighting (a 304, which has no text to decide on). */
export async function linkSighting(db: Db, pageId: number, captureId: number, at: string): Promise<void> {
  for (const reportId of await findReportIdsOfPage(db, pageId)) await linkReportCapture(db, { reportId, captureId, role: 'seen_again', at });
}

/**
 * A watch re-check of a matched page: its capture joins the reports' evidence, and a re-check
 * that found the copy gone moves a confirmed or noticed report to `removed`, citing the capture.
 */
export async function recordRecheck(db: Db, recheck: { matchId: number; verdict: 'still_present' | 'changed' | 'removed'; captureId: number | null; httpStatus: number | null; at: string }): Promise<void> {
  for (const report of await findReportsForMatch(db, recheck.matchId)) {
    if (recheck.captureId !== null) await linkReportCapture(db, { reportId: report.id, captureId: recheck.captureId, role: 'recheck', at: recheck.at });
    if (recheck.verdict !== 'removed' || !REMOVABLE_STATUSES.has(report.status as ReportStatus)) continue;
    const why = recheck.captureId !== null
      ? `re-check at ${recheck.at} found the copy gone (capture ${recheck.captureId}${recheck.httpStatus !== null ? `, HTTP ${recheck.httpStatus}` : ''})`
      : `re-check at ${recheck.at} found the copy gone${recheck.httpStatus !== null ? ` (HTTP ${recheck.httpStatus})` : ''}`;
    await appendReportEvent(db, { reportId: report.id, at: recheck.at, actor: SYSTEM_ACTOR, kind: 'status', fromStatus: report.status, toStatus: 'removed', note: why, detail: { captureId: recheck.captureId, httpStatus: recheck.httpStatus } });
    await updateReport(db, report.id, { status: 'removed', updatedAt: recheck.at });
  }
}

// Pages stored before hosts were recorded are filled in at start, this many per transaction.
const HOST_BACKFILL_BATCH = 5000;

/** Records the host of pages stored before migration 0009 (once; later starts find none). */
export async function fillMissingPageHosts(db: Db): Promise<number> {
  let filled = 0;
  for (;;) {
    const batch = await listPagesWithoutHost(db, HOST_BACKFILL_BATCH);
    if (batch.length === 0) return filled;
    await writeTransaction(db, async (tx) => {
      // A URL without an http host gets an empty key, so it is not looked at again.
      for (const page of batch) await setPageHost(tx, page.id, pageRhostOf(page.url) ?? '');
    });
    filled += batch.length;
  }
}
