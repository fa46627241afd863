import { ACCOUNTS_ROUTE_DOCS } from '../api-accounts.ts';
import { ALERTS_ROUTE_DOCS } from '../api-alerts.ts';
import { ARTICLES_ROUTE_DOCS } from '../api-articles.ts';
import { AUTH_ROUTE_DOCS } from '../api-auth.ts';
import { CHECK_ROUTE_DOCS } from '../api-check.ts';
import { MATCHES_ROUTE_DOCS } from '../api-matches.ts';
import { REPORTS_ROUTE_DOCS } from '../api-reports.ts';
import { RIGHTS_ROUTE_DOCS } from '../api-rights.ts';
import { SOURCES_ROUTE_DOCS } from '../api-sources.ts';
import type { RouteDoc } from './route-doc.ts';

/** The API's own description routes (src/http/api-openapi.ts) describe themselves too. */
export const OPENAPI_ROUTE_DOCS: RouteDoc[] = [
  { method: 'GET', path: '/api/openapi.json', tag: 'API description', summary: 'This API as an OpenAPI 3.1 document', response: { status: 200, description: 'The OpenAPI document' } },
  { method: 'GET', path: '/api/docs', tag: 'API description', summary: 'This API as a readable page', response: { status: 200, mediaType: 'text/html', description: 'The API page' } },
];

/** Every API route's description, in the order the API page shows them. */
export const ALL_ROUTE_DOCS: readonly RouteDoc[] = [
  ...AUTH_ROUTE_DOCS,
  ...REPORTS_ROUTE_DOCS,
  ...RIGHTS_ROUTE_DOCS,
  ...ARTICLES_ROUTE_DOCS,
  ...CHECK_ROUTE_DOCS,
  ...MATCHES_ROUTE_DOCS,
  ...SOURCES_ROUTE_DOCS,
  ...ALERTS_ROUTE_DOCS,
  ...ACCOUNTS_ROUTE_DOCS,
  ...OPENAPI_ROUTE_DOCS,
];
