import { createHash } from 'node:crypto';
import { deletePrunableCaptures, listCaptureIdsInReportHistory, listPrunableCaptures, type PrunableCapture, type PruneFileFacts } from '../db/capture-retention.ts';
import type { Db } from '../db/open-db.ts';
import { ValidationError } from './errors.ts';
import type { Logger } from './log.ts';
import type { CaptureFileStore } from './evidence/capture-file-store.ts';

/**
 * `captures prune`: removes captures older than N days that nothing cites (no report, rendered
 * view, page, match, re-check, crawl state or report history names them). Each removal is a
 * `capture_pruned` custody log entry written in the transaction that deletes the row, so
 * `log verify` accepts the capture's entry without its file: a logged tombstone, never a silent
 * hole. Files are removed after the commit.
 */

// A capture is saved (its own transaction) before the page, match and report rows that cite it
// are written; a day is far beyond that gap, so a capture in flight is never taken for uncited.
export const MIN_OLDER_THAN_DAYS = 1;
// One call's bound when the caller names none: a few seconds of work, repeated by the operator.
export const DEFAULT_PRUNE_LIMIT = 1000;
// Beyond this per call, a run holds the data folder busy for long; call again instead.
export const MAX_PRUNE_LIMIT = 100_000;
// Captures deleted per write transaction: each transaction re-reads the citing tables once under
// the write lock, so a batch keeps that lock short while the scans are shared by many captures.
const BATCH = 200;
// Captures listed one by one in the result; the counts are always complete.
const MAX_LISTED = 1000;
const DAY_MS = 86_400_000;
// The tombstone's reason: the only one today; a future per-source policy would name itself.
const REASON = 'retention';

export interface PruneDeps {
  db: Db;
  /** Where the WARC files are (the app's captureFiles). */
  captureFiles: CaptureFileStore;
  logger?: Logger;
  now?: () => Date;
}

export interface PruneOptions {
  /** Captures created more than this many days ago (an integer ≥ MIN_OLDER_THAN_DAYS). */
  olderThanDays: number;
  /** Count and list, delete nothing. */
  dryRun?: boolean;
  /** At most this many captures per call (default DEFAULT_PRUNE_LIMIT, at most MAX_PRUNE_LIMIT). */
  limit?: number;
}

export interface PrunedCaptureInfo {
  id: number;
  url: string;
  createdAt: string;
  /** Relative to the data folder. */
  warcPath: string;
  /** Size of its WARC file; null when the file was already missing. */
  bytes: number | null;
  /** The content-addressed body went too (no other capture had the same bytes). */
  bodyRemoved: boolean;
  /** Tree index of its capture_pruned entry (null in a dry run). */
  custodyIndex: number | null;
}

export interface PruneReport {
  dryRun: boolean;
  olderThanDays: number;
  /** Captures created before this instant (ISO UTC) were eligible. */
  cutoff: string;
  limit: number;
  /** Eligible captures found by this call (at most `limit`). */
  found: number;
  /** Rows deleted, each with its custody entry (0 in a dry run). */
  pruned: number;
  /** Found but cited by the time their transaction ran: kept. */
  keptCitedMeanwhile: number;
  /** Body rows removed with the last capture of their bytes. */
  bodiesRemoved: number;
  /** WARC files removed (or that would be, in a dry run). */
  filesRemoved: number;
  /** Their total size. */
  bytes: number;
  /** True when `found` reached `limit`: more eligible captures may remain; call again. */
  more: boolean;
  /** The first MAX_LISTED captures pruned (or that would be). */
  captures: PrunedCaptureInfo[];
  /** Files whose rows are gone but which could not be removed: `captures sweep` removes them later. */
  failures: { path: string; message: string }[];
}

function checkOptions(options: PruneOptions): { olderThanDays: number; limit: number } {
  const { olderThanDays, limit = DEFAULT_PRUNE_LIMIT } = options;
  if (!Number.isSafeInteger(olderThanDays) || olderThanDays < MIN_OLDER_THAN_DAYS) {
    throw new ValidationError(`olderThanDays must be a whole number of days, at least ${MIN_OLDER_THAN_DAYS}`, { field: 'olderThanDays', value: olderThanDays });
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PRUNE_LIMIT) {
    throw new ValidationError(`limit must be a whole number from 1 to ${MAX_PRUNE_LIMIT}`, { field: 'limit', value: limit });
  }
  return { olderThanDays, limit };
}

