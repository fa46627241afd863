import { describe, expect, it } from 'vitest';
import { createRouteMatcher, UNMATCHED_ROUTE, type RoutePattern } from '../../src/metrics/route-patterns.ts';

const ROUTES: RoutePattern[] = [
  { method: 'GET', path: '/api/reports/:id' },
  { method: 'GET', path: '/api/reports/export' },
  { method: 'GET', path: '/api/reports' },
  { method: 'POST', path: '/api/reports/:id/status' },
  { method: 'GET', path: '/' },
  { method: 'GET', path: '/assets/*' },
  { method: 'GET', path: '/assets/special.css' },
];

describe('the route pattern of a request path', () => {
  const routeOf = createRouteMatcher(() => ROUTES);

  it('names the pattern, never the path, and prefers literal segments as express does', () => {
    expect(routeOf('GET', '/api/reports/42')).toBe('/api/reports/:id');
    expect(routeOf('GET', '/api/reports/export')).toBe('/api/reports/export');
    expect(routeOf('GET', '/api/reports/')).toBe('/api/reports');
    expect(routeOf('HEAD', '/api/reports')).toBe('/api/reports');
    expect(routeOf('POST', '/api/reports/7/status')).toBe('/api/reports/:id/status');
    expect(routeOf('GET', '/')).toBe('/');
  });

  it('takes a prefix pattern for what lies below it, an exact one first', () => {
    expect(routeOf('GET', '/assets/app/app.js')).toBe('/assets/*');
    expect(routeOf('GET', '/assets/special.css')).toBe('/assets/special.css');
    expect(routeOf('GET', '/assets')).toBe(UNMATCHED_ROUTE);
  });

  it('gives every other path, or another method, one label', () => {
    expect(routeOf('POST', '/api/reports/42')).toBe(UNMATCHED_ROUTE);
    expect(routeOf('GET', '/api/reports/42/extra')).toBe(UNMATCHED_ROUTE);
    expect(routeOf('GET', '/api/reports//status')).toBe(UNMATCHED_ROUTE);
    expect(routeOf('DELETE', '/x')).toBe(UNMATCHED_ROUTE);
  });

  it('reads routes registered after it was made', () => {
    const routes: RoutePattern[] = [];
    const late = createRouteMatcher(() => routes);
    expect(late('GET', '/healthz')).toBe(UNMATCHED_ROUTE);
    routes.push({ method: 'GET', path: '/healthz' });
    expect(late('GET', '/healthz')).toBe('/healthz');
  });
});
