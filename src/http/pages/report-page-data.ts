import type { Logger } from 'pino';
import { findArticleByKey } from '../../../db/articles.ts';
import { findCaptureById } from '../../../db/captures.ts';
import { findConsentById, type ConsentWithLicensee } from '../../../db/consents.ts';
import { findMatchDecisionDetail } from '../../../db/match-decisions.ts';
import { findMatchById, listRechecks } from '../../../db/matches.ts';
import { countReportCaptures, countReportEvents, listReportCapturesNewest, listReportEventsNewest, type ReportPageCapture } from '../../../db/report-page-queries.ts';
import type { ArticleRow } from '../../../db/schema/articles.ts';
import type { DecisionDetailRow, RecheckRow } from '../../../db/schema/matches.ts';
import type { ReportEventRow } from '../../../db/schema/reports.ts';
import type { App } from '../../app.ts';
import { extractCaptureText, readDecodedBody } from '../../capture-view.ts';
import { EvidenceIntegrityError } from '../../evidence-gather.ts';
import type { NoticeReportInput } from '../../notices/index.ts';
import { hashText } from '../../pipeline.ts';
import { getReport } from '../../report-admin.ts';

/**
 * Everything the report page shows, read with bounded, indexed queries, and the page's text: the
 * stored capture the match was made from, extracted in the worker pool (off the event loop) and
 * kept in a small LRU cache, since a capture never changes and a reviewer opens the same report
 * several times (after each action the page is shown again).
 */

// The newest this many of each list are shown; the page says when there are more, and the
// evidence package (and GET /api/reports/:id/history) holds every one.
export const MAX_CAPTURES_SHOWN = 20;
export const MAX_HISTORY_SHOWN = 100;
export const MAX_RECHECKS_SHOWN = 50;
// Consents a decision weighed: a page is covered by a handful; this bounds a pathological detail.
const MAX_CONSENTS_READ = 20;
// Captures tried for the matched text when the match's own capture does not give it (the page
// changed and changed back, an old row): each try may be one extraction.
const MAX_TEXT_CANDIDATES = 3;
// The notice cites the newest captures and counts the rest; the notices leaf accepts at most 1000.
const MAX_NOTICE_CAPTURES = 1000;
// Extracted texts kept: a reviewer goes back and forth over the few reports in hand, and a
// team of them over a few dozen; 64 covers that while a cold one costs one extraction (~10-100 ms).
export const PAGE_TEXT_CACHE_ENTRIES = 64;
// ... and at most this many characters in all (≈ 32 MB as UTF-16): one 10 MB page must not make
// the cache hold gigabytes.
export const PAGE_TEXT_CACHE_CHARS = 16_000_000;

/** A bounded least-recently-used map of capture id → extracted text (a promise, so two views share one extraction). */
export class PageTextCache {
  private readonly entries = new Map<number, { text: Promise<string>; chars: number }>();
  private chars = 0;
  constructor(
    private readonly maxEntries = PAGE_TEXT_CACHE_ENTRIES,
    private readonly maxChars = PAGE_TEXT_CACHE_CHARS,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  textOf(captureId: number, extract: () => Promise<string>): Promise<string> {
    const hit = this.entries.get(captureId);
    if (hit) {
      // Map order is insertion order: re-inserting marks it most recently used.
      this.entries.delete(captureId);
      this.entries.set(captureId, hit);
      return hit.text;
    }
    const entry = { text: extract(), chars: 0 };
    this.entries.set(captureId, entry);
    entry.text.then(
      (text) => {
        if (this.entries.get(captureId) !== entry) return;
        entry.chars = text.length;
        this.chars += text.length;
        this.evict();
      },
      () => {
        // A failure is not kept: the next view tries again.
        if (this.entries.get(captureId) === entry) this.entries.delete(captureId);
      },
    );
    this.evict();
    return entry.text;
  }

  private evict(): void {
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      // The newest entry stays even when it alone is over the character bound (it is being shown).
      if (this.entries.size === 1) break;
      this.entries.delete(id);
      this.chars -= entry.chars;
    }
  }
}

export interface PageTextResult {
  /** The page's text the passages point into, or null. */
  text: string | null;
  captureId: number | null;
  /** Why there is no text (shown on the page). */
  problem: string | null;
}

export interface ReportPageData {
  report: Awaited<ReturnType<typeof getReport>>;
  article: ArticleRow | null;
  match: NonNullable<Awaited<ReturnType<typeof findMatchById>>> | null;
  detail: DecisionDetailRow | null;
  consents: Map<number, ConsentWithLicensee>;
  captures: ReportPageCapture[];
  captureCount: number;
  history: ReportEventRow[];
  historyCount: number;
  rechecks: RecheckRow[];
  rechecksCut: boolean;
  page: PageTextResult;
}

function extractionOf(app: App, cache: PageTextCache, captureId: number): Promise<string> {
  return cache.textOf(captureId, async () => {
    const capture = await findCaptureById(app.database.db, captureId);
    if (!capture) throw new EvidenceIntegrityError(`capture ${captureId} is not stored`, { captureId });
    return extractCaptureText(app, capture, await readDecodedBody(app, capture));
  });
}

/**
 * The text the report was matched on: the match's capture first, else the newest other captures;
 * the one whose text hash is the report's (as the evidence export picks it).
 */
