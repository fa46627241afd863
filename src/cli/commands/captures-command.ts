import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import type { App } from '../../app.ts';
import { orphanGraceMs, sweepOrphanCaptures, type SweepReport } from '../../evidence/index.ts';
import { DEFAULT_PRUNE_LIMIT, MAX_PRUNE_LIMIT, MIN_OLDER_THAN_DAYS, pruneCaptures, type PruneReport } from '../../capture-retention.ts';
import { withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { addMoveToDatabaseCommand } from './captures-move-command.ts';
import { showInline } from '../terminal-text.ts';

const EXIT_FAILURE = 1;
// Ids listed on one line of the human summary; --json has them all (up to the report's cap).
const IDS_SHOWN = 20;

/** The sweep with this app's data dir and a grace long enough for its busy timeout. */
export function sweepCaptures(app: App, dryRun: boolean, signal?: AbortSignal): Promise<SweepReport> {
  return sweepOrphanCaptures({
    signal,
    db: app.database.db,
    dataDir: app.config.data.dir,
    captureFiles: app.captureFiles,
    graceMs: orphanGraceMs(app.config.db.busyTimeoutMs),
    dryRun,
    logger: app.logger,
  });
}

function describeSweep(report: SweepReport): string[] {
  const minutes = `${Math.round(report.graceMs / 60_000)} min`;
  const verb = report.dryRun ? 'would be removed' : 'removed';
  const files = (f: SweepReport['orphans']) => `${f.found} found, ${report.dryRun ? f.found : f.removed} ${verb}, ${f.bytes} bytes`;
  const lines = [
    `Capture sweep${report.dryRun ? ' (dry run: nothing removed)' : ''}: ${report.filesScanned} capture file(s) scanned`,
    `  orphan WARC files (no capture row, older than ${minutes}): ${files(report.orphans)}`,
    `  leftover temp files (writer gone or older than ${minutes}): ${files(report.tempFiles)}`,
    `  kept, younger than ${minutes} (may be a save in progress): ${report.keptRecent}`,
    `  other files left alone: ${report.otherFiles}`,
    `  capture rows whose WARC file is missing (kept; evidence is never deleted): ${report.missingFiles.count}` +
      (report.missingFiles.count > 0 ? ` (ids ${report.missingFiles.captureIds.slice(0, IDS_SHOWN).join(', ')}${report.missingFiles.count > IDS_SHOWN ? ', …' : ''})` : ''),
  ];
  for (const path of [...report.orphans.paths, ...report.tempFiles.paths]) lines.push(`  ${report.dryRun ? 'would remove' : 'removed'} ${path}`);
  for (const failure of report.failures) lines.push(`  could not remove ${failure.path}: ${failure.message}`);
  return lines;
}

function describePrune(report: PruneReport): string[] {
  const verb = report.dryRun ? 'would be pruned' : 'pruned';
  const lines = [
    `Capture prune${report.dryRun ? ' (dry run: nothing removed)' : ''}: captures created before ${report.cutoff} (${report.olderThanDays} days) that nothing cites`,
    `  found ${report.found}, ${report.dryRun ? report.found : report.pruned} ${verb}, ${report.filesRemoved} file(s), ${report.bytes} bytes` +
      (report.keptCitedMeanwhile > 0 ? `; ${report.keptCitedMeanwhile} kept (cited meanwhile)` : ''),
  ];
  for (const c of report.captures.slice(0, IDS_SHOWN)) lines.push(`  ${report.dryRun ? 'would prune' : 'pruned'} capture ${c.id} (${c.createdAt}) ${showInline(c.url)}`);
  if (report.captures.length > IDS_SHOWN) lines.push(`  … and ${report.captures.length - IDS_SHOWN} more (--json lists them)`);
  if (report.more) lines.push(`  more may remain: the limit (${report.limit}) was reached; run again`);
  for (const failure of report.failures) lines.push(`  could not remove ${failure.path}: ${failure.message} (captures sweep removes it later)`);
  return lines;
}

/** A flag's whole number in [min, max]; anything else is a usage error (exit 2) naming the flag. */
function parseWhole(min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

export function createCapturesCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  const command = new Command('captures').description(COMMAND_DESCRIPTIONS.captures);

  command
    .command('sweep')
    .description('Remove capture files no row refers to (left by a crash) and report rows whose file is missing')
    .option('--dry-run', 'report what would be removed, remove nothing')
    .option('--json', 'the report as one JSON object')
    .action(async (options: { dryRun?: boolean; json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const report = await sweepCaptures(app, options.dryRun === true);
        if (options.json) writeLine(io.stdout, JSON.stringify(report));
        else for (const line of describeSweep(report)) writeLine(io.stdout, line);
        // Missing files are reported, not a failure of the sweep; a file it could not remove is.
        if (report.failures.length > 0) setExit(EXIT_FAILURE);
      });
    });

  command
    .command('prune')
    .description('Remove captures older than DAYS that nothing cites (no report, rendered view, page, match, re-check or crawl state), each under a capture_pruned custody log entry')
    .requiredOption('--older-than <days>', `age in whole days (≥ ${MIN_OLDER_THAN_DAYS})`, parseWhole(MIN_OLDER_THAN_DAYS, Number.MAX_SAFE_INTEGER))
    .option('--limit <n>', `captures per call (default ${DEFAULT_PRUNE_LIMIT}); run again while more remain`, parseWhole(1, MAX_PRUNE_LIMIT))
    .option('--dry-run', 'list what would be pruned, remove nothing')
    .option('--json', 'the report as one JSON object')
    .action(async (options: { olderThan: number; limit?: number; dryRun?: boolean; json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const report = await pruneCaptures(
          { db: app.database.db, captureFiles: app.captureFiles, logger: app.logger },
          { olderThanDays: options.olderThan, limit: options.limit, dryRun: options.dryRun === true },
        );
        if (options.json) writeLine(io.stdout, JSON.stringify(report));
        else for (const line of describePrune(report)) writeLine(io.stdout, line);
        if (report.failures.length > 0) setExit(EXIT_FAILURE);
      });
    });

  addMoveToDatabaseCommand(command, io, globals);
  return command;
}
