import type { Router, Response } from 'express';
import { guardedRouter, type Guard } from './guard.ts';
import { z } from 'zod';
import { cursorAfter, iterateReports, listReports } from '../../db/reports.ts';
import type { App } from '../app.ts';
import { ValidationError } from '../errors.ts';
import { annotateReport, assignReport, getReportDetail, listReportHistory, MAX_BULK_REPORTS, setReportsStatus, setReportStatus } from '../report-admin.ts';
import { ExportStopped, toReportDetail, toReportItem, writeReportExport } from '../reports/report-export.ts';
import { DEFAULT_PAGE_SIZE, DEFAULT_SORT, EXPORT_FORMATS, MAX_PAGE_SIZE, encodeCursor, parseReportExportQuery, parseReportListQuery, reportExportQuerySchema, reportListQuerySchema, resolveReportFilters, type ExportFormat } from '../reports/report-query.ts';
import { REPORT_STATUSES } from '../reports/status-flow.ts';
import { REPORT_SORT_FIELDS } from '../../db/reports.ts';
import { DECISION_VALUES, reports } from '../../db/schema/reports.ts';
import { actorOf, principalOf } from './actor.ts';
import { assertMaySetReportStatus } from '../auth/policy.ts';
import { parseOrThrow } from './api-matches.ts';
import { exportEvidencePackage, MAX_REPORTS_PER_PACKAGE } from '../evidence-export.ts';
import type { RouteDoc } from './openapi/route-doc.ts';

/**
 * GET /api/reports (filters, sort, cursor) → { items, nextCursor }; GET /export (CSV or NDJSON,
 * streamed); GET /evidence and GET /:id/evidence (evidence package zip); GET /:id (detail); GET /:id/history; POST /:id/status; POST /bulk-status (all or
 * none); PATCH /:id {assignee}; POST /:id/notes. History is append-only: no route changes it.
 */

// Long enough for any reviewer's name or e-mail; src/report-admin.ts refuses more than this too.
const MAX_ASSIGNEE_CHARS = 200;
// The note bound of src/report-admin.ts (which also refuses a blank note): refused here before any work.
const MAX_NOTE_CHARS = 10_000;

const idSchema = z.coerce.number().int().min(1);
// ?ids=1,2,3 (or the parameter repeated): at most a package's worth.
const idListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v.join(',') : v).split(',').filter((s) => s.trim() !== ''))
  .pipe(z.array(z.string().regex(/^\s*[1-9]\d{0,15}\s*$/, 'must be report ids').transform(Number)).max(MAX_REPORTS_PER_PACKAGE, `at most ${MAX_REPORTS_PER_PACKAGE} reports in one package`));
const statusSchema = z.enum(REPORT_STATUSES, { error: (i) => `"${String(i.input)}" is not a report status; statuses: ${REPORT_STATUSES.join(', ')}` });
const noteSchema = z.string().max(MAX_NOTE_CHARS, `must be at most ${MAX_NOTE_CHARS} characters`);

const statusBodySchema = z.strictObject({ status: statusSchema, note: noteSchema });
const bulkBodySchema = z.strictObject({
  ids: z.array(z.number().int().min(1)).min(1).max(MAX_BULK_REPORTS, `at most ${MAX_BULK_REPORTS} reports at once`),
  status: statusSchema,
  note: noteSchema,
});
// Only the assignee is changed here: status moves and notes have their own routes, history none.
const patchBodySchema = z.strictObject({ assignee: z.string().max(MAX_ASSIGNEE_CHARS).nullable().optional() });
const noteBodySchema = z.strictObject({ note: noteSchema });

/**
 * GET /evidence's query, for the OpenAPI description: the handler reads `ids` with idListSchema
 * and the rest with parseReportListQuery (reportListQuerySchema); test/openapi checks both refuse
 * what this refuses.
 */
export const evidenceQuerySchema = z.strictObject({ ids: idListSchema.optional(), ...reportListQuerySchema.shape });

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', json: 'application/x-ndjson; charset=utf-8' };
const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', json: 'ndjson' };

function exportFileName(format: ExportFormat, now: Date): string {
  return `copyhound-reports-${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z.${EXTENSIONS[format]}`;
}

