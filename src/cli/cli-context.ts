import { loadConfig, type Config, type ConfigOverrides } from '../../config/index.ts';
import { openApp, type App } from '../app.ts';
import { createLogger } from '../log.ts';

/** Options every command understands, given before or after the subcommand. */
export interface GlobalOptions {
  db?: string;
  logLevel?: string;
}

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Where passwords are read from (process.stdin when absent). */
  stdin?: NodeJS.ReadStream;
}

export function buildConfig(io: CliIo, globals: GlobalOptions, more: ConfigOverrides = {}): Config {
  const overrides: ConfigOverrides = { ...more };
  if (globals.db) overrides.db = { ...overrides.db, path: globals.db };
  if (globals.logLevel) overrides.log = { ...overrides.log, level: globals.logLevel as Config['log']['level'] };
  return loadConfig(io.env, overrides);
}

/** Opens the app for one command and always closes it, whatever the command does. */
export async function withApp<T>(io: CliIo, globals: GlobalOptions, run: (app: App) => Promise<T> | T, more: ConfigOverrides = {}): Promise<T> {
  const config = buildConfig(io, globals, more);
  const app = openApp(config, createLogger(config));
  try {
    return await run(app);
  } finally {
    app.close();
  }
}

export function writeLine(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

/**
 * Who a CLI command acts as, recorded on what it writes (consents, report history). Accounts
 * arrive with the next issue; until then every local command is "local".
 */
export const CLI_ACTOR = 'local';
