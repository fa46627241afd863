import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { captureStoreKind } from '../../evidence/index.ts';
import { ValidationError } from '../../errors.ts';
import { moveCaptureFilesToDatabase, type MoveResult } from '../../move-capture-files.ts';
import { startProgressBar } from '../progress-bar.ts';
import { buildConfig, withExistingDatabase, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine } from '../terminal-text.ts';

// Rows per query: a page of small rows; the files themselves are read and inserted one at a time.
const DEFAULT_BATCH_SIZE = 500;
const MAX_BATCH_SIZE = 20_000;

function parseBatchSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_BATCH_SIZE) throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  return Number(value);
}

interface MoveFlags {
  data?: string;
  batchSize: number;
  allowMissingFiles?: boolean;
  allowMismatchedFiles?: boolean;
  json?: boolean;
}

function describeMove(result: MoveResult, dataDir: string, stillFolder: boolean): string[] {
  const lines = [
    `Capture files moved into the database (table capture_files): ${result.rows} row(s) checked`,
    `  copied now: ${result.copied} file(s), ${result.bytes} bytes` + (result.unverified > 0 ? ` (${result.unverified} of them without a recorded SHA-256 to check against)` : ''),
    `  rows whose file was in the database already (an earlier run, or another row naming the same file): ${result.alreadyStored}`,
  ];
  if (result.missing.count > 0) lines.push(`  missing from the data folder, not copied: ${result.missing.count} (first: ${result.missing.paths.join(', ')})`);
  if (result.mismatched.count > 0) lines.push(`  not matching their recorded SHA-256, not copied: ${result.mismatched.count} (first: ${result.mismatched.paths.join(', ')})`);
  lines.push(`The files in ${dataDir} were left in place: nothing was deleted. Removing them is the operator's call, once the database serves them.`);
  if (stillFolder) lines.push('This installation still reads capture files from the data folder (COPYHOUND_CAPTURE_STORE=folder): set it to database (or auto), run this command again with the server stopped to move what it saved meanwhile, then restart.');
  return lines;
}

/** `captures move-to-database`, added to the `captures` command. */
export function addMoveToDatabaseCommand(command: Command, io: CliIo, globals: () => GlobalOptions): void {
  command
    .command('move-to-database')
    .description("PostgreSQL: copy the capture files every capture, render and body row names from the data folder into the database's capture_files table, each checked against its recorded SHA-256; re-runs skip files already there; the folder's files are never deleted")
    .option('--data <dir>', 'the data folder holding the capture files (default: COPYHOUND_DATA_DIR)')
    .option('--batch-size <n>', 'rows read per query', parseBatchSize, DEFAULT_BATCH_SIZE)
    .option('--allow-missing-files', 'go on past files the rows name that are not in the data folder (counted and listed) instead of stopping at the first')
    .option('--allow-mismatched-files', 'go on past files that do not match their recorded SHA-256 (not copied; counted and listed) instead of stopping at the first')
    .option('--json', 'the result as one JSON object')
    .action(async (options: MoveFlags) => {
      const config = buildConfig(io, globals());
      if (!config.db.url) {
        throw new ValidationError('captures move-to-database needs PostgreSQL (COPYHOUND_DATABASE_URL): on SQLite capture files live in the data folder, and `copyhound migrate --data DIR` copies them into PostgreSQL');
      }
      const dataDir = options.data ? resolve(options.data) : config.data.dir;
      const stillFolder = captureStoreKind(config.data.captureStore, 'pg') === 'folder';
      await withExistingDatabase(io, globals(), async (db) => {
        let bar: ReturnType<typeof startProgressBar>;
        const tty = io.stderr.isTTY === true;
        let result: MoveResult;
        try {
          result = await moveCaptureFilesToDatabase(db, {
            dataDir,
            batchSize: options.batchSize,
            allowMissing: options.allowMissingFiles === true,
            allowMismatched: options.allowMismatchedFiles === true,
            onStart: (rows) => {
              bar = startProgressBar(io.stderr, 'capture files [{bar}] {percentage}% | {value}/{total} rows | {copied} copied', rows, { copied: 0 });
              if (!tty) writeLine(io.stderr, `checking ${rows} rows that name capture files in ${dataDir}; files are copied, never deleted`);
            },
            onProgress: (soFar) => {
              bar?.update(soFar.rows, { copied: soFar.copied });
              if (!tty) writeLine(io.stderr, `checked ${soFar.rows} rows: ${soFar.copied} file(s) copied (${soFar.bytes} bytes), ${soFar.alreadyStored} already in the database`);
            },
          });
        } finally {
          bar?.stop();
        }
        if (options.json) writeLine(io.stdout, jsonLine({ ...result, dataDir, deleted: 0 }));
        else for (const line of describeMove(result, dataDir, stillFolder)) writeLine(io.stdout, line);
      });
    });
}
