import { countCaptureFiles, deleteOrphanCaptureFile, findCapturesWithoutFile, listUnreferencedCaptureFiles } from '../../db/capture-files.ts';
import type { SweepOptions, SweepReport } from './sweep-orphans.ts';

// Rows read per query: small enough that a sweep beside `serve` never holds the event loop long.
const ROWS_PER_PAGE = 1000;
// Paths and ids listed in a report; the counts are always complete (as in sweep-orphans.ts).
const MAX_LISTED = 1000;

/**
 * The orphan sweep of the database store: capture_files rows no capture, body or render row names
 * (a crash between the file's INSERT and the commit of the rows naming it), written before the grace period,
 * are deleted; each DELETE checks again that nothing names the row, so a save that committed
 * meanwhile keeps its file. There are no temp files: a row is written whole or not at all.
 * Capture rows whose file row is missing are reported, never deleted.
 */
export async function sweepOrphanFileRows(options: SweepOptions, report: SweepReport): Promise<SweepReport> {
  const { db, graceMs, dryRun = false, logger, signal } = options;
  const cutoff = new Date((options.now ?? Date.now)() - graceMs).toISOString();
  report.filesScanned = await countCaptureFiles(db);
  for (let after = ''; ; ) {
    const page = await listUnreferencedCaptureFiles(db, after, ROWS_PER_PAGE);
    for (const file of page) {
      signal?.throwIfAborted();
      if (file.createdAt >= cutoff) {
        report.keptRecent += 1;
        continue;
      }
      report.orphans.found += 1;
      report.orphans.bytes += file.size;
      if (report.orphans.paths.length < MAX_LISTED) report.orphans.paths.push(file.path);
      if (dryRun) continue;
      try {
        if (await deleteOrphanCaptureFile(db, file.path, cutoff)) report.orphans.removed += 1;
      } catch (error) {
        report.failures.push({ path: file.path, message: (error as Error).message });
      }
    }
    if (page.length < ROWS_PER_PAGE) break;
    after = page[page.length - 1].path;
  }
  const missing = await findCapturesWithoutFile(db, MAX_LISTED);
  report.missingFiles = { count: missing.count, captureIds: missing.ids };
  logger?.info({ store: 'database', scanned: report.filesScanned, orphans: report.orphans.found, removed: report.orphans.removed, keptRecent: report.keptRecent, missingFiles: missing.count, dryRun }, 'capture sweep done');
  if (missing.count > 0) logger?.warn({ count: missing.count, captureIds: missing.ids.slice(0, 20) }, 'capture rows whose WARC file is missing');
  if (report.failures.length > 0) logger?.warn({ failures: report.failures.slice(0, 20) }, 'capture sweep could not remove some files');
  return report;
}