// SHA-256 of no bytes: the tombstone of a pre-log capture whose file was already gone.
const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** Up to `limit` eligible captures, skipping those report history names. */
async function findEligible(db: Db, cutoff: string, limit: number): Promise<PrunableCapture[]> {
  const inHistory = await listCaptureIdsInReportHistory(db);
  const found: PrunableCapture[] = [];
  for (let after = 0; found.length < limit; ) {
    const page = await listPrunableCaptures(db, cutoff, after, limit - found.length);
    if (page.length === 0) break;
    for (const c of page) if (!inHistory.has(c.id)) found.push(c);
    after = page.at(-1)!.id;
  }
  return found;
}

/** What the tombstone records of a file: its logged digest (or, for a capture older than the log, the file's), and its size. */
async function factsOf(files: CaptureFileStore, c: PrunableCapture): Promise<PruneFileFacts> {
  const bytes = await files.sizeOf(c.warcPath);
  const sha256 = c.warcSha256 ?? (await files.sha256Of(c.warcPath)) ?? EMPTY_SHA256;
  return { sha256, bytes };
}

/**
 * Prunes (or, with dryRun, lists) up to `limit` captures created more than `olderThanDays` days
 * ago that nothing cites. Throws ValidationError for a bad option.
 */
export async function pruneCaptures(deps: PruneDeps, options: PruneOptions): Promise<PruneReport> {
  const { olderThanDays, limit } = checkOptions(options);
  const dryRun = options.dryRun === true;
  const files = deps.captureFiles;
  const now = deps.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - olderThanDays * DAY_MS).toISOString();
  const report: PruneReport = { dryRun, olderThanDays, cutoff, limit, found: 0, pruned: 0, keptCitedMeanwhile: 0, bodiesRemoved: 0, filesRemoved: 0, bytes: 0, more: false, captures: [], failures: [] };
  const eligible = await findEligible(deps.db, cutoff, limit);
  report.found = eligible.length;
  report.more = eligible.length === limit;
  const list = (info: PrunedCaptureInfo) => {
    if (report.captures.length < MAX_LISTED) report.captures.push(info);
  };

  if (dryRun) {
    for (const c of eligible) {
      const bytes = await files.sizeOf(c.warcPath);
      if (bytes !== null) report.filesRemoved++;
      report.bytes += bytes ?? 0;
      list({ id: c.id, url: c.url, createdAt: c.createdAt, warcPath: c.warcPath, bytes, bodyRemoved: false, custodyIndex: null });
    }
    return report;
  }

  for (let i = 0; i < eligible.length; i += BATCH) {
    const batch = eligible.slice(i, i + BATCH);
    const facts = new Map<number, PruneFileFacts>();
    for (const c of batch) facts.set(c.id, await factsOf(files, c));
    const pruned = await deletePrunableCaptures(deps.db, batch, facts, { cutoff, reason: REASON, at: new Date().toISOString() });
    report.pruned += pruned.length;
    report.keptCitedMeanwhile += batch.length - pruned.length;
    // The rows are committed; now the files. A crash here leaves files no row names (an orphan
    // for `captures sweep`), never a row without its file: the order evidence needs.
    for (const p of pruned) {
      if (p.bodyRemoved) report.bodiesRemoved++;
      const bytes = facts.get(p.id)?.bytes ?? null;
      try {
        // False when gone already (the sweep got there first, or it was missing): nothing left to free.
        if (await files.remove(p.warcPath)) {
          report.filesRemoved++;
          report.bytes += bytes ?? 0;
        }
      } catch (error) {
        report.failures.push({ path: p.warcPath, message: (error as Error).message });
      }
      list({ id: p.id, url: p.url, createdAt: p.createdAt, warcPath: p.warcPath, bytes, bodyRemoved: p.bodyRemoved, custodyIndex: p.custodyIndex });
    }
  }
  deps.logger?.info({ olderThanDays, cutoff, pruned: report.pruned, filesRemoved: report.filesRemoved, bytes: report.bytes, failures: report.failures.length }, 'captures pruned');
  return report;
}
