import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';
import type { prettyFactory as PrettyFactory } from 'pino-pretty';
import type { Config } from '../config/index.ts';

export type { Logger };

/** Where log lines go when not straight to fd 2: the CLI's stderr, which a progress bar shares. */
export interface LogDestination {
  write(line: string): unknown;
}

// pino-pretty (and its dependencies) loads only for a terminal: a command in a pipe or under a
// supervisor logs JSON and should not pay for it at start. Synchronous, as creating a logger is.
const requirePretty = (): typeof PrettyFactory => (createRequire(import.meta.url)('pino-pretty') as { prettyFactory: typeof PrettyFactory }).prettyFactory;

// Fields every line carries that a person at a terminal does not need to read on each line.
const PRETTY_HIDDEN_FIELDS = 'pid,hostname,app';

/**
 * The log on stderr, so that CLI output on stdout stays machine-readable: JSON lines, or with
 * `log.format` "pretty" one readable line per entry (pino-pretty, formatted in this thread so a
 * line is written before the next statement runs). "auto" is decided by the CLI, which knows
 * whether stderr is a terminal; anywhere else it means JSON.
 */
export function createLogger(config: Pick<Config, 'log'>, bindings: Record<string, unknown> = {}, destination?: LogDestination): Logger {
  const options = { level: config.log.level, base: { app: 'copyhound', ...bindings } };
  if (config.log.format === 'pretty') {
    const format = requirePretty()({ ignore: PRETTY_HIDDEN_FIELDS, translateTime: 'SYS:HH:MM:ss', singleLine: true });
    const out = destination ?? process.stderr;
    return pino(options, { write: (line: string) => out.write(format(line)) });
  }
  return pino(options, destination ?? pino.destination(2));
}
