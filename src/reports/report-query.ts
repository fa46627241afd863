import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { findArticleById } from '../../db/articles.ts';
import { findLicenseeByName } from '../../db/licensees.ts';
import type { Db } from '../../db/open-db.ts';
import { REPORT_SORT_FIELDS, type ReportCursor, type ReportFilters, type ReportSort, type ReportSortField } from '../../db/reports.ts';
import { DECISION_VALUES, reports } from '../../db/schema/reports.ts';
import { ValidationError } from '../errors.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';
import { REPORT_STATUSES } from './status-flow.ts';

/**
 * Report list filters, sort and cursor as users write them (CLI flags, query-string parameters),
 * read into db/reports.ts terms. Every field is text in, checked here, named when refused.
 *
 * An article or licensee that does not exist is refused (400 / CLI usage error) rather than
 * answered with an empty list: a typo in an id would otherwise look like "no infringements".
 */

// A screenful, as for the other lists; 500 bounds what one query reads and one answer carries.
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_SORT = '-lastSeen';
// Publisher article ids and licensee names are at most 200 characters where they are stored.
const MAX_NAME_CHARS = 200;
// A host name is at most 253 characters in DNS.
const MAX_HOST_CHARS = 253;
// A comma list names each status at most once: the longest real list is well under this.
const MAX_LIST_CHARS = 500;
// An ISO date-time with fractions and offset is ~35 characters; more is not a date.
const MAX_DATE_CHARS = 64;
// A cursor holds a sort, an ISO time or number and an id: ~100 characters of base64url.
const MAX_CURSOR_CHARS = 512;

const KINDS = reports.kind.enumValues;
type ReportKind = (typeof KINDS)[number];

/** The filter fields, in the order usage messages list them; CLI flags are their kebab-case. */
export const REPORT_FILTER_FIELDS = ['status', 'decision', 'kind', 'domain', 'article', 'licensee', 'since', 'until', 'minCoverage'] as const;

/** One text value; a repeated query parameter (`?sort=a&sort=b`) is refused by name, not merged. */
const once = (field: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : Array.isArray(issue.input) ? `give ${field} once` : 'must be text') });

function bounded(field: string, max: number) {
  return once(field).trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
}

/** "new,confirmed" (or the parameter repeated) → distinct known values; unknown ones are named. */
function commaList<T extends string>(field: string, values: readonly T[]) {
  return z
    .union([z.string(), z.array(z.string())], { error: 'must be text' })
    .transform((input, ctx) => {
      const text = Array.isArray(input) ? input.join(',') : input;
      if (text.length > MAX_LIST_CHARS) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_LIST_CHARS} characters` });
        return z.NEVER;
      }
      const items = [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
      const unknown = items.filter((s) => !(values as readonly string[]).includes(s));
      if (items.length === 0 || unknown.length > 0) {
        const what = items.length === 0 ? 'empty' : `unknown ${field} ${unknown.map((s) => `"${s}"`).join(', ')}`;
        ctx.addIssue({ code: 'custom', message: `${what}; give one or more of ${values.join(', ')} (comma-separated)` });
        return z.NEVER;
      }
      return items as T[];
    });
}

/** A host name; sub-domains are included by the query. Unicode names are read as their ASCII form. */
const domainSchema = bounded('domain', MAX_HOST_CHARS).transform((input, ctx) => {
  const ascii = /^[\w.-]+$/.test(input) || /[^\x00-\x7f]/.test(input) ? domainToASCII(input.replace(/\.$/, '')).toLowerCase() : '';
  if (ascii === '' || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(ascii)) {
    ctx.addIssue({ code: 'custom', message: `"${input}" is not a host name; give only the host, e.g. example.com (its sub-domains are included)` });
    return z.NEVER;
  }
  return ascii;
});

/** ISO 8601; a zone-less date or time is UTC. Stored times are UTC ISO text, so the bound is too. */
function dateSchema(field: string) {
  return bounded(field, MAX_DATE_CHARS).transform((input, ctx) => {
    const reading = parseIsoDate(input);
    if (reading.ok) return formatUtcIso(reading.date);
    const why = reading.reason === 'impossible' ? reading.message : `"${input}" is not an ISO 8601 date`;
    ctx.addIssue({ code: 'custom', message: `${why}; e.g. 2026-02-01 or 2026-02-01T10:00:00Z (no zone = UTC)` });
    return z.NEVER;
  });
}

const COVERAGE_HINT = 'must be a fraction from 0 to 1 (0.4 = 40% of the article copied)';
const minCoverageSchema = once('minCoverage')
  .trim()
  .regex(/^(0|1)?(\.\d{1,12})?$/, COVERAGE_HINT)
  .refine((v) => v !== '' && v !== '.', COVERAGE_HINT)
  .transform(Number)
  .pipe(z.number().max(1, COVERAGE_HINT));

const limitSchema = once('limit')
  .trim()
  .regex(/^\d{1,6}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`));

