import packageJson from '../../../package.json' with { type: 'json' };
import { findRoutePolicy, type RoutePolicy } from '../../auth/policy.ts';
import { SESSION_COOKIE } from '../authenticate.ts';
import { CSRF_HEADER } from '../guard.ts';
import { ERROR_SCHEMA_NAME, errorBodyJsonSchema, errorStatusesOf } from './error-responses.ts';
import { pathParameters, queryParameters, toJsonSchema, toOpenApiPath, type JsonSchema, type ParameterObject } from './json-schema.ts';
import type { RouteDoc } from './route-doc.ts';

/**
 * The OpenAPI 3.1 document of the API, built from the RouteDoc lists of the api-*.ts modules
 * (their own zod schemas) and the policy table (who may call each route). Nothing in it is
 * written twice: a route that changes what it accepts changes its description with it.
 */

export const OPENAPI_VERSION = '3.1.0';
const JSON_MEDIA_TYPE = 'application/json';
const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PATCH', 'DELETE']);

/** Who may call an operation: `public` (anyone), `signed-in` (any user or key), or `roles` (x-copyhound-roles). */
export type OperationAccess = 'public' | 'signed-in' | 'roles';

export interface OperationObject {
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: JsonSchema }> }>;
  security: Record<string, string[]>[];
  'x-copyhound-access': OperationAccess;
  /** Role → `all` (any object) or `own` (its licensee organisation's objects only), from src/auth/policy.ts. */
  'x-copyhound-roles': Record<string, 'all' | 'own'>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string }[];
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, Record<string, string>> };
}

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'ch_...',
    description: 'An API key (`copyhound keys create`, or POST /api/keys) sent as `Authorization: Bearer ch_...`. Programs use this; no CSRF token is needed.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: `The web app's session cookie, set by POST /api/auth/login. A state-changing request (POST, PATCH, DELETE) made with it must also send the ${CSRF_HEADER} header.`,
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: CSRF_HEADER,
    description: `The CSRF token of the session (from POST /api/auth/login or GET /api/auth/csrf), required beside the session cookie on POST, PATCH and DELETE.`,
  },
} as const;

/** `POST /api/reports/:id/status` → `postReportsIdStatus`. */
function operationIdOf(method: string, path: string): string {
  const words = path.replace(/^\/api\//, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function accessOfPolicy(policy: RoutePolicy): OperationAccess {
  return policy.public ? 'public' : policy.session ? 'signed-in' : 'roles';
}

function securityOf(doc: RouteDoc, policy: RoutePolicy): Record<string, string[]>[] {
  if (policy.public) return [];
  return [{ apiKey: [] }, STATE_CHANGING.has(doc.method) ? { session: [], csrfToken: [] } : { session: [] }];
}

function responsesOf(doc: RouteDoc, policy: RoutePolicy): OperationObject['responses'] {
  const { status, description, mediaType = JSON_MEDIA_TYPE, schema } = doc.response;
  const success = status === 204 ? { description } : { description, content: { [mediaType]: schema ? { schema: toJsonSchema(schema) } : {} } };
  const responses: OperationObject['responses'] = { [String(status)]: success };
  const errorContent = { [JSON_MEDIA_TYPE]: { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` } } };
  for (const [code, why] of errorStatusesOf(doc, policy)) responses[String(code)] = { description: why, content: errorContent };
  return responses;
}

function operationOf(doc: RouteDoc, policy: RoutePolicy): OperationObject {
  const parameters = [...pathParameters(doc.path, doc.params, doc.paramDescriptions), ...queryParameters(doc.path, doc.query, doc.paramDescriptions)];
  return {
    operationId: operationIdOf(doc.method, doc.path),
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body ? { requestBody: { required: !doc.bodyOptional, content: { [doc.bodyMediaType ?? JSON_MEDIA_TYPE]: { schema: toJsonSchema(doc.body) } } } } : {}),
    responses: responsesOf(doc, policy),
    security: securityOf(doc, policy),
    'x-copyhound-access': accessOfPolicy(policy),
    'x-copyhound-roles': { ...policy.allow },
  };
}

/**
 * Builds the document. A route described twice, or described without a row in the policy table,
 * is a programming error and throws: the description must be exactly the routes that exist.
 */
export function buildOpenApiDocument(docs: readonly RouteDoc[], policyOf: (method: string, path: string) => RoutePolicy | undefined = findRoutePolicy): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const tags: string[] = [];
  for (const doc of docs) {
    const policy = policyOf(doc.method, doc.path);
    if (!policy) throw new Error(`Route doc ${doc.method} ${doc.path} has no row in src/auth/policy.ts`);
    const path = toOpenApiPath(doc.path);
    const described = [...(doc.path.match(/:[A-Za-z_]\w*/g) ?? []).map((p) => p.slice(1)), ...Object.keys(doc.query ? (toJsonSchema(doc.query).properties ?? {}) : {})];
    const stray = Object.keys(doc.paramDescriptions ?? {}).filter((name) => !described.includes(name));
    if (stray.length > 0) throw new Error(`Route doc ${doc.method} ${doc.path} describes parameters it does not take: ${stray.join(', ')}`);
    const item = (paths[path] ??= {});
    const method = doc.method.toLowerCase();
    if (item[method]) throw new Error(`Route ${doc.method} ${doc.path} is described twice`);
    item[method] = operationOf(doc, policy);
    if (!tags.includes(doc.tag)) tags.push(doc.tag);
  }
  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: packageJson.name[0].toUpperCase() + packageJson.name.slice(1),
      version: packageJson.version,
      description:
        `${packageJson.description}. Every route answers JSON; a refusal is {"error": {"code", "message", "details"}}. ` +
        "x-copyhound-roles names the roles that may call an operation (`own`: only objects of the caller's licensee organisation). " +
        'Besides the refusals listed per operation, any request may be answered 421 host_not_allowed (a Host this server does not answer to), ' +
        '403 foreign_origin (a write from another site), or 503 storage_busy (another writer holds the database; Retry-After says when to retry).',
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: tags.map((name) => ({ name })),
    paths,
    components: { schemas: { [ERROR_SCHEMA_NAME]: errorBodyJsonSchema() }, securitySchemes: SECURITY_SCHEMES },
  };
}
