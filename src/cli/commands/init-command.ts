import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { openConfiguredDatabase } from '../../../db/open-db.ts';
import { buildConfig, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine } from '../terminal-text.ts';

/** `init`: creates the data folder and the database, or brings an existing one's schema up to date. */
export function createInitCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('init')
    .description(COMMAND_DESCRIPTIONS.init)
    .option('--json', 'print {"dataDir","db","created","schemaVersion"} on one line')
    .action(async (options: { json?: boolean }) => {
      const config = buildConfig(io, globals());
      // PostgreSQL: the database (or schema) is the operator's to create; init makes the tables.
      const fileMissing = !config.db.url && !existsSync(config.db.path);
      mkdirSync(config.data.dir, { recursive: true });
      const database = await openConfiguredDatabase({ path: config.db.path, url: config.db.url, poolSize: 1, busyTimeoutMs: config.db.busyTimeoutMs });
      const schemaVersion = database.schemaVersion;
      const created = config.db.url ? database.pgCreated === true : fileMissing;
      await database.close();
      const result = { dataDir: config.data.dir, db: database.path, created, schemaVersion };
      if (options.json) return writeLine(io.stdout, jsonLine(result));
      writeLine(io.stdout, `${created ? 'created' : 'up to date:'} database ${database.path} (schema ${schemaVersion})`);
      writeLine(io.stdout, `data folder: ${config.data.dir}`);
    });
}
