import type { ZodType } from 'zod';

/**
 * What one API route says about itself for the OpenAPI description: each api-*.ts module exports
 * a list of these beside its router, built from the very zod schemas its handlers validate with,
 * so the description cannot drift from what the route accepts. The path is written as in
 * src/auth/policy.ts (`/api/reports/:id`); the roles come from the policy table, not from here.
 */
export interface RouteDoc {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** Groups routes on the API page (e.g. "Reports"). */
  tag: string;
  summary: string;
  description?: string;
  /** The schemas the handler parses each `:name` path parameter with; one not named here is text. */
  params?: Record<string, ZodType>;
  /** What a path or query parameter means, where its schema alone does not say (e.g. the values a comma list takes). */
  paramDescriptions?: Record<string, string>;
  /** The schema the handler parses req.query with. */
  query?: ZodType;
  /** The schema the handler parses req.body with. */
  body?: ZodType;
  /** Default application/json. */
  bodyMediaType?: string;
  /** The handler reads a missing body as `{}` (sign-out, approve, revoke): the body may be left out. */
  bodyOptional?: boolean;
  /** The success answer: its status, what it is, and its schema where one exists. */
  response: { status: number; description: string; mediaType?: string; schema?: ZodType };
  /**
   * Refusals this route gives beyond the ones every route of its kind gives (the builder adds
   * 400/401/403/404/413/415/429 from the route's inputs and policy row), e.g. 409, 422, 502.
   */
  errors?: Partial<Record<number, string>>;
}
