import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type Config, type ConfigOverrides } from '../../config/index.ts';
import type { App } from '../app.ts';
import { openConfiguredDatabase, type Db } from '../../db/open-db.ts';
import { CopyhoundError } from '../errors.ts';
import { createLogger, type Logger } from '../log.ts';
import { createStderrLogDestination } from './progress-bar.ts';
import { writeLine } from './terminal-text.ts';

/** Options every command understands, given before or after the subcommand. */
export interface GlobalOptions {
  db?: string;
  logLevel?: string;
  logFormat?: string;
}

type LogLevel = Config['log']['level'];

// A command's printout is its interface; info lines would bury it. The server logs at info.
export const CLI_LOG_LEVEL: LogLevel = 'warn';
const DATABASE_FILE = 'copyhound.db';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Where passwords are read from (process.stdin when absent). */
  stdin?: NodeJS.ReadStream;
}

/**
 * The configuration for one command: defaults, environment, flags. Then the one data location:
 * the data folder made absolute (a later `cd` or a supervisor's working directory cannot move
 * it), and the database inside it unless --db or COPYHOUND_DB names another file. The log level
 * is `defaultLogLevel` unless LOG_LEVEL or --log-level says otherwise; the format "auto" becomes
 * pretty when stderr is a terminal, JSON lines otherwise.
 */
export function buildConfig(io: CliIo, globals: GlobalOptions, more: ConfigOverrides = {}, defaultLogLevel: LogLevel = CLI_LOG_LEVEL): Config {
  const overrides: ConfigOverrides = { ...more };
  if (globals.db) overrides.db = { ...overrides.db, path: globals.db };
  const log: Partial<Config['log']> = { ...overrides.log };
  if (globals.logLevel) log.level = globals.logLevel as LogLevel;
  else if (!log.level && !io.env.LOG_LEVEL) log.level = defaultLogLevel;
  if (globals.logFormat) log.format = globals.logFormat as Config['log']['format'];
  overrides.log = log;
  const config = loadConfig(io.env, overrides);
  const dataDir = resolve(config.data.dir);
  const dbGiven = Boolean(overrides.db?.path || io.env.COPYHOUND_DB);
  const dbPath = !dbGiven ? join(dataDir, DATABASE_FILE) : config.db.path === ':memory:' ? config.db.path : resolve(config.db.path);
  const format = config.log.format === 'auto' ? (io.stderr.isTTY ? 'pretty' : 'json') : config.log.format;
  return { ...config, data: { ...config.data, dir: dataDir }, db: { ...config.db, path: dbPath }, log: { ...config.log, format } };
}

/** The CLI's logger: on the command's stderr, below a progress bar when one is running. */
export function createCliLogger(io: CliIo, config: Config): Logger {
  return createLogger(config, {}, createStderrLogDestination(io.stderr));
}

/** What a command that only reads says when there is nothing to read: it never creates a database. */
export function ensureDatabaseExists(config: Config): void {
  // A PostgreSQL server is there or not: opening it says which (and applies its migrations).
  if (config.db.url || config.db.path === ':memory:' || existsSync(config.db.path)) return;
  throw new CopyhoundError('no_database', `no database at ${config.db.path}; run \`copyhound init\` or \`serve\` first (or give --db / COPYHOUND_DATA_DIR)`, { path: config.db.path });
}

export interface WithAppOptions {
  /** A command that only reads: refused with a clear line when the database does not exist yet. */
  readOnly?: boolean;
}

/** Opens the app for one command and always closes it, whatever the command does. */
export async function withApp<T>(io: CliIo, globals: GlobalOptions, run: (app: App) => Promise<T> | T, more: ConfigOverrides = {}, options: WithAppOptions = {}): Promise<T> {
  const config = buildConfig(io, globals, more);
  if (options.readOnly) ensureDatabaseExists(config);
  const { openApp } = await import('../app.ts');
  const app = await openApp(config, createCliLogger(io, config));
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

/** withApp for a command that only reads: it never creates a database. */
export async function withExistingApp<T>(io: CliIo, globals: GlobalOptions, run: (app: App) => Promise<T> | T): Promise<T> {
  return await withApp(io, globals, run, {}, { readOnly: true });
}

/**
 * For a command that only reads rows: the database alone, opened (migrations applied) and closed,
 * without the capture store, the page workers or the matcher that `withApp` brings.
 */
export async function withExistingDatabase<T>(io: CliIo, globals: GlobalOptions, run: (db: Db, config: Config) => Promise<T> | T): Promise<T> {
  const config = buildConfig(io, globals);
  ensureDatabaseExists(config);
  const database = await openConfiguredDatabase({ path: config.db.path, url: config.db.url, poolSize: config.db.poolSize, busyTimeoutMs: config.db.busyTimeoutMs, cacheMb: config.db.cacheMb, mmapMb: config.db.mmapMb });
  try {
    return await run(database.db, config);
  } finally {
    await database.close();
  }
}

export { writeLine };

/**
 * Who a CLI command acts as, recorded on what it writes (consents, report history). Accounts
 * arrive with the next issue; until then every local command is "local".
 */
export const CLI_ACTOR = 'local';