const SORT_PATTERN = new RegExp(`^(-?)(${REPORT_SORT_FIELDS.join('|')})$`);
const sortSchema = once('sort')
  .trim()
  .transform((input, ctx): ReportSort => {
    const m = SORT_PATTERN.exec(input);
    if (m) return { field: m[2] as ReportSortField, direction: m[1] === '-' ? 'desc' : 'asc' };
    ctx.addIssue({ code: 'custom', message: `"${input}" is not one of ${REPORT_SORT_FIELDS.join(', ')} (a leading "-" sorts descending, e.g. -lastSeen)` });
    return z.NEVER;
  });

/** What an encoded cursor holds: the sort it continues, the last sort value and id. */
const cursorPayloadSchema = z
  .strictObject({ f: z.enum(REPORT_SORT_FIELDS), d: z.enum(['asc', 'desc']), v: z.union([z.string().max(MAX_DATE_CHARS), z.number()]), i: z.number().int().min(0) })
  .refine((c) => (c.f === 'coverage' || c.f === 'id' ? typeof c.v === 'number' && Number.isFinite(c.v) : typeof c.v === 'string'));

export interface DecodedCursor {
  sort: ReportSort;
  cursor: ReportCursor;
}

const cursorSchema = once('cursor')
  .trim()
  .transform((input, ctx): DecodedCursor => {
    let payload: unknown;
    if (input.length <= MAX_CURSOR_CHARS && /^[A-Za-z0-9_-]+$/.test(input)) {
      try {
        payload = JSON.parse(Buffer.from(input, 'base64url').toString('utf8'));
      } catch {
        payload = undefined;
      }
    }
    const parsed = cursorPayloadSchema.safeParse(payload);
    if (parsed.success) return { sort: { field: parsed.data.f, direction: parsed.data.d }, cursor: { value: parsed.data.v, id: parsed.data.i } };
    ctx.addIssue({ code: 'custom', message: 'not a cursor this list gave out; use the nextCursor of the previous page as it is' });
    return z.NEVER;
  });

/** The opaque text that continues a list after `cursor` in `sort`. */
export function encodeCursor(sort: ReportSort, cursor: ReportCursor): string {
  return Buffer.from(JSON.stringify({ f: sort.field, d: sort.direction, v: cursor.value, i: cursor.id })).toString('base64url');
}

const filterShape = {
  status: commaList('status', REPORT_STATUSES).optional(),
  decision: commaList('decision', DECISION_VALUES).optional(),
  kind: once('kind')
    .trim()
    .pipe(z.enum(KINDS, { error: (i) => `"${String(i.input)}" is not one of ${KINDS.join(', ')}` }))
    .optional(),
  domain: domainSchema.optional(),
  article: bounded('article', MAX_NAME_CHARS).optional(),
  licensee: bounded('licensee', MAX_NAME_CHARS).optional(),
  since: dateSchema('since').optional(),
  until: dateSchema('until').optional(),
  minCoverage: minCoverageSchema.optional(),
  sort: sortSchema.optional(),
};

export type ReportQueryField = keyof typeof filterShape | 'limit' | 'cursor' | 'format';

/** A list query as read, before the article id and licensee name are looked up. */
export interface ReportQueryInput {
  filters: Omit<ReportFilters, 'articleKey' | 'licenseeId'> & { article?: string; licensee?: string };
  sort: ReportSort;
}

export interface ReportListQueryInput extends ReportQueryInput {
  cursor?: ReportCursor;
  limit: number;
}

function toInput(q: z.infer<z.ZodObject<typeof filterShape>>, cursorSort?: ReportSort): ReportQueryInput {
  const filters: ReportQueryInput['filters'] = {};
  if (q.status) filters.status = q.status;
  if (q.decision) filters.decision = q.decision;
  if (q.kind) filters.kind = q.kind as ReportKind;
  if (q.domain) filters.domain = q.domain;
  if (q.article) filters.article = q.article;
  if (q.licensee) filters.licensee = q.licensee;
  if (q.since) filters.since = q.since;
  if (q.until) filters.until = q.until;
  if (q.minCoverage !== undefined) filters.minCoverage = q.minCoverage;
  return { filters, sort: q.sort ?? cursorSort ?? readSort(DEFAULT_SORT) };
}

function readSort(text: string): ReportSort {
  return sortSchema.parse(text);
}

