import { z } from 'zod';
import type { SourceRow } from '../../../db/sources.ts';
import { SOURCE_TYPES } from '../../../db/schema/sources.ts';
import { ValidationError } from '../../errors.ts';
import type { SourceFormValues } from '../../web/views/source-views.ts';
import { parseForm } from './page-kit.ts';

/**
 * The source form's fields read into the shape of an API source request (crawlers/source-types.ts
 * sourceInputSchema validates it, as for POST /api/sources), and a stored source shown in the form.
 */

// One URL, a name, a cron expression: short lines.
const MAX_LINE_CHARS = 2000;
// A pasted URL list: the form body's bound (src/http/guard.ts) less the other fields.
const MAX_URL_LIST_CHARS = 400_000;
const HOUR_MS = 3_600_000;

function linesOf(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

const line = z.string().max(MAX_LINE_CHARS).optional();

export const sourceFormSchema = z.object({
  name: line,
  type: z.enum(SOURCE_TYPES).optional(),
  url: line,
  urls: z.string().max(MAX_URL_LIST_CHARS).optional(),
  schedule: line,
  maxPages: line,
  maxDepth: line,
  revisitAfterHours: line,
  enabled: z.literal('on').optional(),
  isOwnerFeed: z.literal('on').optional(),
});

export function readSourceForm(body: unknown): SourceFormValues {
  const f = parseForm(sourceFormSchema, body, 'Source form');
  return {
    name: f.name ?? '', type: f.type ?? 'feed', url: f.url ?? '', urls: f.urls ?? '', schedule: f.schedule ?? '',
    maxPages: f.maxPages ?? '', maxDepth: f.maxDepth ?? '', revisitAfterHours: f.revisitAfterHours ?? '',
    enabled: f.enabled === 'on', isOwnerFeed: f.isOwnerFeed === 'on',
  };
}

export function emptySourceForm(): SourceFormValues {
  return { name: '', type: 'feed', url: '', urls: '', schedule: '', maxPages: '', maxDepth: '', revisitAfterHours: '', enabled: true, isOwnerFeed: false };
}

export function sourceFormOf(s: SourceRow): SourceFormValues {
  const revisit = s.limits.revisitAfterMs;
  return {
    name: s.name, type: s.type, url: s.url ?? '', urls: (s.urls ?? []).join('\n'), schedule: s.schedule ?? '',
    maxPages: s.limits.maxPages?.toString() ?? '', maxDepth: s.limits.maxDepth?.toString() ?? '',
    revisitAfterHours: revisit === undefined ? '' : String(revisit / HOUR_MS), enabled: s.enabled, isOwnerFeed: s.isOwnerFeed,
  };
}

/** A number field: empty is "not given"; anything else must be a number (the schema checks its range). */
function numberOf(text: string, field: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new ValidationError(`Invalid source: ${field}: "${t}" is not a number`, { field });
  return n;
}

/** The form as a source request; `name` empty lets the default (TYPE-HOST) apply on creation. */
export function toSourceRequest(v: SourceFormValues): Record<string, unknown> {
  const hours = numberOf(v.revisitAfterHours, 'revisitAfterHours');
  const limits = {
    maxPages: numberOf(v.maxPages, 'limits.maxPages'),
    maxDepth: numberOf(v.maxDepth, 'limits.maxDepth'),
    revisitAfterMs: hours === undefined ? undefined : Math.round(hours * HOUR_MS),
  };
  const urls = linesOf(v.urls);
  const request: Record<string, unknown> = {
    type: v.type,
    name: v.name.trim() === '' ? undefined : v.name.trim(),
    url: v.url.trim() === '' ? undefined : v.url.trim(),
    urls: urls.length > 0 ? urls : undefined,
    schedule: v.schedule.trim() === '' ? null : v.schedule.trim(),
    limits: Object.fromEntries(Object.entries(limits).filter(([, n]) => n !== undefined)),
    enabled: v.enabled,
    isOwnerFeed: v.isOwnerFeed,
  };
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
}
