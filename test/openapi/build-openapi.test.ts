import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { RoutePolicy } from '../../src/auth/policy.ts';
import { buildOpenApiDocument } from '../../src/http/openapi/build-openapi.ts';
import { renderDocsPage, summariseSchema } from '../../src/http/openapi/docs-page.ts';
import type { RouteDoc } from '../../src/http/openapi/route-doc.ts';

/** The builder and the page on made-up routes: what they refuse, and that the page escapes every text. */

const HOSTILE = `<script>alert("x")</script> & 'quoted'`;
const policies: Record<string, RoutePolicy> = {
  'POST /api/things/:id': { method: 'POST', path: '/api/things/:id', allow: { admin: 'all', licensee: 'own' }, owner: 'licensee' },
};
const policyOf = (method: string, path: string) => policies[`${method} ${path}`];
const thing: RouteDoc = {
  method: 'POST', path: '/api/things/:id', tag: HOSTILE, summary: HOSTILE, description: HOSTILE,
  params: { id: z.coerce.number().int().min(1) },
  query: z.strictObject({ mode: z.enum(['a', HOSTILE]).default('a') }),
  body: z.strictObject({ name: z.string().max(10).meta({ description: HOSTILE }) }),
  response: { status: 201, description: HOSTILE },
  errors: { 409: HOSTILE },
};

describe('buildOpenApiDocument', () => {
  it('turns a route doc into an operation with parameters, body, errors, security and roles', () => {
    const op = buildOpenApiDocument([thing], policyOf).paths['/api/things/{id}'].post;
    expect(op.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([['id', 'path', true], ['mode', 'query', false]]);
    expect(op.parameters?.[0].schema).toMatchObject({ type: 'integer', minimum: 1 });
    expect(op.requestBody?.content['application/json'].schema).toMatchObject({ type: 'object', required: ['name'], additionalProperties: false });
    expect(Object.keys(op.responses)).toEqual(['201', '400', '401', '403', '404', '409', '413', '415']);
    expect(op.security).toEqual([{ apiKey: [] }, { session: [], csrfToken: [] }]);
    expect(op['x-copyhound-roles']).toEqual({ admin: 'all', licensee: 'own' });
  });

  it('refuses a route without a policy row, a route described twice, and a parameter the path lacks', () => {
    expect(() => buildOpenApiDocument([{ ...thing, path: '/api/nowhere' }], policyOf)).toThrow(/no row in src\/auth\/policy.ts/);
    expect(() => buildOpenApiDocument([thing, thing], policyOf)).toThrow(/described twice/);
    expect(() => buildOpenApiDocument([{ ...thing, params: { other: z.string() } }], policyOf)).toThrow(/other/);
  });
});

describe('renderDocsPage', () => {
  it('escapes every piece of text and loads nothing', () => {
    const html = renderDocsPage(buildOpenApiDocument([thing], policyOf), '/api/openapi.json');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    expect(html).toContain('licensee (own organisation&#39;s objects only)');
    expect(html).toContain('<code>/api/things/{id}</code>');
  });

  it('summarises a schema in a few words', () => {
    expect(summariseSchema({ type: 'integer', minimum: 1, maximum: 500, default: 50 })).toBe('integer, minimum 1, maximum 500, default 50');
    expect(summariseSchema({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })).toBe('string or array of string');
    expect(summariseSchema({ type: 'string', enum: ['csv', 'json'] })).toBe('"csv" | "json"');
  });
});
