import pino, { type Logger } from 'pino';
import type { Config } from '../config/index.ts';

export type { Logger };

/** Structured JSON logs on stderr, so that CLI output on stdout stays machine-readable. */
export function createLogger(config: Pick<Config, 'log'>, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level: config.log.level, base: { app: 'copyhound', ...bindings } }, pino.destination(2));
}
