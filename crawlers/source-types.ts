/**
 * Per source type: what a valid source looks like, and how one run enumerates its candidate URLs
 * with the leaf modules (feed, sitemap, url-list, site frontier). Enumeration happens once per
 * run and is stored on the run row, so a resumed run does not fetch the feed or sitemap again.
 */
import cron from 'node-cron';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import type { RunFrontier } from '../db/crawl-state.ts';
import { listFlaggedPageUrls } from '../db/matches.ts';
import type { Db } from '../db/open-db.ts';
import { SOURCE_TYPES, type SourceLimits, type SourceRow, type SourceType } from '../db/schema/sources.ts';
import { FetchError, ValidationError } from '../src/errors.ts';
import { parseFeed } from './feed.ts';
import { SiteFrontier, frontierOptionsFromConfig, type FrontierOptions } from './site.ts';
import { discoverSitemapUrls, sitemapLimitsFromConfig, type SitemapProblem } from './sitemap.ts';
import { parseUrlList } from './url-list.ts';
import { tryNormaliseUrl } from './url-normalise.ts';
import type { FetchText } from './types.ts';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
// A source name doubles as its CLI handle: short, no spaces, not all digits (those are ids).
const nameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only')
  .refine((n) => !/^\d+$/.test(n), 'must not be only digits (numbers are source ids)');

const limitsSchema = z.strictObject({
  maxPages: z.number().int().min(1).max(1_000_000).optional(),
  maxDepth: z.number().int().min(0).max(50).optional(),
  revisitAfterMs: z.number().int().min(0).max(365 * 86_400_000).optional(),
});

const scheduleSchema = z.string().trim().refine((s) => cron.validate(s), 'must be a valid cron expression (node-cron: 5 or 6 fields)');

export const sourceInputSchema = z
  .strictObject({
    type: z.enum(SOURCE_TYPES),
    url: httpUrl.optional(),
    urls: z.array(httpUrl).min(1).max(100_000).optional(),
    name: nameSchema.optional(),
    schedule: scheduleSchema.nullable().optional(),
    limits: limitsSchema.optional(),
    enabled: z.boolean().optional(),
    isOwnerFeed: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    const needsUrl = s.type === 'feed' || s.type === 'sitemap' || s.type === 'site';
    if (needsUrl && !s.url) ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${s.type} source needs url` });
    if (s.type === 'urls' && !s.urls && !s.url) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'a urls source needs urls (or url: a list file to fetch)' });
    if (s.isOwnerFeed && s.type === 'watch') ctx.addIssue({ code: 'custom', path: ['isOwnerFeed'], message: 'a watch source cannot be an owner feed' });
  });

export type SourceInput = z.infer<typeof sourceInputSchema>;

/** Validated input → the row to insert (name defaults to type + host). */
export function buildSourceRow(input: unknown, now: string) {
  const parsed = sourceInputSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(source)', message: i.message }));
    throw new ValidationError(`Invalid source: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
  const s = parsed.data;
  const host = s.url ? new URL(s.url).host : s.urls ? new URL(s.urls[0]).host : 'flagged';
  return {
    name: s.name ?? `${s.type}-${host}`.replace(/[^A-Za-z0-9._-]/g, '-'),
    type: s.type,
    url: s.url ?? null,
    urls: s.urls ?? null,
    schedule: s.schedule ?? null,
    limits: s.limits ?? {},
    enabled: s.enabled ?? true,
    isOwnerFeed: s.isOwnerFeed ?? false,
    createdAt: now,
    updatedAt: now,
  };
}

export function siteFrontierOptions(crawl: Config['crawl'], source: SourceRow): FrontierOptions {
  const base = frontierOptionsFromConfig(crawl, source.url ?? undefined);
  return { ...base, maxPages: source.limits.maxPages ?? base.maxPages, maxDepth: source.limits.maxDepth ?? base.maxDepth };
}

export interface EnumerateContext {
  fetch: FetchText;
  config: Config['crawl'];
  db: Db;
  signal?: AbortSignal;
  onProblem?: (problem: { url: string; reason: string; message: string }) => void;
}

function dedupe(urls: Iterable<string>, limits: SourceLimits): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    const n = tryNormaliseUrl(u);
    if (n) out.add(n);
    if (limits.maxPages !== undefined && out.size >= limits.maxPages) break;
  }
  return [...out];
}

async function fetchOk(ctx: EnumerateContext, url: string): Promise<{ text: string; finalUrl: string }> {
  const res = await ctx.fetch(url, ctx.signal ? { signal: ctx.signal } : {});
  if (res.status < 200 || res.status > 299) throw new FetchError('bad_status', url, `${url} answered HTTP ${res.status}`, { status: res.status });
  return { text: res.text, finalUrl: res.finalUrl || url };
}

/** The run's work list for a source. Throws (FetchError, ValidationError) when the source itself fails. */
export async function enumerateSource(source: SourceRow, ctx: EnumerateContext): Promise<RunFrontier> {
  const type: SourceType = source.type;
  switch (type) {
    case 'feed': {
      const { text, finalUrl } = await fetchOk(ctx, source.url!);
      return { kind: 'list', urls: dedupe(parseFeed(text, finalUrl).entries.map((e) => e.url), source.limits) };
    }
    case 'sitemap': {
      const found: string[] = [];
      const walk = discoverSitemapUrls(source.url!, ctx.fetch, sitemapLimitsFromConfig(ctx.config), {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onProblem: (p: SitemapProblem) => ctx.onProblem?.(p),
      });
      for await (const entry of walk) {
        found.push(entry.url);
        if (source.limits.maxPages !== undefined && found.length >= source.limits.maxPages) break;
      }
      return { kind: 'list', urls: dedupe(found, source.limits) };
    }
    case 'urls': {
      if (source.urls) return { kind: 'list', urls: dedupe(source.urls, source.limits) };
      const { text } = await fetchOk(ctx, source.url!);
      const parsed = parseUrlList(text, { maxEntries: ctx.config.urlListMaxEntries, extraStripParams: ctx.config.extraStripParams });
      for (const p of parsed.problems) ctx.onProblem?.({ url: p.input, reason: 'invalid', message: p.reason });
      return { kind: 'list', urls: dedupe(parsed.urls, source.limits) };
    }
    case 'watch':
      // A watch source re-checks its own URLs, or every page with a flagged match when it has none.
      return { kind: 'list', urls: dedupe(source.urls ?? await listFlaggedPageUrls(ctx.db), source.limits) };
    case 'site':
      return { kind: 'site', state: SiteFrontier.start([source.url!], siteFrontierOptions(ctx.config, source)).toJSON() };
  }
}
