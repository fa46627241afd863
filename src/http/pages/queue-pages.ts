import type { Request, Router } from 'express';
import { z } from 'zod';
import { cursorAfter, iterateReports, listReports } from '../../../db/reports.ts';
import { DECISION_VALUES, reports } from '../../../db/schema/reports.ts';
import type { App } from '../../app.ts';
import { assertMaySetReportStatus } from '../../auth/policy.ts';
import type { Principal } from '../../auth/roles.ts';
import { ValidationError } from '../../errors.ts';
import { MAX_BULK_REPORTS, setReportsStatus } from '../../report-admin.ts';
import { encodeCursor, parseReportListQuery, REPORT_FILTER_FIELDS, resolveReportFilters } from '../../reports/report-query.ts';
import { allowedTransitions, REPORT_STATUSES, type ReportStatus } from '../../reports/status-flow.ts';
import { renderQueue, type QueueData } from '../../web/views/queue-view.ts';
import { actorOf, principalOf } from '../actor.ts';
import { guardedRouter, type Guard } from '../guard.ts';
import { contextOf, parseForm, redirectWithFlash, safeLocalPath, sendHtml } from './page-kit.ts';

// A bulk change of "every report matching the filters" stops here: a change of more than this
// many reports at once is a job for the CLI or the API, where it can be scripted and checked.
const MAX_FILTERED_BULK = 50_000;
const DEFAULT_SORT = '-lastSeen';
const SORTS = [
  { value: '-lastSeen', label: 'Last seen, newest first' },
  { value: 'lastSeen', label: 'Last seen, oldest first' },
  { value: '-firstSeen', label: 'First seen, newest first' },
  { value: '-coverage', label: 'Coverage, highest first' },
  { value: 'coverage', label: 'Coverage, lowest first' },
  { value: '-id', label: 'Report id, newest first' },
] as const;
// Legal moves reports to these only (src/auth/policy.ts assertMaySetReportStatus says why).
const LEGAL_ACTIONS = ['notice_sent', 'escalated'] as const;

/** The query string of a page: the non-empty filters, the sort, and the cursor if any. */
function queryString(params: Record<string, string>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

/** The filter fields a form sent, as text, empty ones dropped (an empty select means "any"). */
function readFilters(source: Record<string, unknown>, prefix = ''): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const field of REPORT_FILTER_FIELDS) {
    const value = source[`${prefix}${field}`];
    if (typeof value === 'string' && value.trim() !== '') filters[field] = value.trim();
  }
  return filters;
}

// A reviewer's usual moves first (the first is the form's default), the rarer ones after.
const MANAGER_ACTIONS = ['confirmed', 'dismissed', 'notice_sent', 'removed', 'escalated', 'closed', 'licensed', 'new'] as const satisfies readonly (typeof REPORT_STATUSES)[number][];

export function actionStatusesOf(principal: Principal): readonly string[] {
  return principal.role === 'legal' ? LEGAL_ACTIONS : MANAGER_ACTIONS;
}

const bulkForm = z.object({
  scope: z.enum(['selected', 'filtered']),
  ids: z.union([z.string(), z.array(z.string())]).optional(),
  status: z.enum(REPORT_STATUSES),
  note: z.string().max(10_000),
  sort: z.string().max(40).optional(),
  back: z.string().max(2000).optional(),
});

function parseIds(raw: string | string[] | undefined): number[] {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length > MAX_BULK_REPORTS) throw new ValidationError(`Select at most ${MAX_BULK_REPORTS} reports at once`, { field: 'ids' });
  return list.map((s) => {
    if (!/^[1-9]\d{0,15}$/.test(s)) throw new ValidationError(`"${s}" is not a report id`, { field: 'ids' });
    return Number(s);
  });
}

