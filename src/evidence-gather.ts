import { hash } from 'node:crypto';
import { findArticleByKey } from '../db/articles.ts';
import { findConsentById, type ConsentWithLicensee } from '../db/consents.ts';
import { findBodyHolder, findCaptureBody, findCapturesByIds } from '../db/captures.ts';
import type { CaptureRenderRow } from '../db/capture-renders.ts';
import { findCustodyIndexes } from '../db/custody-log.ts';
import { decisionRecordOf, findDecisionRow, findMatchDecisionDetail } from '../db/match-decisions.ts';
import { findMatchById } from '../db/matches.ts';
import { listReportCaptures } from '../db/report-captures.ts';
import { eventRecordOf, listReportEvents } from '../db/report-events.ts';
import type { ArticleRow } from '../db/schema/articles.ts';
import type { CaptureRow } from '../db/schema/captures.ts';
import type { ReportEventRow } from '../db/schema/reports.ts';
import type { App } from './app.ts';
import { ensureCaptureRenders, extractCaptureText, readDecodedBody } from './capture-view.ts';
import type { Renderer } from './render/index.ts';
import { CopyhoundError } from './errors.ts';
import { hashText } from './pipeline.ts';
import { getReport } from './report-admin.ts';

/**
 * Everything an evidence package says about one report, read from the database and the capture
 * files: the report, its owned article, its match and decision, its full history, and every
 * capture of the page with its WARC file(s), extracted text and rendered views (made now for an
 * HTML capture that has none). Each piece carries the custody log entry that vouches for it
 * (null for records older than the log).
 */

// A report's history and captures in one package: far beyond any real case (a daily re-check
// for ten years is ~3,650 captures), bounded so one report cannot exhaust memory.
export const MAX_EVENTS_PER_REPORT = 20_000;
export const MAX_CAPTURES_PER_REPORT = 5_000;

export interface CaptureEvidence {
  capture: CaptureRow;
  role: string;
  linkedAt: string;
  warc: Buffer;
  warcLogIndex: number | null;
  /** For a revisit: the WARC file that holds the body, and its capture. */
  body: { warc: Buffer; captureId: number; logIndex: number | null } | null;
  text: string;
  renders: (CaptureRenderRow & { bytesRead: Buffer; logIndex: number | null })[];
}

export interface ReportEvidence {
  report: Awaited<ReturnType<typeof getReport>>;
  article: ArticleRow;
  passages: { pageStart: number; pageEnd: number; articleStart: number; articleEnd: number }[];
  decision: { record: ReturnType<typeof decisionRecordOf>; detail: Awaited<ReturnType<typeof findMatchDecisionDetail>> | null; logIndex: number | null } | null;
  /** The consent records the decision considered, with every term, as they stand now. */
  consents: ConsentWithLicensee[];
  history: { record: ReturnType<typeof eventRecordOf>; event: ReportEventRow; logIndex: number | null }[];
  captures: CaptureEvidence[];
  /** The capture whose text the passages point into (the one the match was made from). */
  matchedCaptureId: number | null;
}

export class EvidenceIntegrityError extends CopyhoundError {
  constructor(message: string, details?: unknown) {
    super('evidence_integrity', message, details);
  }
}

async function logIndexOf(app: App, type: 'capture' | 'render', id: number): Promise<number | null> {
  return (await findCustodyIndexes(app.database.db, type, [id])).get(id) ?? null;
}

/** A capture file, checked against the hash recorded when it was written. */
async function readCheckedFile(app: App, path: string, sha256: string | null, what: string): Promise<Buffer> {
  // WARC files and renders alike, from the capture file store (the data folder or the database).
  const bytes = await app.captureFiles.read(path).catch((error: NodeJS.ErrnoException) => {
    const why = error instanceof CopyhoundError ? error.message : (error.code ?? error.message);
    throw new EvidenceIntegrityError(`${what}: ${path} cannot be read (${why})`, { path });
  });
  if (sha256 && hash('sha256', bytes, 'hex') !== sha256) throw new EvidenceIntegrityError(`${what}: ${path} no longer matches the SHA-256 recorded when it was written`, { path, sha256 });
  return bytes;
}

