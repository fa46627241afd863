import { lstat, opendir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { listBodyFilesAfter, listCaptureFilesAfter } from '../../db/captures.ts';
import type { Db } from '../../db/open-db.ts';
import type { Logger } from '../log.ts';
import type { CaptureFileStore } from './capture-file-store.ts';
import { classifyCaptureFile, isTempOwnerDead, WARC_FOLDER } from './capture-files.ts';
import { PathHashes } from './path-hashes.ts';
import { sweepOrphanFileRows } from './sweep-orphan-rows.ts';

// A file no row refers to may be a save in flight in another process: written and renamed, its
// transaction waiting for the write lock (up to the busy timeout). Ten minutes is far beyond any
// such wait, and orphans are rare (a crash between rename and commit), so waiting costs nothing.
export const ORPHAN_GRACE_MS = 10 * 60_000;
// Rows read per query: small enough that a sweep beside `serve` never holds the event loop long.
const ROWS_PER_PAGE = 5000;
// Paths and ids listed in a report; the counts are always complete.
const MAX_LISTED = 1000;

/** The grace period for a database whose writers may wait `busyTimeoutMs` for the lock. */
export function orphanGraceMs(busyTimeoutMs: number): number {
  return Math.max(ORPHAN_GRACE_MS, 2 * busyTimeoutMs);
}

export interface SweptFiles {
  found: number;
  removed: number;
  /** Size of the files found (freed, or freed by a run without --dry-run). */
  bytes: number;
  /** Relative to the data dir; the first MAX_LISTED. */
  paths: string[];
}

export interface SweepReport {
  dryRun: boolean;
  graceMs: number;
  /** Files named like captures (complete or temp) that were looked at. */
  filesScanned: number;
  /** Complete WARC files that no capture row refers to, older than the grace period. */
  orphans: SweptFiles;
  /** Temp files left by a write that never finished: their process is gone, or they are older than the grace. */
  tempFiles: SweptFiles;
  /** Unreferenced files and temp files younger than the grace: maybe a save in flight; left alone. */
  keptRecent: number;
  /** Files in the warc folder not named like captures: not ours to judge; left alone. */
  otherFiles: number;
  /** Capture rows whose WARC file is gone. Evidence: reported, never deleted. */
  missingFiles: { count: number; captureIds: number[] };
  failures: { path: string; message: string }[];
}

export interface SweepOptions {
  db: Db;
  dataDir: string;
  /** Where the WARC files are; the data folder when not given. The database store is swept by sweep-orphan-rows.ts. */
  captureFiles?: CaptureFileStore;
  graceMs: number;
  dryRun?: boolean;
  logger?: Logger;
  now?: () => number;
  /** Stops the sweep between pages and files (a shutting-down server); it then rejects with the signal's reason. */
  signal?: AbortSignal;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every file under `dir` (depth first), as paths relative to `root`; symlinks are not followed. */
async function* walkFiles(root: string, dir: string): AsyncGenerator<{ relative: string; name: string }> {
  let handle;
  try {
    handle = await opendir(join(root, dir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for await (const entry of handle) {
    const relative = join(dir, entry.name);
    if (entry.isDirectory()) yield* walkFiles(root, relative);
    else if (entry.isFile()) yield { relative, name: entry.name };
  }
}

/** Reads every capture row's and body row's file path (in pages), noting which rows exist for missing-file checks. */
async function readReferences(db: Db, signal: AbortSignal | undefined): Promise<{ referenced: PathHashes; rows: { ids: number[]; hashes: PathHashes } }> {
  const referenced = new PathHashes();
  const rowHashes = new PathHashes();
  const ids: number[] = [];
  for (let after = 0; ; ) {
    const page = await listCaptureFilesAfter(db, after, ROWS_PER_PAGE);
    for (const row of page) {
      referenced.add(row.warcPath);
      rowHashes.add(row.warcPath);
      ids.push(row.id);
    }
    if (page.length < ROWS_PER_PAGE) break;
    after = page[page.length - 1].id;
    await yieldToEventLoop();
    signal?.throwIfAborted();
  }
  // Body rows point at a capture's file too; read them anyway so no referenced file is ever judged by one table alone.
  for (let after = ''; ; ) {
    const page = await listBodyFilesAfter(db, after, ROWS_PER_PAGE);
    for (const row of page) referenced.add(row.warcPath);
    if (page.length < ROWS_PER_PAGE) break;
    after = page[page.length - 1].sha256;
    await yieldToEventLoop();
    signal?.throwIfAborted();
  }
  referenced.seal();
  return { referenced, rows: { ids, hashes: rowHashes } };
}

function emptyFiles(): SweptFiles {
  return { found: 0, removed: 0, bytes: 0, paths: [] };
}

/**
 * Finds capture files no row refers to (a crash between the WARC rename and the row's commit, or
 * a temp file of a write that never finished) and removes them; the row is the source of truth,
 * and a file without one was never reported as evidence. Files younger than the grace period may
 * be a save in flight in another process and are left alone, as are temp files whose writer is
 * alive. Rows whose file is missing are reported, never deleted.
 */
export async function sweepOrphanCaptures(options: SweepOptions): Promise<SweepReport> {
  const { db, dataDir, graceMs, dryRun = false, logger, signal } = options;
  const now = options.now ?? Date.now;
  const report: SweepReport = {
    dryRun,
    graceMs,
    filesScanned: 0,
    orphans: emptyFiles(),
    tempFiles: emptyFiles(),
    keptRecent: 0,
    otherFiles: 0,
    missingFiles: { count: 0, captureIds: [] },
    failures: [],
  };
  if (options.captureFiles?.kind === 'database') return await sweepOrphanFileRows(options, report);
  // Rows first, then files: a row is committed only after its file is in place, so every row
  // read here has its file on disk by the time the folder is walked (unless it is truly missing).
  const { referenced, rows } = await readReferences(db, signal);
  const present = new PathHashes();

  const sweep = async (target: SweptFiles, relative: string, size: number) => {
    target.found += 1;
    target.bytes += size;
    if (target.paths.length < MAX_LISTED) target.paths.push(relative);
    if (dryRun) return;
    try {
      await unlink(join(dataDir, relative));
      target.removed += 1;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // Gone meanwhile: nothing to do.
      report.failures.push({ path: relative, message: (error as Error).message });
    }
  };

  for await (const { relative, name } of walkFiles(dataDir, WARC_FOLDER)) {
    signal?.throwIfAborted();
    const file = classifyCaptureFile(name);
    if (file.kind === 'other') {
      report.otherFiles += 1;
      continue;
    }
    report.filesScanned += 1;
    if (file.kind === 'capture') {
      present.add(relative);
      if (referenced.has(relative)) continue;
    }
    const stats = await lstat(join(dataDir, relative)).catch(() => undefined);
    if (!stats) continue; // Renamed or removed while we looked: a live writer's business.
    const old = now() - stats.mtimeMs > graceMs;
    if (file.kind === 'capture') {
      if (old) await sweep(report.orphans, relative, stats.size);
      else report.keptRecent += 1;
    } else if (old || isTempOwnerDead(file.owner)) {
      await sweep(report.tempFiles, relative, stats.size);
    } else {
      report.keptRecent += 1;
    }
  }

  present.seal();
  rows.hashes.forEach((hash, i) => {
    if (present.hasHash(hash)) return;
    report.missingFiles.count += 1;
    if (report.missingFiles.captureIds.length < MAX_LISTED) report.missingFiles.captureIds.push(rows.ids[i]);
  });

  const summary = {
    dryRun,
    filesScanned: report.filesScanned,
    orphans: { found: report.orphans.found, removed: report.orphans.removed, bytes: report.orphans.bytes },
    tempFiles: { found: report.tempFiles.found, removed: report.tempFiles.removed, bytes: report.tempFiles.bytes },
    keptRecent: report.keptRecent,
    missingFiles: report.missingFiles.count,
  };
  logger?.info(summary, 'capture sweep done');
  if (report.missingFiles.count > 0) {
    logger?.warn({ count: report.missingFiles.count, captureIds: report.missingFiles.captureIds.slice(0, 20) }, 'capture rows whose WARC file is missing');
  }
  if (report.failures.length > 0) logger?.warn({ failures: report.failures.slice(0, 20) }, 'capture sweep could not remove some files');
  return report;
}
