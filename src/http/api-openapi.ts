import type { Router } from 'express';
import type { App } from '../app.ts';
import { guardedRouter, type Guard } from './guard.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/build-openapi.ts';
import { renderDocsPage } from './openapi/docs-page.ts';
import { ALL_ROUTE_DOCS } from './openapi/route-docs.ts';

const SPEC_PATH = '/api/openapi.json';
// The routes do not change while the server runs: clients may keep the answers a while.
const CACHE_CONTROL = 'public, max-age=300';

/** The API's OpenAPI 3.1 description (/api/openapi.json) and its readable page (/api/docs). */
export function createOpenApiRouter(_app: App, guard: Guard): Router {
  const router = guardedRouter(guard, '/api');
  // Built on first use, once: every route is registered by then, and the schemas never change.
  let built: { json: string; html: string } | undefined;
  const answers = () => {
    if (!built) {
      const doc: OpenApiDocument = buildOpenApiDocument(ALL_ROUTE_DOCS);
      built = { json: JSON.stringify(doc), html: renderDocsPage(doc, SPEC_PATH) };
    }
    return built;
  };
  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', CACHE_CONTROL).type('application/json').send(answers().json);
  });
  router.get('/docs', (_req, res) => {
    res.set('Cache-Control', CACHE_CONTROL).type('html').send(answers().html);
  });
  return router;
}