async function findMatchedText(app: App, cache: PageTextCache, logger: Logger, textHash: string, candidates: number[]): Promise<PageTextResult> {
  let problem = 'No stored capture of the page holds the text the report was matched on.';
  for (const captureId of [...new Set(candidates)].slice(0, MAX_TEXT_CANDIDATES)) {
    try {
      const text = await extractionOf(app, cache, captureId);
      if (text !== '' && hashText(text) === textHash) return { text, captureId, problem: null };
    } catch (error) {
      logger.warn({ err: error, captureId }, 'report page: the capture text could not be read');
      problem = `The page text could not be read from capture ${captureId}: ${(error as Error).message}`;
    }
  }
  return { text: null, captureId: null, problem };
}

async function readConsents(app: App, ids: (number | null | undefined)[]): Promise<Map<number, ConsentWithLicensee>> {
  const out = new Map<number, ConsentWithLicensee>();
  for (const id of [...new Set(ids)].filter((x): x is number => typeof x === 'number').slice(0, MAX_CONSENTS_READ)) {
    const c = await findConsentById(app.database.db, id);
    if (c) out.set(id, c);
  }
  return out;
}

export async function loadReportPage(app: App, cache: PageTextCache, id: number): Promise<ReportPageData> {
  const db = app.database.db;
  const report = await getReport(db, id);
  const article = await findArticleByKey(db, report.articleKey) ?? null;
  const match = report.matchId !== null ? (await findMatchById(db, report.matchId) ?? null) : null;
  const detail = match ? (await findMatchDecisionDetail(db, match.id) ?? null) : null;
  const considered = (detail?.considered ?? []) as { consentId?: number }[];
  const pending = (detail?.pending ?? []) as { consentId?: number }[];
  const consents = await readConsents(app, [report.consentId, ...considered.map((c) => c.consentId), ...pending.map((p) => p.consentId)]);
  const captures = await listReportCapturesNewest(db, id, MAX_CAPTURES_SHOWN);
  const captureCount = captures.length < MAX_CAPTURES_SHOWN ? captures.length : await countReportCaptures(db, id);
  const history = await listReportEventsNewest(db, id, MAX_HISTORY_SHOWN);
  const historyCount = history.length < MAX_HISTORY_SHOWN ? history.length : await countReportEvents(db, id);
  const rechecks = match ? await listRechecks(db, { matchId: match.id, limit: MAX_RECHECKS_SHOWN + 1 }) : [];
  const htmlCaptures = captures.filter((c) => c.status >= 200 && c.status < 300).map((c) => c.captureId);
  const candidates = [...(match?.captureId != null ? [match.captureId] : []), ...htmlCaptures];
  const page = match && candidates.length > 0 ? await findMatchedText(app, cache, app.logger, report.textHash, candidates) : { text: null, captureId: null, problem: match ? 'The report has no stored capture of the page.' : 'The report has no stored match (passages) any more.' };
  return {
    report,
    article,
    match,
    detail,
    consents,
    captures,
    captureCount,
    history,
    historyCount,
    rechecks: rechecks.slice(0, MAX_RECHECKS_SHOWN),
    rechecksCut: rechecks.length > MAX_RECHECKS_SHOWN,
    page,
  };
}

/** Passages whose offsets fit both texts (a passage that does not is left out, and counted). */
export function usablePassages(data: ReportPageData): { passages: { pageStart: number; pageEnd: number; articleStart: number; articleEnd: number }[]; dropped: number } {
  const all = data.match?.passages ?? [];
  const pageLength = data.page.text?.length ?? -1;
  const articleLength = data.article?.body.length ?? -1;
  const ok = (s: number, e: number, len: number) => Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e > s && e <= len;
  const passages = all.filter((p) => ok(p.pageStart, p.pageEnd, pageLength) && ok(p.articleStart, p.articleEnd, articleLength));
  return { passages, dropped: all.length - passages.length };
}

/**
 * The notice's input, field for field as src/evidence-package.ts noticeInputOf makes it from an
 * evidence export (the same report, article, matched text, figures, decision and captures), but
 * read without rendering anything: a notice draft needs no screenshot.
 */
export async function noticeInputOf(app: App, data: ReportPageData): Promise<NoticeReportInput> {
  const { report, article } = data;
  if (!article) throw new EvidenceIntegrityError(`report ${report.id}: its article (key ${report.articleKey}) is not stored`, { reportId: report.id });
  const captures = await listReportCapturesNewest(app.database.db, report.id, MAX_NOTICE_CAPTURES);
  return {
    reportId: report.id,
    article: { id: article.id, title: article.title, url: article.url, publishedAt: article.publishedAt, credit: article.credit, text: article.body },
    page: { url: report.pageUrl, host: report.host, firstSeen: report.firstSeenAt, lastSeen: report.lastSeenAt, text: data.page.text ?? '' },
    figures: { kind: report.kind, coverage: report.coverage, copiedWords: report.copiedWords },
    // Offsets point into the matched text; without it there is nothing to point into.
    passages: data.page.text !== null ? usablePassages(data).passages : [],
    decision: { decision: report.decision, reasons: report.reasons, explanation: data.detail?.explanation ?? [] },
    captures: captures.map((c) => ({ id: c.captureId, sha256: c.warcSha256 ?? c.bodySha256, capturedAt: c.startedAt })),
  };
}
