/**
 * Source management shared by the CLI, the API and the web app: validation, lookup by name or id,
 * changes in place, runs started in the background, health.
 */
import { z } from 'zod';
import { deleteSource, findSourceById, findSourceByName, insertSource, readSourceHealth, updateSource, type SourceHealth, type SourceRow } from '../db/sources.ts';
import type { SourceLimits } from '../db/schema/sources.ts';
import type { App } from '../src/app.ts';
import { ConflictError, NotFoundError, ValidationError } from '../src/errors.ts';
import type { CrawlQueue } from '../src/queue/crawl-queue.ts';
import { sharedCrawlFetchers } from './fetch-adapter.ts';
import { enqueueSourceRun } from './queued-crawl.ts';
import { isSourceRunning, runSource } from './run-source.ts';
import { buildSourceRow } from './source-types.ts';

export async function addSource(app: App, input: unknown): Promise<SourceRow> {
  const row = buildSourceRow(input, new Date().toISOString());
  if (await findSourceByName(app.database.db, row.name)) throw new ConflictError(`A source named "${row.name}" exists; pick another name`, { field: 'name', name: row.name });
  return await insertSource(app.database.db, row);
}

/** A source by id (digits) or name. */
export async function findSource(app: App, ref: string | number): Promise<SourceRow | undefined> {
  const db = app.database.db;
  if (typeof ref === 'number' || /^\d+$/.test(ref)) return await findSourceById(db, Number(ref));
  return await findSourceByName(db, ref);
}

export async function getSource(app: App, ref: string | number): Promise<SourceRow> {
  const source = await findSource(app, ref);
  if (!source) throw new NotFoundError(`No source "${ref}"`);
  return source;
}

export async function removeSource(app: App, ref: string | number): Promise<SourceRow> {
  const source = await getSource(app, ref);
  await deleteSource(app.database.db, source.id);
  return source;
}

export async function setSourceEnabled(app: App, ref: string | number, enabled: boolean): Promise<SourceRow> {
  return changeSource(app, await getSource(app, ref), { enabled });
}

export async function presentSource(app: App, source: SourceRow): Promise<SourceRow & { health: SourceHealth }> {
  return { ...source, health: await readSourceHealth(app.database.db, source.id) };
}

// Field types only: the changed source is validated whole by the create schema (source-types.ts).
const nullableLimit = z.number().nullable().optional();

/**
 * A change to a source: only the fields given change; `null` clears a value (no schedule, no
 * url, no urls, a limit back to the default); `limits` changes only the limits it names.
 */
export const sourceChangeSchema = z.strictObject({
  name: z.string().optional(),
  url: z.string().nullable().optional(),
  urls: z.array(z.string()).nullable().optional(),
  schedule: z.string().nullable().optional(),
  limits: z.strictObject({ maxPages: nullableLimit, maxDepth: nullableLimit, revisitAfterMs: nullableLimit }).optional(),
  enabled: z.boolean().optional(),
});

export type SourceChange = z.infer<typeof sourceChangeSchema>;

/** Fields a change may not touch, and why (the answer names them). */
const FIXED_FIELDS: Record<string, string> = {
  type: 'the type decides what the stored crawl state means; add a new source instead',
  isOwnerFeed: 'the owner mark decides whether the pages crawled so far are owned articles; add a new source instead',
  id: 'a source keeps its id',
};

