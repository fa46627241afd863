import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpApp } from '../../src/http/server.ts';
import type { OpenApiDocument } from '../../src/http/openapi/build-openapi.ts';
import type { RouteDoc } from '../../src/http/openapi/route-doc.ts';
import { ALL_ROUTE_DOCS } from '../../src/http/openapi/route-docs.ts';
import { startAppServer } from '../helpers/start-app-server.ts';

/**
 * The OpenAPI description against the live server: the same routes, each body, query and path
 * schema refusing nothing the route accepts (every sample a schema refuses is refused by the route
 * with 400), a valid OpenAPI 3.1 document, and an API page naming every path.
 */

// Bodies and values a described schema may refuse; each one it refuses must be a 400 from the route.
const BAD_BODIES: unknown[] = ['not an object', [], { zzUnknownField: 1 }, {}, { ids: 'x', status: 7, note: [] }];
const BAD_PARAM = 'not-an-id';
// Route groups whose bodies the drift check must reach (a representative set of the write routes).
const MUST_COVER = ['/api/reports', '/api/consents', '/api/licensees', '/api/users', '/api/keys', '/api/sources', '/api/articles', '/api/auth'];

let dir: string;
let started: Awaited<ReturnType<typeof startAppServer>>;
let base: string;
let doc: OpenApiDocument;
let fixtures: Record<string, string>;

const docOf = (method: string, path: string): RouteDoc => ALL_ROUTE_DOCS.find((d) => d.method === method && d.path === path)!;

async function send(method: string, path: string, body?: unknown, mediaType = 'application/json'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': mediaType }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (a zip, CSV or HTML page): the status is what the checks read.
  }
  return { status: response.status, body: parsed };
}

/** An express path with each `:name` replaced by a fixture (an object that exists) or `value`. */
function fill(path: string, value?: string): string {
  return path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(value ?? fixtures[`${path.split('/')[2]}:${name}`] ?? '1'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-openapi-'));
  started = await startAppServer(dir);
  base = started.server.url;
  const licensee = await send('POST', '/api/licensees', { name: 'Example Daily', places: ['example-daily.test'] });
  const consent = await send('POST', '/api/consents', { licensee: 'Example Daily', places: ['example-daily.test'], status: 'pending' });
  const source = await send('POST', '/api/sources', { type: 'feed', url: 'https://feeds.example.test/rss.xml', name: 'drift-feed' });
  const user = await send('POST', '/api/users', { email: 'reviewer@example.test', role: 'legal', password: 'Granite-Otter-47-Lantern-Quiver' });
  expect([licensee.status, consent.status, source.status, user.status]).toEqual([201, 201, 201, 201]);
  const keys = (await send('GET', '/api/keys')).body as { items: { id: number }[] };
  fixtures = {
    'licensees:id': String((licensee.body as { licensee?: { id: number }; id?: number }).licensee?.id ?? (licensee.body as { id: number }).id),
    'consents:id': String((consent.body as { consent: { id: number } }).consent.id),
    'sources:ref': 'drift-feed',
    'users:id': String((user.body as { id: number }).id),
    'keys:id': String(keys.items[0].id),
    'owner-sites:place': 'example.org',
  };
  doc = (await send('GET', '/api/openapi.json')).body as OpenApiDocument;
});

afterAll(async () => {
  await started?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/openapi.json', () => {
  it('describes exactly the API routes the server registered, each once', () => {
    const registered = registeredApiRoutes();
    const described = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(new Set(described).size).toBe(described.length);
    expect([...described].sort()).toEqual([...registered].sort());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toBe('3.1.0');
  });

  it('names who may call each operation, from the policy table', () => {
    expect(doc.paths['/api/keys/{id}'].delete['x-copyhound-roles']).toEqual({ admin: 'all', licensee: 'own' });
    expect(doc.paths['/api/openapi.json'].get['x-copyhound-access']).toBe('public');
    expect(doc.paths['/api/openapi.json'].get.security).toEqual([]);
    expect(doc.paths['/api/reports/{id}/status'].post.security).toEqual([{ apiKey: [] }, { session: [], csrfToken: [] }]);
  });
});