export function createQueuePages(app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '', 'page');
  const db = app.database.db;

  router.get('/reports', async (req, res) => {
    const ctx = contextOf(req, res, guard);
    const raw = req.query as Record<string, unknown>;
    const filters = readFilters(raw);
    const sort = typeof raw.sort === 'string' && raw.sort !== '' ? raw.sort : DEFAULT_SORT;
    const cursor = typeof raw.cursor === 'string' && raw.cursor !== '' ? raw.cursor : undefined;
    const base: Omit<QueueData, 'rows' | 'nextQuery' | 'isFirstPage'> = {
      filters,
      sort,
      firstQuery: queryString({ ...filters, sort: sort === DEFAULT_SORT ? '' : sort }),
      statuses: REPORT_STATUSES,
      decisions: DECISION_VALUES,
      kinds: reports.kind.enumValues,
      sorts: SORTS,
      actionStatuses: actionStatusesOf(principalOf(req)),
    };
    let data: QueueData;
    try {
      const q = parseReportListQuery({ ...filters, sort, ...(cursor ? { cursor } : {}) });
      // One more than shown tells whether a next page exists, without counting a million rows.
      const rows = await listReports(db, { filters: await resolveReportFilters(db, q.filters), sort: q.sort, ...(q.cursor ? { cursor: q.cursor } : {}), limit: q.limit + 1 });
      const page = rows.slice(0, q.limit);
      const next = rows.length > q.limit ? encodeCursor(q.sort, cursorAfter(page[page.length - 1], q.sort)) : null;
      data = {
        ...base,
        rows: page.map((r) => ({ ...r, licensee: r.licenseeName, lastSeen: r.lastSeenAt })),
        nextQuery: next ? queryString({ ...filters, sort: sort === DEFAULT_SORT ? '' : sort, cursor: next }) : null,
        isFirstPage: cursor === undefined,
      };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      data = { ...base, rows: [], nextQuery: null, isFirstPage: true, error: error.message };
      res.status(400);
    }
    sendHtml(res, renderQueue(ctx, data), res.statusCode);
  });

  router.post('/reports/bulk', async (req: Request, res) => {
    const form = parseForm(bulkForm, req.body, 'Status change');
    const principal = principalOf(req);
    assertMaySetReportStatus(principal, form.status);
    const status = form.status as ReportStatus;
    const filters = readFilters(req.body as Record<string, unknown>, 'filter_');
    const back = safeLocalPath(form.back, `/reports${queryString({ ...filters, sort: form.sort && form.sort !== DEFAULT_SORT ? form.sort : '' })}`);
    if (form.scope === 'selected') {
      const ids = parseIds(form.ids);
      if (ids.length === 0) return redirectWithFlash(res, back, 'error', 'Select at least one report (x, or its checkbox), then apply');
      const { changed } = await setReportsStatus(db, ids, status, form.note, actorOf(req));
      return redirectWithFlash(res, back, 'ok', `${changed} report${changed === 1 ? '' : 's'} moved to ${status.replace('_', ' ')}`);
    }
    // The whole filtered set: reports that cannot make the move are left as they are and counted;
    // the rest move in batches, each all or none.
    const q = parseReportListQuery({ ...filters, ...(form.sort ? { sort: form.sort } : {}) });
    const movable: number[] = [];
    let skipped = 0;
    for await (const r of iterateReports(db, await resolveReportFilters(db, q.filters), q.sort)) {
      if (allowedTransitions(r.status as ReportStatus).includes(status)) movable.push(r.id);
      else skipped++;
      if (movable.length + skipped > MAX_FILTERED_BULK) {
        throw new ValidationError(`More than ${MAX_FILTERED_BULK} reports match these filters; narrow them, or use the CLI or API for a change this large`, { field: 'scope' });
      }
    }
    let changed = 0;
    for (let i = 0; i < movable.length; i += MAX_BULK_REPORTS) changed += (await setReportsStatus(db, movable.slice(i, i + MAX_BULK_REPORTS), status, form.note, actorOf(req))).changed;
    const skippedText = skipped > 0 ? `; ${skipped} could not move to ${status.replace('_', ' ')} from their status and were left as they are` : '';
    redirectWithFlash(res, back, 'ok', `${changed} report${changed === 1 ? '' : 's'} moved to ${status.replace('_', ' ')}${skippedText}`);
  });

  return router;
}