export function createReportsRouter(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api/reports');
  const db = app.database.db;

  router.get('/', async (req, res) => {
    const q = parseReportListQuery(req.query);
    const filters = await resolveReportFilters(db, q.filters);
    // One more than asked tells whether another page exists without a count.
    const rows = await listReports(db, { filters, sort: q.sort, ...(q.cursor ? { cursor: q.cursor } : {}), limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const nextCursor = rows.length > q.limit ? encodeCursor(q.sort, cursorAfter(page[page.length - 1], q.sort)) : null;
    res.json({ items: page.map(toReportItem), nextCursor });
  });

  router.get('/export', async (req, res) => {
    const q = parseReportExportQuery(req.query);
    const filters = await resolveReportFilters(db, q.filters);
    await streamExport(app, res, iterateReports(db, filters, q.sort), q.format);
  });

  // One package for the reports named (?ids=1,2) and/or those a list filter matches.
  router.get('/evidence', async (req, res) => {
    const { ids: rawIds, ...rest } = req.query as Record<string, unknown>;
    const ids = rawIds === undefined ? [] : parseOrThrow(idListSchema, rawIds, 'ids');
    const filtered = Object.keys(rest).length > 0;
    if (filtered) {
      const q = parseReportListQuery(rest);
      for await (const r of iterateReports(db, await resolveReportFilters(db, q.filters), q.sort)) {
        ids.push(r.id);
        if (ids.length > MAX_REPORTS_PER_PACKAGE) break;
      }
    }
    await sendEvidence(app, res, ids, actorOf(req));
  });

  router.get('/:id/evidence', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'report id');
    await sendEvidence(app, res, [id], actorOf(req));
  });

  router.post('/bulk-status', async (req, res) => {
    const body = parseOrThrow(bulkBodySchema, req.body, 'bulk status change');
    assertMaySetReportStatus(principalOf(req), body.status);
    res.json(await setReportsStatus(db, body.ids, body.status, body.note, actorOf(req)));
  });

  router.get('/:id', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'report id');
    res.json(toReportDetail(await getReportDetail(db, id)));
  });

  router.get('/:id/history', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'report id');
    res.json({ items: await listReportHistory(db, id) });
  });

  router.post('/:id/status', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'report id');
    const body = parseOrThrow(statusBodySchema, req.body, 'status change');
    assertMaySetReportStatus(principalOf(req), body.status);
    const report = await setReportStatus(db, id, body.status, body.note, actorOf(req));
    res.json(toReportItem(report));
  });

  router.patch('/:id', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'report id');
    const body = parseOrThrow(patchBodySchema, req.body, 'report change');
    if (body.assignee === undefined) throw new ValidationError('Nothing to change: give assignee (a name, or null to unassign)', { field: 'assignee' });
    res.json(toReportItem(await assignReport(db, id, body.assignee, actorOf(req))));
  });

  router.post('/:id/notes', async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'report id');
    const body = parseOrThrow(noteBodySchema, req.body, 'note');
    res.status(201).json(toReportItem(await annotateReport(db, id, body.note, actorOf(req))));
  });

  return router;
}