async function gatherCapture(app: App, capture: CaptureRow, link: { role: string; at: string }, renderer: Renderer): Promise<CaptureEvidence> {
  const db = app.database.db;
  const warc = await readCheckedFile(app, capture.warcPath, capture.warcSha256, `capture ${capture.id}`);
  // Decoded once: the text is extracted from it and the view rendered from it.
  const decoded = await readDecodedBody(app, capture);
  const renders = /html|xml/i.test(capture.contentType) ? await ensureCaptureRenders(app, capture, decoded, renderer) : [];
  let body: CaptureEvidence['body'] = null;
  if (capture.recordType === 'revisit') {
    const stored = await findCaptureBody(db, capture.bodySha256);
    const holder = stored ? await findBodyHolder(db, capture.bodySha256, stored.warcPath) : undefined;
    if (!stored || !holder) throw new EvidenceIntegrityError(`capture ${capture.id}: the body it revisits (${capture.bodySha256}) is not stored`, { captureId: capture.id });
    body = { warc: await readCheckedFile(app, holder.warcPath, holder.warcSha256, `capture ${holder.id}`), captureId: holder.id, logIndex: await logIndexOf(app, 'capture', holder.id) };
  }
  const withBytes = [];
  for (const r of renders) withBytes.push({ ...r, bytesRead: await readCheckedFile(app, r.path, r.sha256, `rendered view ${r.id}`), logIndex: await logIndexOf(app, 'render', r.id) });
  return { capture, role: link.role, linkedAt: link.at, warc, warcLogIndex: await logIndexOf(app, 'capture', capture.id), body, text: await extractCaptureText(app, capture, decoded), renders: withBytes };
}

/** The report's evidence; captures without a rendered view get one from `renderer`. */
export async function gatherReportEvidence(app: App, reportId: number, renderer: Renderer): Promise<ReportEvidence> {
  const db = app.database.db;
  const report = await getReport(db, reportId);
  const article = await findArticleByKey(db, report.articleKey);
  if (!article) throw new EvidenceIntegrityError(`report ${reportId}: its article (key ${report.articleKey}) is not stored`, { reportId });
  const match = report.matchId !== null ? await findMatchById(db, report.matchId) : undefined;
  const decisionRow = report.matchId !== null ? await findDecisionRow(db, report.matchId) : undefined;
  const decision = decisionRow
    ? { record: decisionRecordOf(decisionRow.matchId, decisionRow), detail: await findMatchDecisionDetail(db, decisionRow.matchId) ?? null, logIndex: decisionRow.custodyIndex ?? null }
    : null;
  const considered = ((decision?.detail?.considered ?? []) as { consentId?: number }[]).map((c) => c.consentId).filter((id): id is number => typeof id === 'number');
  const consents: ConsentWithLicensee[] = [];
  for (const id of new Set(considered)) {
    const consent = await findConsentById(db, id);
    if (consent) consents.push(consent);
  }
  const events = await listReportEvents(db, reportId, MAX_EVENTS_PER_REPORT);
  const eventIndexes = await findCustodyIndexes(db, 'report_event', events.map((e) => e.id));
  const history = events.map((event) => ({ record: eventRecordOf(event), event, logIndex: eventIndexes.get(event.id) ?? null }));
  const links = await listReportCaptures(db, reportId, MAX_CAPTURES_PER_REPORT);
  const rows = new Map((await findCapturesByIds(db, links.map((l) => l.captureId))).map((c) => [c.id, c]));
  const captures: CaptureEvidence[] = [];
  for (const link of links) {
    const capture = rows.get(link.captureId);
    if (capture) captures.push(await gatherCapture(app, capture, link, renderer));
  }
  // The passages' offsets are into the text that was matched: the capture whose text has the
  // report's text hash (the latest such, should the page have changed and changed back).
  const matched = [...captures].reverse().find((c) => c.text !== '' && hashText(c.text) === report.textHash);
  return { report, article, passages: match?.passages ?? [], decision, consents, history, captures, matchedCaptureId: matched?.capture.id ?? null };
}