describe('the described schemas refuse nothing the routes accept', () => {
  it('every body sample a route schema refuses, the live route refuses with 400', async () => {
    const covered = new Set<string>();
    const mismatches: string[] = [];
    for (const route of ALL_ROUTE_DOCS.filter((d) => d.body)) {
      for (const sample of BAD_BODIES) {
        if (route.body!.safeParse(sample).success) continue;
        const answer = await send(route.method, fill(route.path), sample, route.bodyMediaType);
        if (answer.status !== 400) mismatches.push(`${route.method} ${route.path} ${JSON.stringify(sample)} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        covered.add(`/${route.path.split('/').slice(1, 3).join('/')}`);
      }
    }
    expect(mismatches).toEqual([]);
    for (const prefix of MUST_COVER) expect(covered, prefix).toContain(prefix);
  });

  it('every query a route schema refuses (an unknown parameter), the live route refuses with 400', async () => {
    const checked: string[] = [];
    for (const route of ALL_ROUTE_DOCS.filter((d) => d.query && d.method === 'GET')) {
      if (route.query!.safeParse({ zzUnknown: '1' }).success) continue;
      const answer = await send('GET', `${fill(route.path)}?zzUnknown=1`);
      expect(answer.status, `${route.path}?zzUnknown=1`).toBe(400);
      checked.push(route.path);
    }
    expect(checked).toEqual(expect.arrayContaining(['/api/reports', '/api/reports/export', '/api/reports/evidence', '/api/consents', '/api/matches', '/api/articles']));
  });

  it('every path parameter a route schema refuses, the live route refuses with 400', async () => {
    const checked: string[] = [];
    for (const route of ALL_ROUTE_DOCS.filter((d) => d.params)) {
      const refused = Object.values(route.params!).some((schema) => !schema.safeParse(BAD_PARAM).success);
      if (!refused) continue;
      const answer = await send(route.method, fill(route.path, BAD_PARAM));
      expect(answer.status, `${route.method} ${route.path}`).toBe(400);
      checked.push(`${route.method} ${route.path}`);
    }
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });
});

/**
 * Sends each sample and compares the route's answer (accepted: < 400; refused: 400) with the
 * schema's verdict. `accepted` names the samples both must accept, so the check cannot pass by
 * refusing everything.
 */
async function expectSameVerdicts(route: RouteDoc, samples: unknown[], accepted: unknown[], mediaType?: string): Promise<void> {
  for (const sample of [...accepted, ...samples]) {
    const answer = await send(route.method, fill(route.path), sample, mediaType);
    const verdict = `${JSON.stringify(sample).slice(0, 120)} → ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
    expect(answer.status < 400, verdict).toBe(route.body!.safeParse(sample).success);
    if (answer.status >= 400) expect(answer.status, verdict).toBe(400);
    if (accepted.includes(sample)) expect(answer.status, verdict).toBeLessThan(400);
  }
}

describe('schemas that describe hand-written parsing', () => {
  const article = { id: 'drift-1', url: 'https://publisher.example/drift-1', title: 'A title', body: 'Some words of an owned article.' };

  it('POST /api/articles: the body schema and the route accept and refuse the same samples', async () => {
    const batch = [{ ...article, id: 'drift-2' }, { ...article, id: 'drift-3' }];
    const refused = [[], 'text', 12, { ...article, zz: 1 }, [article, { id: 'no-url' }], { ...article, body: '' }, { ...article, url: 'ftp://x.example/a' }];
    await expectSameVerdicts(docOf('POST', '/api/articles'), refused, [article, batch]);
  });

  it('PATCH /api/consents/:id: the terms schema and the route accept and refuse the same samples', async () => {
    const refused = [{}, { licensee: 'Example Daily' }, { status: 'active' }, { uid: 'x' }, { zz: 1 }, { duties: ['dance'] }, { places: [] }];
    await expectSameVerdicts(docOf('PATCH', '/api/consents/:id'), refused, [{ use: 'excerpt', maxWords: 50 }, { duties: ['credit'] }, { validUntil: null }]);
  });

  it('POST /api/consents/import: the document schema and the route accept and refuse the same samples', async () => {
    const exported = (await send('GET', fill('/api/consents/:id/odrl'))).body as Record<string, unknown>;
    const uid = String(exported['@id'] ?? exported.uid);
    const agreement = JSON.parse(JSON.stringify(exported).replaceAll(uid, 'urn:drift:imported-1')) as Record<string, unknown>;
    const inGraph = JSON.parse(JSON.stringify(exported).replaceAll(uid, 'urn:drift:imported-2')) as Record<string, unknown>;
    const { '@context': context, ...bare } = inGraph;
    const refused = ['text', [], {}, [{}], { '@context': context, '@graph': [] }, { ...agreement, '@graph': [bare] }, bare];
    await expectSameVerdicts(docOf('POST', '/api/consents/import'), refused, [agreement, { '@context': context, '@graph': [bare] }], 'application/ld+json');
  });

  it('GET /api/reports/evidence: ids the query schema refuses, the route refuses', async () => {
    const schema = docOf('GET', '/api/reports/evidence').query!;
    for (const ids of ['abc', '1,x', '0']) {
      expect(schema.safeParse({ ids }).success).toBe(false);
      expect((await send('GET', `/api/reports/evidence?ids=${ids}`)).status).toBe(400);
    }
  });
});

describe('GET /api/docs', () => {
  it('answers a self-contained HTML page that names every path and operation', async () => {
    const response = await fetch(`${base}/api/docs`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(html).toContain(`<code>${path}</code>`);
      for (const op of Object.values(item)) expect(html).toContain(`id="${op.operationId}"`);
    }
    expect(html).not.toMatch(/<script|<link|src="http|href="http/i);
  });
});

/** The API routes the running server registered (its access guard's list), as OpenAPI paths; web pages are not the API. */
function registeredApiRoutes(): string[] {
  const http = started.server.server.listeners('request')[0] as HttpApp;
  return http.copyhoundGuard.registered.filter((p) => p.path.startsWith('/api/')).map((p) => `${p.method} ${p.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
}
