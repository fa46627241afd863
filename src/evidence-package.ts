import { hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Config } from '../config/index.ts';
import type { ReportEvidence } from './evidence-gather.ts';
import { draftDmcaNotice, draftLumenNotice, NOTICE_DECISIONS, renderComparisonHtml, type NoticeReportInput } from './notices/index.ts';

/**
 * The files of one report's folder in an evidence package (the format: src/evidence-verify/
 * FORMAT.md), built from its gathered evidence. No database and no clock of its own: the export
 * (src/evidence-export.ts) logs, signs and zips them.
 */

export interface PackageFile {
  path: string;
  bytes: Buffer;
  /** The custody entry vouching for this file's bytes, when one does. */
  logIndex?: number;
}

export interface PackageRecord {
  logIndex: number;
  file: string;
  pointer: string;
}

export const VERIFIER_SOURCE = new URL('./evidence-verify/verify-package.mjs', import.meta.url);

/** The offline verifier, copied into every package as verify.mjs. */
export function readVerifierSource(): Buffer {
  return readFileSync(VERIFIER_SOURCE);
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

/** What the notices leaf reads: the report, its article and the matched capture's text. */
export function noticeInputOf(e: ReportEvidence): NoticeReportInput {
  const matched = e.captures.find((c) => c.capture.id === e.matchedCaptureId);
  return {
    reportId: e.report.id,
    article: { id: e.article.id, title: e.article.title, url: e.article.url, publishedAt: e.article.publishedAt, credit: e.article.credit, text: e.article.body },
    page: { url: e.report.pageUrl, host: e.report.host, firstSeen: e.report.firstSeenAt, lastSeen: e.report.lastSeenAt, text: matched?.text ?? '' },
    figures: { kind: e.report.kind, coverage: e.report.coverage, copiedWords: e.report.copiedWords },
    // Offsets point into the matched capture's text; without it there is nothing to point into.
    passages: matched ? e.passages : [],
    decision: { decision: e.report.decision, reasons: e.report.reasons, explanation: (e.decision?.detail?.explanation as string[] | undefined) ?? [] },
    captures: e.captures.map((c) => ({ id: c.capture.id, sha256: c.capture.warcSha256 ?? c.capture.bodySha256, capturedAt: c.capture.startedAt })),
  };
}

function articleText(e: ReportEvidence): string {
  const a = e.article;
  return [`Title: ${a.title}`, `URL: ${a.url}`, `Published: ${a.publishedAt ?? 'unknown'}`, `Credit line: ${a.credit ?? 'none'}`, `Article id: ${a.id}`, '', a.body, ''].join('\n');
}

/** report.json: figures, passages, decision with reasons and consents considered, full history. */
function reportJson(e: ReportEvidence, notice: string | null): unknown {
  const r = e.report;
  return {
    report: { id: r.id, status: r.status, assignee: r.assignee, notes: r.notes, createdAt: r.createdAt, updatedAt: r.updatedAt },
    page: { url: r.pageUrl, host: r.host, firstSeenAt: r.firstSeenAt, lastSeenAt: r.lastSeenAt, textSha256: r.textHash },
    article: { id: e.article.id, url: e.article.url, canonicalUrl: e.article.canonicalUrl, title: e.article.title, publishedAt: e.article.publishedAt, credit: e.article.credit },
    figures: { kind: r.kind, coverage: r.coverage, copiedWords: r.copiedWords },
    passages: { textOf: e.matchedCaptureId !== null ? `captures/${e.matchedCaptureId}.txt` : null, items: e.passages },
    decision: {
      decision: r.decision,
      reasons: r.reasons,
      consentId: r.consentId,
      licensee: r.licenseeName,
      // The stored decision as its custody entry vouches for it (detailJson is its stored text).
      record: e.decision?.record ?? null,
      detail: e.decision?.detail ?? null,
      // Every consent the decision weighed, with all its terms (as stored at export).
      consentsConsidered: e.consents,
    },
    captures: e.captures.map((c) => ({
      id: c.capture.id,
      role: c.role,
      linkedAt: c.linkedAt,
      requestedUrl: c.capture.requestedUrl,
      finalUrl: c.capture.finalUrl,
      status: c.capture.status,
      remoteAddress: c.capture.remoteAddress,
      startedAt: c.capture.startedAt,
      endedAt: c.capture.endedAt,
      recordType: c.capture.recordType,
      truncated: c.capture.truncated,
      payloadSha256: c.capture.bodySha256,
      warcSha256: c.capture.warcSha256,
      fetcherVersion: c.capture.fetcherVersion,
      renderWarnings: c.renders[0]?.warnings ?? [],
    })),
    notice: notice ?? 'drafted: notice-dmca.txt, notice-lumen.json',
    // Each event as its custody entry vouches for it (detailJson is the stored text).
    history: e.history.map((h) => h.record),
  };
}

/** The files of `report-<id>/`, and the records in them that custody entries vouch for. */
export function buildReportFiles(e: ReportEvidence, notices: Config['notices'], comparisonPdf: Buffer, now: Date): { files: PackageFile[]; records: PackageRecord[] } {
  const dir = `report-${e.report.id}`;
  const files: PackageFile[] = [];
  const input = noticeInputOf(e);
  const drafts = (NOTICE_DECISIONS as readonly string[]).includes(e.report.decision);
  const notice = drafts ? null : `not drafted: the decision is ${e.report.decision}, not an infringement`;
  files.push({ path: `${dir}/report.json`, bytes: json(reportJson(e, notice)) });
  files.push({ path: `${dir}/article.txt`, bytes: Buffer.from(articleText(e)) });
  files.push({ path: `${dir}/comparison.html`, bytes: Buffer.from(renderComparisonHtml(input)) });
  files.push({ path: `${dir}/comparison.pdf`, bytes: comparisonPdf });
  if (drafts) {
    files.push({ path: `${dir}/notice-dmca.txt`, bytes: Buffer.from(draftDmcaNotice(input, notices, now)) });
    files.push({ path: `${dir}/notice-lumen.json`, bytes: json(draftLumenNotice(input, notices, now)) });
  }
  for (const c of e.captures) {
    const base = `${dir}/captures/${c.capture.id}`;
    files.push({ path: `${base}.warc.gz`, bytes: c.warc, ...(c.warcLogIndex !== null ? { logIndex: c.warcLogIndex } : {}) });
    if (c.body) files.push({ path: `${base}-body.warc.gz`, bytes: c.body.warc, ...(c.body.logIndex !== null ? { logIndex: c.body.logIndex } : {}) });
    files.push({ path: `${base}.txt`, bytes: Buffer.from(c.text) });
    for (const r of c.renders) files.push({ path: `${base}.${r.format}`, bytes: r.bytesRead, ...(r.logIndex !== null ? { logIndex: r.logIndex } : {}) });
  }
  const records: PackageRecord[] = [];
  const reportFile = `${dir}/report.json`;
  if (e.decision?.logIndex != null) records.push({ logIndex: e.decision.logIndex, file: reportFile, pointer: '/decision/record' });
  e.history.forEach((h, i) => {
    if (h.logIndex !== null) records.push({ logIndex: h.logIndex, file: reportFile, pointer: `/history/${i}` });
  });
  return { files, records };
}

export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex');
}
