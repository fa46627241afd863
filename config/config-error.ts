/**
 * A setting that cannot be used: the message names the environment variable or flag and why.
 * Its own module so the CLI's entry can recognise it without loading the schema (zod) first.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
