import { DrizzleQueryError } from 'drizzle-orm';
import { PgPreparedQuery } from 'drizzle-orm/pg-core';

/**
 * drizzle's DrizzleQueryError names a failed statement with every bound value ("Failed query: …
 * params: …", and a `params` property), and PostgreSQL's own error often repeats values in its
 * `detail` ("Failing row contains (…)", "Key (email)=(…) already exists") or message ("invalid
 * input syntax for type integer: "…""). Those values are article text, password hashes, token
 * hashes: they must reach neither a log nor an API answer. Every PostgreSQL query error is
 * redacted where drizzle makes it, so no caller (HTTP handler, CLI, worker, log line) has to
 * remember to. What an operator needs stays: the SQL text with its $n placeholders, PostgreSQL's
 * message, SQLSTATE code, and the schema, table, column and constraint it names.
 *
 * SQLite needs none of this: better-sqlite3 runs statements synchronously, drizzle does not wrap
 * its errors, and SqliteError messages name constraints and columns, never values.
 */

// The driver error's fields that may carry row or parameter values; cleared, not kept anywhere.
const VALUE_FIELDS = ['detail', 'where', 'internalQuery'] as const;
// Values this short are left alone in an unquoted message: "1" would rewrite every digit.
const MIN_UNQUOTED_VALUE_CHARS = 8;

type RunQuery = (queryString: string, params: unknown[], query: () => Promise<unknown>) => Promise<unknown>;

let installed = false;

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** `message` with every bound value it repeats replaced by its placeholder ($1, $2, …). */
function withoutValues(message: string, params: readonly unknown[]): string {
  let result = message;
  params.forEach((param, i) => {
    const text = textOf(param);
    if (text === undefined || text === '') return;
    result = result.split(`"${text}"`).join(`"$${i + 1}"`);
    if (text.length >= MIN_UNQUOTED_VALUE_CHARS) result = result.split(text).join(`$${i + 1}`);
  });
  return result;
}

/** The stack with its first lines (name and message, which may span lines) replaced by `header`. */
function restack(stack: string | undefined, header: string): string {
  const frames = (stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [header, ...frames].join('\n');
}

/**
 * The driver's error with values cleared from its fields and message, changed in place; its code
 * and names kept. For statements sent to node-postgres directly (queryWithoutValues).
 */
export function redactDriverError(error: unknown, params: readonly unknown[]): unknown {
  if (!(error instanceof Error)) return error;
  const fields = error as Error & Record<string, unknown>;
  for (const field of VALUE_FIELDS) if (field in fields) fields[field] = undefined;
  error.message = withoutValues(error.message, params);
  error.stack = restack(error.stack, `${error.name}: ${error.message}`);
  return error;
}

/** A node-postgres statement as sent directly: its text and the values bound to it. */
export interface DirectQuery {
  text: string;
  values: unknown[];
  name?: string;
  rowMode?: 'array';
}

/**
 * Runs a statement sent to node-postgres directly (not through drizzle, which install below
 * covers); if it fails, the error carries no bound value (redactDriverError).
 */
export async function queryWithoutValues<R>(runner: { query(query: DirectQuery): Promise<R> }, query: DirectQuery): Promise<R> {
  try {
    return await runner.query(query);
  } catch (error) {
    throw redactDriverError(error, query.values);
  }
}

/**
 * The error with no bound value left in it, changed in place (callers still see a
 * DrizzleQueryError whose `cause` carries PostgreSQL's code): "Failed query: <SQL>: <reason>".
 */
export function redactQueryError(error: unknown, params: readonly unknown[]): unknown {
  if (!(error instanceof DrizzleQueryError)) return error;
  redactDriverError(error.cause, params);
  const cause = error.cause as (Error & { code?: unknown }) | undefined;
  const reason = cause instanceof Error ? `: ${cause.message}${typeof cause.code === 'string' ? ` (SQLSTATE ${cause.code})` : ''}` : '';
  error.message = `Failed query: ${error.query}${reason}`;
  error.stack = restack(error.stack, `${error.name}: ${error.message}`);
  // Not enumerable: a log serializer copying the error's own fields finds no `params`.
  Object.defineProperty(error, 'params', { value: [], enumerable: false, writable: true, configurable: true });
  return error;
}

/**
 * Redacts every PostgreSQL query error as drizzle raises it (the one method all its PostgreSQL
 * queries, transactions included, fail through). Idempotent; called when a database opens.
 */
export function installQueryErrorRedaction(): void {
  if (installed) return;
  const prototype = PgPreparedQuery.prototype as unknown as { queryWithCache: RunQuery };
  const run = prototype.queryWithCache;
  // A drizzle upgrade that renamed it would otherwise leave every value in every error, silently.
  if (typeof run !== 'function') throw new Error('drizzle-orm: PgPreparedQuery.queryWithCache is gone; db/query-errors.ts must redact query errors another way');
  prototype.queryWithCache = async function redactedQuery(this: unknown, queryString, params, query) {
    try {
      return await run.call(this, queryString, params, query);
    } catch (error) {
      throw redactQueryError(error, params ?? []);
    }
  };
  installed = true;
}
