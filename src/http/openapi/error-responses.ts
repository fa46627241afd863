import { z } from 'zod';
import type { RoutePolicy } from '../../auth/policy.ts';
import type { ErrorBody } from '../http-errors.ts';
import { CSRF_HEADER } from '../guard.ts';
import { toJsonSchema, type JsonSchema } from './json-schema.ts';
import type { RouteDoc } from './route-doc.ts';

/** The error envelope of src/http/http-errors.ts, every refusal's body. */
export const ERROR_BODY_SCHEMA = z
  .strictObject({
    error: z.strictObject({
      code: z.string().meta({ description: 'A named reason, e.g. validation_failed, not_found, csrf_failed' }),
      message: z.string().meta({ description: 'What was refused and why, naming the field or record' }),
      details: z.unknown().optional().meta({ description: 'Machine-readable particulars, e.g. {problems: [{field, message}]}' }),
    }),
  })
  .meta({ description: 'Every refusal: a named code, a readable message, and details where there are any' });

// The schema above must describe the type the server sends; a change to ErrorBody breaks this line.
const _errorBodyMatches: z.infer<typeof ERROR_BODY_SCHEMA> extends ErrorBody ? (ErrorBody extends z.infer<typeof ERROR_BODY_SCHEMA> ? true : never) : never = true;
void _errorBodyMatches;

export const ERROR_SCHEMA_NAME = 'Error';

export function errorBodyJsonSchema(): JsonSchema {
  return toJsonSchema(ERROR_BODY_SCHEMA);
}

const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PATCH', 'DELETE']);

/** The refusals a route gives, by status: what its inputs and its policy row make possible. */
export function errorStatusesOf(doc: RouteDoc, policy: RoutePolicy): Map<number, string> {
  const out = new Map<number, string>();
  const hasPathParams = /:[A-Za-z_]/.test(doc.path);
  if (doc.body || doc.query || hasPathParams) out.set(400, 'The request is malformed or a field is refused (code validation_failed, invalid_json, malformed_url, …); details.problems names each field');
  if (!policy.public) out.set(401, 'No valid credential: sign in or send an API key (Authorization: Bearer ch_...)');
  const csrf = !policy.public && STATE_CHANGING.has(doc.method);
  if (!policy.public && !policy.session) out.set(403, `The caller's role may not call this route${csrf ? `, or a signed-in browser sent no valid ${CSRF_HEADER} header (csrf_failed)` : ''}`);
  else if (csrf) out.set(403, `A signed-in browser sent no valid ${CSRF_HEADER} header (csrf_failed)`);
  if (hasPathParams) out.set(404, policy.owner ? "No such object, or one of another licensee organisation's (the same answer, so nothing leaks)" : 'No such object');
  if (doc.body) {
    out.set(413, 'The body is larger than the route allows (payload_too_large)');
    out.set(415, 'The body is not JSON (Content-Type: application/json) or not UTF-8');
  }
  for (const [status, description] of Object.entries(doc.errors ?? {})) if (description) out.set(Number(status), description);
  return new Map([...out].sort(([a], [b]) => a - b));
}