function checkSinceUntil(q: { since?: string; until?: string }, ctx: z.RefinementCtx): void {
  if (q.since && q.until && q.since >= q.until) ctx.addIssue({ code: 'custom', path: ['until'], message: `must be after since (${q.since}); until is exclusive` });
}

const sameSort = (a: ReportSort, b: ReportSort) => a.field === b.field && a.direction === b.direction;
const sortText = (s: ReportSort) => `${s.direction === 'desc' ? '-' : ''}${s.field}`;

/** The list query (exported for the OpenAPI description; parseReportListQuery is how to read one). */
export const reportListQuerySchema = z
  .strictObject({ ...filterShape, limit: limitSchema.optional(), cursor: cursorSchema.optional() })
  .superRefine((q, ctx) => {
    checkSinceUntil(q, ctx);
    if (q.cursor && q.sort && !sameSort(q.cursor.sort, q.sort)) {
      ctx.addIssue({ code: 'custom', path: ['cursor'], message: `continues a list sorted by ${sortText(q.cursor.sort)}, not ${sortText(q.sort)}; give the same sort or none` });
    }
  });

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export query (exported for the OpenAPI description; parseReportExportQuery is how to read one). */
export const reportExportQuerySchema = z
  .strictObject({
    ...filterShape,
    format: once('format')
      .trim()
      .pipe(z.enum(EXPORT_FORMATS, { error: (i) => `"${String(i.input)}" is not one of ${EXPORT_FORMATS.join(', ')}` })),
  })
  .superRefine(checkSinceUntil);

const LIST_FIELDS = [...REPORT_FILTER_FIELDS, 'sort', 'limit', 'cursor'];
const EXPORT_FIELDS = [...REPORT_FILTER_FIELDS, 'sort', 'format'];

/** How a field is called where the user wrote it: `minCoverage` in a query string, `--min-coverage` on the command line. */
export type FieldNaming = (field: string) => string;
export const queryParamNaming: FieldNaming = (field) => field;
export const cliFlagNaming: FieldNaming = (field) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function parseWith<T>(schema: z.ZodType<T>, known: readonly string[], raw: unknown, naming: FieldNaming): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === 'unrecognized_keys' && keys) return { field: keys.map(naming).join(', '), message: `unknown parameter(s); known: ${known.map(naming).join(', ')}` };
    const field = issue.path.length > 0 ? naming(String(issue.path[0])) : '(query)';
    return { field, message: issue.message };
  });
  throw new ValidationError(`Bad report query: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
}

/** Reads list parameters (all text, as a query string or CLI flags give them). Throws ValidationError naming each bad field. */
export function parseReportListQuery(raw: Record<string, unknown>, naming: FieldNaming = queryParamNaming): ReportListQueryInput {
  const q = parseWith(reportListQuerySchema, LIST_FIELDS, raw, naming);
  return { ...toInput(q, q.cursor?.sort), ...(q.cursor ? { cursor: q.cursor.cursor } : {}), limit: q.limit ?? DEFAULT_PAGE_SIZE };
}

/** Reads export parameters: the list filters and sort, and `format`; no limit or cursor (an export is every match). */
export function parseReportExportQuery(raw: Record<string, unknown>, naming: FieldNaming = queryParamNaming): ReportQueryInput & { format: ExportFormat } {
  const q = parseWith(reportExportQuerySchema, EXPORT_FIELDS, raw, naming);
  return { ...toInput(q), format: q.format };
}

/** Checks one field alone (a CLI option parser); throws ValidationError with the field's message. */
export function checkReportQueryField(field: ReportQueryField, value: string): void {
  const schema = field === 'limit' ? limitSchema : field === 'cursor' ? cursorSchema : field === 'format' ? reportExportQuerySchema.shape.format : filterShape[field];
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => i.message).join('; '), { field });
}

/** Looks up the article id and licensee name; one that does not exist is a ValidationError naming it. */
export async function resolveReportFilters(db: Db, input: ReportQueryInput['filters'], naming: FieldNaming = queryParamNaming): Promise<ReportFilters> {
  const { article, licensee, ...filters } = input;
  const resolved: ReportFilters = { ...filters };
  if (article !== undefined) {
    const row = await findArticleById(db, article);
    if (!row) throw new ValidationError(`${naming('article')}: no owned article with id "${article}"`, { field: 'article', value: article });
    resolved.articleKey = row.key;
  }
  if (licensee !== undefined) {
    const row = await findLicenseeByName(db, licensee);
    if (!row) throw new ValidationError(`${naming('licensee')}: no licensee named "${licensee}"`, { field: 'licensee', value: licensee });
    resolved.licenseeId = row.id;
  }
  return resolved;
}