const TAG = 'Reports';
// The values behind the text parameters, from the same lists the query parser checks against.
const FILTER_DESCRIPTIONS: Record<string, string> = {
  status: `Comma list (or repeated) of: ${REPORT_STATUSES.join(', ')}`,
  decision: `Comma list (or repeated) of: ${DECISION_VALUES.join(', ')}`,
  kind: `One of: ${reports.kind.enumValues.join(', ')}`,
  domain: 'A host name; its sub-domains are included',
  article: 'An owned article id (an unknown one is refused)',
  licensee: 'A licensee name (an unknown one is refused)',
  since: 'ISO 8601 date or date-time (no zone = UTC): first seen at or after',
  until: 'ISO 8601 date or date-time (no zone = UTC): first seen before (exclusive)',
  minCoverage: 'A fraction from 0 to 1 (0.4 = 40% of the article copied)',
  sort: `One of ${REPORT_SORT_FIELDS.join(', ')}; a leading "-" sorts descending (default ${DEFAULT_SORT})`,
};
const LIST_DESCRIPTIONS = { ...FILTER_DESCRIPTIONS, limit: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`, cursor: 'The nextCursor of the previous page, as it is' };
const ID = { id: idSchema };
const EVIDENCE_ANSWER = { status: 200, mediaType: 'application/zip', description: 'The evidence package (zip; header x-copyhound-tree-head: size and root of the signed tree head). Verify it offline with its verify.mjs.' };

export const REPORTS_ROUTE_DOCS: RouteDoc[] = [
  {
    method: 'GET', path: '/api/reports', tag: TAG, summary: 'List reports (filters, sort, cursor paging)',
    description: 'status and decision take comma lists; domain includes sub-domains; since/until filter the first sighting (until exclusive); an unknown article or licensee is refused, not answered with an empty list. Pass nextCursor as cursor for the next page.',
    query: reportListQuerySchema,
    paramDescriptions: LIST_DESCRIPTIONS,
    response: { status: 200, description: '{items: [{id, pageUrl, articleId, kind, coverage, copiedWords, decision, reasons, consentId, licensee, status, assignee, host, firstSeen, lastSeen}], nextCursor}' },
  },
  { method: 'GET', path: '/api/reports/export', tag: TAG, summary: 'Export every report the filters match (CSV or NDJSON, streamed)', query: reportExportQuerySchema, paramDescriptions: { ...FILTER_DESCRIPTIONS, format: `One of ${EXPORT_FORMATS.join(', ')} (json: NDJSON, one report a line)` }, response: { status: 200, mediaType: 'text/csv', description: 'CSV (format=csv) or NDJSON (format=json, application/x-ndjson), as an attachment' } },
  {
    method: 'GET', path: '/api/reports/evidence', tag: TAG, summary: 'One evidence package for several reports',
    description: `The reports named by ids (comma list or repeated) and/or those the list filters match; at most ${MAX_REPORTS_PER_PACKAGE}.`,
    query: evidenceQuerySchema,
    paramDescriptions: { ...LIST_DESCRIPTIONS, ids: `Report ids, comma list (or repeated); at most ${MAX_REPORTS_PER_PACKAGE}` },
    response: EVIDENCE_ANSWER,
  },
  { method: 'GET', path: '/api/reports/:id/evidence', tag: TAG, summary: "A report's evidence package", params: ID, response: EVIDENCE_ANSWER },
  {
    method: 'POST', path: '/api/reports/bulk-status', tag: TAG, summary: 'Move several reports to one status (all or none)',
    body: bulkBodySchema,
    response: { status: 200, description: 'What changed' },
    errors: { 403: 'The role may not call this route, may not set this status (legal: notice_sent, escalated only), or a signed-in browser sent no valid x-csrf-token', 404: 'One of the reports does not exist', 409: 'The status flow does not allow a move for one of the reports (nothing changed)' },
  },
  { method: 'GET', path: '/api/reports/:id', tag: TAG, summary: 'One report in full', description: 'Figures, passages, the decision with its explanation, consents considered, captures, history and the statuses it can move to.', params: ID, response: { status: 200, description: 'The report' } },
  { method: 'GET', path: '/api/reports/:id/history', tag: TAG, summary: "A report's append-only history, oldest first", params: ID, response: { status: 200, description: '{items: [{at, actor, from, to, note, ...}]}' } },
  {
    method: 'POST', path: '/api/reports/:id/status', tag: TAG, summary: 'Move a report along the status flow, with a note',
    params: ID, body: statusBodySchema,
    response: { status: 200, description: 'The report' },
    errors: { 403: 'The role may not call this route or set this status (legal: notice_sent, escalated only), or a signed-in browser sent no valid x-csrf-token', 409: 'The status flow does not allow this move (the message names the allowed ones)' },
  },
  { method: 'PATCH', path: '/api/reports/:id', tag: TAG, summary: 'Assign a report (assignee: a name, or null to unassign)', params: ID, body: patchBodySchema, response: { status: 200, description: 'The report' } },
  { method: 'POST', path: '/api/reports/:id/notes', tag: TAG, summary: "Add a note to a report's history", params: ID, body: noteBodySchema, response: { status: 201, description: 'The report' } },
];

/** Builds the package (chromium renders out of process, extraction in the worker pool) and sends it. */
async function sendEvidence(app: App, res: Response, ids: number[], actor: string): Promise<void> {
  const result = await exportEvidencePackage(app, ids, actor);
  const stamp = result.treeHead.timestamp.slice(0, 19).replace(/[-:]/g, '');
  const name = ids.length === 1 ? `copyhound-evidence-report-${ids[0]}-${stamp}Z.zip` : `copyhound-evidence-${ids.length}-reports-${stamp}Z.zip`;
  res.status(200).set({ 'content-type': 'application/zip', 'content-disposition': `attachment; filename="${name}"`, 'x-copyhound-tree-head': `${result.treeHead.size} ${result.treeHead.rootHash}` });
  res.end(Buffer.from(result.zip.buffer, result.zip.byteOffset, result.zip.byteLength));
}

/**
 * Streams the export to the client. Until the first bytes go out a failure is an ordinary JSON
 * error; after that the status is sent, so a failure cuts the response off (the client sees an
 * incomplete chunked body, never a short file that looks whole). A client that goes away stops it.
 */
async function streamExport(app: App, res: Response, rows: Iterable<Parameters<typeof toReportItem>[0]> | AsyncIterable<Parameters<typeof toReportItem>[0]>, format: ExportFormat): Promise<void> {
  res.status(200).set({
    'Content-Type': CONTENT_TYPES[format],
    'Content-Disposition': `attachment; filename="${exportFileName(format, new Date())}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  const stop = new AbortController();
  res.on('close', () => stop.abort());
  try {
    const { rows: count } = await writeReportExport(res, rows, format, { signal: stop.signal });
    res.end();
    app.logger.info({ format, rows: count }, 'report export sent');
  } catch (error) {
    if (error instanceof ExportStopped) {
      app.logger.info({ format, rows: error.rows, reason: error.reason }, 'report export stopped: the client went away');
      return;
    }
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      throw error;
    }
    app.logger.error({ err: error, format }, 'report export failed after it started');
    res.destroy(error as Error);
  }
}
