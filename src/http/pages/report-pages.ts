import { hash } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { listRendersOfCapture } from '../../../db/capture-renders.ts';
import type { App } from '../../app.ts';
import { assertMaySetReportStatus } from '../../auth/policy.ts';
import type { Principal } from '../../auth/roles.ts';
import { ConflictError, CopyhoundError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import { EvidenceIntegrityError } from '../../evidence-gather.ts';
import { draftDmcaNotice, NOTICE_DECISIONS, NoticeInputError } from '../../notices/index.ts';
import { annotateReport, setReportStatus } from '../../report-admin.ts';
import { allowedTransitions, REPORT_STATUSES, type ReportStatus } from '../../reports/status-flow.ts';
import { describeDecision, type ConsentTerms, type ConsideredConsent, type DecisionFacts } from '../../web/views/report-reasons.ts';
import { renderReportPage, type ReportViewData } from '../../web/views/report-view.ts';
import { actorOf, principalOf } from '../actor.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { contextOf, parseForm, redirectWithFlash, sendHtml } from './page-kit.ts';
import { loadReportPage, noticeInputOf, PageTextCache, usablePassages, type ReportPageData } from './report-page-data.ts';

/**
 * The report page (GET /reports/:id) and its forms: status change with a note, a note, the DMCA
 * notice draft as a download, and the stored screenshot of a capture. Rules come from
 * src/auth/policy.ts and src/report-admin.ts; this module only shows and forwards.
 */

// The report-admin bound on a note: refused here with the field named, before any work.
const MAX_NOTE_CHARS = 10_000;
// A stored render is immutable (a new one gets a new row): a browser may keep it for a day.
const SCREENSHOT_MAX_AGE_S = 86_400;

const idSchema = z.string().regex(/^[1-9]\d{0,15}$/, 'must be a whole number');
const statusForm = z.object({ status: z.enum(REPORT_STATUSES), note: z.string().max(MAX_NOTE_CHARS) });
const noteForm = z.object({ note: z.string().max(MAX_NOTE_CHARS) });

function idOf(raw: unknown, what: string): number {
  const parsed = idSchema.safeParse(raw);
  if (!parsed.success) throw new NotFoundError(`No ${what} with id ${String(raw).slice(0, 40)}`, { id: String(raw).slice(0, 40) });
  return Number(parsed.data);
}

/** The moves this report allows that this role may make (the policy decides, not this page). */
function actionStatusesOf(principal: Principal, status: string): ReportStatus[] {
  return allowedTransitions(status as ReportStatus).filter((to) => {
    try {
      assertMaySetReportStatus(principal, to);
      return true;
    } catch (error) {
      if (error instanceof ForbiddenError) return false;
      throw error;
    }
  });
}

function noticeRefusalOf(data: ReportPageData): string | null {
  if (!NOTICE_DECISIONS.includes(data.report.decision)) return `the decision is ${data.report.decision.replace(/_/g, ' ')}, not an infringement`;
  if (!data.article) return 'the owned article is not stored';
  return null;
}

function decisionFactsOf(data: ReportPageData): DecisionFacts {
  const { report, article, detail } = data;
  const consents = new Map<number, ConsentTerms>();
  for (const [id, c] of data.consents) consents.set(id, c);
  return {
    decision: report.decision,
    reasons: report.reasons,
    consentId: report.consentId,
    kind: report.kind,
    copiedWords: report.copiedWords,
    coverage: report.coverage,
    article: { url: article?.url ?? '', canonicalUrl: article?.canonicalUrl ?? null, credit: article?.credit ?? null, publishedAt: article?.publishedAt ?? null },
    detail: detail
      ? {
          at: detail.at,
          explanation: detail.explanation,
          considered: detail.considered as ConsideredConsent[],
          pending: detail.pending as { consentId: number; uid: string; wouldLicense: boolean; broken: string[] }[],
        }
      : null,
    consents,
  };
}

function viewOf(req: Request, data: ReportPageData): ReportViewData {
  const { report, article, match } = data;
  const { passages, dropped } = usablePassages(data);
  const refusal = noticeRefusalOf(data);
  return {
    id: report.id,
    status: report.status,
    decision: report.decision,
    reasons: report.reasons,
    assignee: report.assignee,
    licensee: report.licenseeName,
    pageUrl: report.pageUrl,
    host: report.host,
    firstSeen: report.firstSeenAt,
    lastSeen: report.lastSeenAt,
    figures: { kind: report.kind, coverage: report.coverage, copiedWords: report.copiedWords, longestRun: match?.longestRun ?? null, pageShare: match?.pageShare ?? null },
    article: { id: article?.id ?? report.articleId, title: article?.title ?? report.articleId, url: article?.url ?? '', credit: article?.credit ?? null, publishedAt: article?.publishedAt ?? null, text: article?.body ?? null },
    page: { title: match?.pageTitle ?? null, text: data.page.text, problem: data.page.problem, captureId: data.page.captureId },
    passages: data.page.text !== null ? passages : [],
    droppedPassages: data.page.text !== null ? dropped : 0,
    sentences: describeDecision(decisionFactsOf(data)),
    decidedAt: data.detail?.at ?? null,
    actionStatuses: actionStatusesOf(principalOf(req), report.status),
    mayDraftNotice: refusal === null,
    noticeRefusal: refusal,
    captures: data.captures.map((c) => ({ ...c, hasScreenshot: c.pngRenderId !== null })),
    captureCount: data.captureCount,
    rechecks: data.rechecks,
    rechecksCut: data.rechecksCut,
    watched: match?.flagged ?? false,
    history: data.history,
    historyCount: data.historyCount,
  };
}

/** A refused form goes back to the report with the reason shown there; a refused role is a 403 page. */
function backWithError(res: Response, id: number, error: unknown): void {
  if (error instanceof ValidationError || error instanceof ConflictError) return redirectWithFlash(res, `/reports/${id}`, 'error', error.message);
  throw error;
}

export function createReportPages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  const db = app.database.db;
  const texts = new PageTextCache();

  router.get('/reports/:id', async (req, res) => {
    const ctx = contextOf(req, res, guard);
    const data = await loadReportPage(app, texts, idOf(req.params.id, 'report'));
    sendHtml(res, renderReportPage(ctx, viewOf(req, data)));
  });

  router.post('/reports/:id/status', async (req, res) => {
    const id = idOf(req.params.id, 'report');
    const form = parseForm(statusForm, req.body, 'Status change');
    assertMaySetReportStatus(principalOf(req), form.status);
    try {
      const report = await setReportStatus(db, id, form.status, form.note, actorOf(req));
      redirectWithFlash(res, `/reports/${id}`, 'ok', `Report #${id} moved to ${report.status.replace(/_/g, ' ')}`);
    } catch (error) {
      backWithError(res, id, error);
    }
  });

  router.post('/reports/:id/notes', async (req, res) => {
    const id = idOf(req.params.id, 'report');
    const form = parseForm(noteForm, req.body, 'Note');
    try {
      await annotateReport(db, id, form.note, actorOf(req));
      redirectWithFlash(res, `/reports/${id}`, 'ok', 'Note added');
    } catch (error) {
      backWithError(res, id, error);
    }
  });

  router.get('/reports/:id/notice', async (req, res) => {
    const data = await loadReportPage(app, texts, idOf(req.params.id, 'report'));
    const refusal = noticeRefusalOf(data);
    if (refusal) throw new ConflictError(`No notice is drafted for report ${data.report.id}: ${refusal}`, { reportId: data.report.id });
    let text: string;
    try {
      text = draftDmcaNotice(await noticeInputOf(app, data), app.config.notices, new Date());
    } catch (error) {
      if (error instanceof NoticeInputError) throw new ConflictError(`The notice for report ${data.report.id} cannot be drafted: ${error.message}`, { reportId: data.report.id });
      throw error;
    }
    res
      .status(200)
      .set({
        'content-type': 'text/plain; charset=utf-8',
        'content-disposition': `attachment; filename="copyhound-dmca-notice-report-${data.report.id}.txt"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      })
      .send(text);
  });

  // The stored PNG render only: a page view never starts a browser (the evidence export renders).
  router.get('/captures/:id/screenshot', async (req, res) => {
    const id = idOf(req.params.id, 'capture');
    const png = (await listRendersOfCapture(db, id))
      .filter((r) => r.format === 'png')
      .pop();
    if (!png) throw new NotFoundError(`Capture ${id} has no rendered screenshot yet; exporting its report's evidence package renders one`, { captureId: id });
    // From the capture file store: the data folder, or the database on PostgreSQL.
    const bytes = await app.captureFiles.read(png.path).catch((error: NodeJS.ErrnoException) => {
      const why = error instanceof CopyhoundError ? error.message : (error.code ?? error.message);
      throw new EvidenceIntegrityError(`The screenshot of capture ${id} (${png.path}) cannot be read (${why})`, { captureId: id });
    });
    if (hash('sha256', bytes, 'hex') !== png.sha256) throw new EvidenceIntegrityError(`The screenshot of capture ${id} no longer matches the SHA-256 recorded when it was rendered`, { captureId: id });
    res.status(200).set({ 'content-type': 'image/png', 'cache-control': `private, max-age=${SCREENSHOT_MAX_AGE_S}`, 'x-content-type-options': 'nosniff' }).send(bytes);
  });

  return router;
}
