import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { openDatabase, type OpenDatabase } from '../../../db/open-db.ts';
import { hidePassword, openPgDatabase } from '../../../db/pg-database.ts';
import { migrateDatabase, MigrationMismatchError, type MigrationResult } from '../../database-migration.ts';
import { ValidationError } from '../../errors.ts';
import { captureStoreKind } from '../../evidence/index.ts';
import { startProgressBar } from '../progress-bar.ts';
import { buildConfig, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine } from '../terminal-text.ts';

const EXIT_FAILURE = 1;
const DEFAULT_BATCH_SIZE = 2000;
const MAX_BATCH_SIZE = 20_000;
// The copy runs in one transaction on one connection; a second serves the migration journal at open.
const TARGET_POOL_SIZE = 2;
const BUSY_TIMEOUT_MS = 5000;
// Without a terminal, one line per this many files: progress in a log without a line per file.
const FILES_PER_PROGRESS_LINE = 1000;

function parseBatchSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_BATCH_SIZE) throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  return Number(value);
}

function describeResult(result: MigrationResult): string[] {
  const width = Math.max(...result.tables.map((t) => t.table.length), 'TABLE'.length);
  const lines = [`${'TABLE'.padEnd(width)}  ${'SQLITE'.padStart(9)}  ${'POSTGRES'.padStart(9)}  CONTENT`];
  for (const t of result.tables) {
    const same = t.source === t.target && t.sourceDigest === t.targetDigest;
    lines.push(`${t.table.padEnd(width)}  ${String(t.source).padStart(9)}  ${String(t.target).padStart(9)}  ${same ? 'same' : 'DIFFERS'}`);
  }
  const { source, target } = result.custody;
  lines.push(`custody log (SQLite):     ${source.size} entries, root ${source.rootHash}`);
  lines.push(`custody log (PostgreSQL): ${target.size} entries, root ${target.rootHash}`);
  const files = result.files;
  if (files) {
    lines.push(`capture files: ${files.source} named, ${files.target} stored in the database (${files.bytes} bytes)`);
    if (files.missing.count > 0) lines.push(`  missing from the data folder, not copied: ${files.missing.count} (first: ${files.missing.paths.join(', ')})`);
  } else lines.push('capture files: left in the data folder (COPYHOUND_CAPTURE_STORE=folder)');
  lines.push(result.ok ? `OK: ${result.rows} rows copied and verified; committed` : 'FAILED: the copy differs from the source; nothing was committed');
  return lines;
}

export function createMigrateCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  return new Command('migrate')
    .description(COMMAND_DESCRIPTIONS.migrate)
    .requiredOption('--from <file>', 'the SQLite database file to copy (stop the server using it first)')
    .requiredOption('--to <url>', 'the PostgreSQL connection string (postgres://…); its database or schema must hold no rows')
    .option('--batch-size <n>', 'rows read and inserted per batch', parseBatchSize, DEFAULT_BATCH_SIZE)
    .option('--data <dir>', "the SQLite installation's data folder, whose capture files are copied into the database (default: COPYHOUND_DATA_DIR)")
    .option('--allow-missing-files', 'migrate even when capture files the rows name are not in the data folder (they are counted and listed)')
    .option('--json', 'print the comparison as one JSON object')
    .action(async (options: { from: string; to: string; batchSize: number; data?: string; allowMissingFiles?: boolean; json?: boolean }) => {
      const from = resolve(options.from);
      const config = buildConfig(io, globals());
      // The target's store, as its processes will see it: on PostgreSQL `auto` is the database.
      const copyFiles = captureStoreKind(config.data.captureStore, 'pg') === 'database';
      const sourceDir = options.data ? resolve(options.data) : config.data.dir;
      // openDatabase would make a new empty file; a typo must not migrate nothing successfully.
      if (!existsSync(from)) throw new ValidationError(`no SQLite database at ${from}`);
      if (!/^postgres(ql)?:\/\//.test(options.to)) throw new ValidationError('--to must be a PostgreSQL connection string (postgres://user@host:5432/database)');
      const source = openDatabase({ path: from, busyTimeoutMs: BUSY_TIMEOUT_MS });
      let target: OpenDatabase | undefined;
      try {
        target = await openPgDatabase({ url: options.to, poolSize: TARGET_POOL_SIZE, applicationName: 'copyhound migrate' });
        let bar: ReturnType<typeof startProgressBar>;
        let done = 0;
        const tty = io.stderr.isTTY === true;
        let result: MigrationResult;
        try {
          result = await migrateDatabase(source.db, target.db, {
            batchSize: options.batchSize,
            onStart: (total) => {
              bar = startProgressBar(io.stderr, 'migrating [{bar}] {percentage}% | {value}/{total} rows | {table}', total, { table: '' });
              if (!tty) writeLine(io.stderr, `copying ${total} rows from ${from} to ${hidePassword(options.to)}`);
            },
            onRows: (table, copied) => {
              done += copied;
              bar?.update(done, { table });
            },
            onTableDone: (table, rows) => {
              if (!tty) writeLine(io.stderr, `copied ${table}: ${rows} rows`);
            },
            files: copyFiles ? {
              sourceDir,
              allowMissing: options.allowMissingFiles === true,
              onFilesStart: (total) => {
                bar?.stop();
                done = 0;
                bar = startProgressBar(io.stderr, 'capture files [{bar}] {percentage}% | {value}/{total} files', total, {});
                if (!tty) writeLine(io.stderr, `copying ${total} capture files from ${sourceDir} into the database`);
              },
              onFile: () => {
                done += 1;
                bar?.update(done);
                if (!tty && done % FILES_PER_PROGRESS_LINE === 0) writeLine(io.stderr, `copied ${done} capture files`);
              },
            } : undefined,
          });
        } catch (error) {
          if (!(error instanceof MigrationMismatchError)) throw error;
          result = error.result;
        } finally {
          bar?.stop();
        }
        if (options.json) writeLine(io.stdout, jsonLine(result));
        else for (const line of describeResult(result)) writeLine(io.stdout, line);
        if (!result.ok) setExit(EXIT_FAILURE);
      } finally {
        await target?.close();
        await source.close();
      }
    });
}
