import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { restoreBackup, takeBackup, type RestoreReport } from '../../backup-admin.ts';
import { BACKUP_DATABASE_FILE } from '../../backup/manifest.ts';
import { ValidationError } from '../../errors.ts';
import { buildConfig, withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';

const EXIT_FAILURE = 1;
// Problems printed one per line; --json has every one the verification listed.
const PROBLEMS_SHOWN = 20;

function describeRestore(report: RestoreReport): string[] {
  const v = report.custodyLog.verification;
  const lines = [
    `restored ${report.dbPath} and ${report.filesRestored} capture file(s) into ${report.dataDir} (${report.bytes} bytes)`,
    `  integrity check: ${report.integrityCheck.slice(0, PROBLEMS_SHOWN).join('; ')}`,
    `  custody log: ${report.custodyLog.size} entries, root ${report.custodyLog.rootHash}${report.custodyLog.matchesManifest ? ' (as in the manifest)' : ' (NOT the manifest\'s size and root)'}`,
    `  custody log verification: ${v.problemCount === 0 ? `ok (${v.recordsChecked} records, ${v.filesChecked} files checked)` : `${v.problemCount} problem(s)`}`,
  ];
  for (const problem of v.problems.slice(0, PROBLEMS_SHOWN)) lines.push(`    ${problem}`);
  lines.push(report.ok ? 'restore verified' : 'restore NOT verified: see the problems above');
  return lines;
}

/** `copyhound backup DIR` and `copyhound restore DIR`. */
export function createBackupCommands(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command[] {
  const backup = new Command('backup')
    .description(COMMAND_DESCRIPTIONS.backup)
    .argument('<dir>', 'folder for the backup (new or empty)')
    .option('--json', 'the summary as one JSON object')
    .action(async (dir: string, o: { json?: boolean }) => {
      const config = buildConfig(io, globals());
      // A backup of nothing is a mistake (a wrong --db or data folder), not an empty backup.
      if (config.db.path !== ':memory:' && !existsSync(config.db.path)) throw new ValidationError(`no database at ${config.db.path}: nothing to back up`, { field: 'db', path: config.db.path });
      await withExistingApp(io, globals(), async (app) => {
        const manifest = await takeBackup(app, dir);
        const bytes = manifest.files.reduce((sum, f) => sum + f.size, manifest.database.size);
        const summary = { dir: resolve(dir), createdAt: manifest.createdAt, copyhoundVersion: manifest.copyhoundVersion, database: manifest.database, custodyLog: manifest.custodyLog, files: manifest.files.length, bytes, missingFiles: manifest.missingFiles };
        if (o.json) writeLine(io.stdout, JSON.stringify(summary));
        else {
          writeLine(io.stdout, `backup in ${summary.dir}: database ${manifest.database.size} bytes, ${manifest.files.length} capture file(s), ${bytes} bytes in all`);
          writeLine(io.stdout, `  custody log: ${manifest.custodyLog.size} entries, root ${manifest.custodyLog.rootHash}`);
        }
        if (manifest.missingFiles.length > 0) {
          writeLine(io.stderr, `error: ${manifest.missingFiles.length} capture file(s) named by the database were already missing (listed in the manifest's missingFiles); see \`copyhound captures sweep\``);
          setExit(EXIT_FAILURE);
        }
      });
    });

  const restore = new Command('restore')
    .description(COMMAND_DESCRIPTIONS.restore)
    .argument('<dir>', 'a folder made by `copyhound backup`')
    .option('--to <data-dir>', `restore into this data folder (the database as ${BACKUP_DATABASE_FILE} in it); default: the configured database and data folder`)
    .option('--force', 'replace an existing database')
    .option('--json', 'the report as one JSON object')
    .action(async (dir: string, o: { to?: string; force?: boolean; json?: boolean }) => {
      const config = buildConfig(io, globals());
      const dataDir = o.to ? resolve(o.to) : resolve(config.data.dir);
      const dbPath = o.to ? join(dataDir, BACKUP_DATABASE_FILE) : resolve(config.db.path);
      const report = await restoreBackup(dir, { dataDir, dbPath, force: o.force === true, busyTimeoutMs: config.db.busyTimeoutMs });
      if (o.json) writeLine(io.stdout, JSON.stringify(report));
      else for (const line of describeRestore(report)) writeLine(io.stdout, line);
      if (!report.ok) setExit(EXIT_FAILURE);
    });

  return [backup, restore];
}
