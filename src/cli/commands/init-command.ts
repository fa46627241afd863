import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { openDatabase } from '../../../db/open-db.ts';
import { buildConfig, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine } from '../terminal-text.ts';

/** `init`: creates the data folder and the database, or brings an existing one's schema up to date. */
export function createInitCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('init')
    .description(COMMAND_DESCRIPTIONS.init)
    .option('--json', 'print {"dataDir","db","created","schemaVersion"} on one line')
    .action((options: { json?: boolean }) => {
      const config = buildConfig(io, globals());
      const created = !existsSync(config.db.path);
      mkdirSync(config.data.dir, { recursive: true });
      const database = openDatabase({ path: config.db.path, busyTimeoutMs: config.db.busyTimeoutMs });
      const schemaVersion = database.schemaVersion;
      database.close();
      const result = { dataDir: config.data.dir, db: config.db.path, created, schemaVersion };
      if (options.json) return writeLine(io.stdout, jsonLine(result));
      writeLine(io.stdout, `${created ? 'created' : 'up to date:'} database ${config.db.path} (schema ${schemaVersion})`);
      writeLine(io.stdout, `data folder: ${config.data.dir}`);
    });
}