/** Parses an outside change (API body): unknown and fixed fields are refused by name. */
export function parseSourceChange(input: unknown): SourceChange {
  if (input && typeof input === 'object') {
    const fixed = Object.keys(input).filter((k) => k in FIXED_FIELDS);
    if (fixed.length > 0) {
      const problems = fixed.map((field) => ({ field, message: `cannot be changed: ${FIXED_FIELDS[field]}` }));
      throw new ValidationError(`Invalid source change: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
    }
  }
  const parsed = sourceChangeSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ') || '(change)', message: i.message }));
    throw new ValidationError(`Invalid source change: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
  return parsed.data;
}

function mergeLimits(stored: SourceLimits, change: SourceChange['limits']): SourceLimits {
  const limits: Record<string, number> = { ...stored };
  for (const [key, value] of Object.entries(change ?? {})) {
    if (value === null) delete limits[key];
    else if (value !== undefined) limits[key] = value;
  }
  return limits as SourceLimits;
}

/**
 * Changes a source's settings in place: its id, type, owner mark and crawl state stay (URLs
 * visited, their validators, runs). The changed source is validated whole by the same schema as
 * a new one, so an edit can make nothing a create would refuse.
 */
export async function changeSource(app: App, source: SourceRow, change: SourceChange): Promise<SourceRow> {
  if (Object.values(change).every((v) => v === undefined)) {
    throw new ValidationError('Nothing to change: give at least one of name, url, urls, schedule, limits, enabled', { problems: [{ field: '(change)', message: 'empty' }] });
  }
  const kept = <T>(given: T | null | undefined, stored: T | null): T | undefined => (given === undefined ? (stored ?? undefined) : (given ?? undefined));
  const merged = {
    type: source.type,
    isOwnerFeed: source.isOwnerFeed,
    name: change.name ?? source.name,
    url: kept(change.url, source.url),
    urls: kept(change.urls, source.urls),
    schedule: change.schedule === undefined ? source.schedule : change.schedule,
    limits: mergeLimits(source.limits, change.limits),
    enabled: change.enabled ?? source.enabled,
  };
  const checked = buildSourceRow(Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)), new Date().toISOString());
  const db = app.database.db;
  const holder = checked.name !== source.name ? await findSourceByName(db, checked.name) : undefined;
  if (holder) throw new ConflictError(`A source named "${checked.name}" exists; pick another name`, { field: 'name', name: checked.name });
  const { name, url, urls, schedule, limits, enabled, updatedAt } = checked;
  return (await updateSource(db, source.id, { name, url, urls, schedule, limits, enabled, updatedAt }))!;
}

/**
 * "Run now" (web page, API): one run of a source in the background. With a job queue (PostgreSQL,
 * `serve` attaches it) the run is queued for the workers, as the scheduler queues it; otherwise it
 * runs in this process through the crawler code the scheduler uses (runSource: the crawl run
 * lease, resumable runs, the pipeline) and answers once the run holds its lease; the run's
 * outcome is stored on its run row either way.
 */
export interface SourceRunner {
  /**
   * Starts or queues a run: its id when it started here (`queued` false), none when it was queued.
   * ConflictError when a run of the source is already queued or in progress, here or elsewhere.
   */
  start(source: SourceRow): Promise<{ runId: number | undefined; queued: boolean }>;
}

/** What "run now" needs of the job queue. */
export type SourceRunQueue = Pick<CrawlQueue, 'enqueue'>;

export interface SourceRunnerOptions {
  /** The job queue once attached (a PostgreSQL server's); undefined: runs stay in this process. */
  queue?: () => SourceRunQueue | undefined;
}

export function createSourceRunner(app: App, options: SourceRunnerOptions = {}): SourceRunner {
  const log = app.logger.child({ component: 'run-now' });
  return {
    async start(source) {
      const queue = options.queue?.();
      if (queue) {
        const jobId = await enqueueSourceRun(queue, source.id, new Date());
        if (jobId === null) throw new ConflictError(`A run of "${source.name}" is already queued or in progress; its outcome will appear under its last runs`, { sourceId: source.id });
        log.info({ source: source.name, jobId }, 'run queued for the workers');
        return { runId: undefined, queued: true };
      }
      if (isSourceRunning(source.id)) throw new ConflictError(`A run of "${source.name}" is already in progress; its outcome will appear under its last runs`, { sourceId: source.id });
      // The scheduler's own fetchers: one politeness state (host scheduler, robots cache) per process.
      const fetchers = sharedCrawlFetchers(app);
      // Answered once the run is claimed (its id known) or refused (another process holds it).
      const runId = await new Promise<number | undefined>((resolve, reject) => {
        runSource(app, source, { fetchers, onClaimed: resolve }).then(
          (summary) => {
            resolve(summary.runId);
            log.info({ source: source.name, runId: summary.runId, status: summary.status, pagesFetched: summary.pagesFetched }, 'run started in the background finished');
          },
          (error: unknown) => {
            if (error instanceof ConflictError) reject(new ConflictError(`${error.message}; try again when that run has finished`, error.details));
            else {
              resolve(undefined);
              log.error({ err: error, source: source.name }, 'run started in the background failed');
            }
          },
        );
      });
      return { runId, queued: false };
    },
  };
}
