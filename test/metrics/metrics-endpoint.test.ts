import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSource } from '../../crawlers/run-source.ts';
import { addSource } from '../../crawlers/sources-service.ts';
import { queryRows } from '../../db/dialect.ts';
import type { OpenDatabase } from '../../db/open-db.ts';
import { deleteSource } from '../../db/sources.ts';
import { addUser, createKey } from '../../src/accounts.ts';
import type { App } from '../../src/app.ts';
import { LOCAL_PRINCIPAL, type Role } from '../../src/auth/roles.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { openTestApp } from '../crawl/crawl-helpers.ts';
import { startNewsSite, storyPath, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { findSamples, parsePrometheusText, valueOf, type Sample } from './prometheus-text.ts';

/**
 * GET /metrics on a real server over a real SQLite file after a small real crawl: the numbers a
 * scrape shows are the numbers the database holds (read here with SQL of our own), HTTP requests
 * are counted by route pattern, and only an admin may scrape.
 */

const STRONG_PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
const CRAWL_TIMEOUT_MS = 60_000;
// A report id no row has: its 404s must be counted under the pattern, never under this number.
const MISSING_REPORT_ID = 987_654;

let dir: string;
let site: NewsSite;
let app: App;
let server: RunningServer;
let keys: Record<Role, string>;
let reader: OpenDatabase;

async function makeKey(role: Exclude<Role, 'licensee'>): Promise<string> {
  return (await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: `metrics ${role}`, role })).key;
}

async function scrape(authorization = `Bearer ${keys.admin}`): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization } });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

async function scrapeSamples(): Promise<Sample[]> {
  const { status, text } = await scrape();
  expect(status, text).toBe(200);
  return parsePrometheusText(text).samples;
}

// The database read through a connection of its own, as the scrape's numbers must match it.
const rowsOf = async <T>(query: string) => await queryRows<T>(reader.db, sql.raw(query));
const countOf = async (query: string) => Number((await rowsOf<{ n: number | string }>(query))[0].n);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-metrics-'));
  site = await startNewsSite({ stories: 20 });
  app = await openTestApp(dir, { server: { port: 0, host: '127.0.0.1' } });
  // A feed of planted copies and stories, and a URL list with a missing page and one robots.txt forbids.
  const feed = await addSource(app, { type: 'feed', url: `${site.url}/feed.xml`, name: 'gazette-feed' });
  const list = await addSource(app, { type: 'urls', urls: [site.url + storyPath(3), `${site.url}/news/missing.html`, site.url + site.forbiddenPath], name: 'gazette-list' });
  await addSource(app, { type: 'feed', url: `${site.url}/feed.xml`, name: 'never-run' });
  await runSource(app, feed);
  await runSource(app, list);
  // A second run: the latest run's figures are what the scrape must show, not the first's.
  await runSource(app, list);
  server = await startServer(app);
  keys = { admin: await makeKey('admin'), rights_manager: await makeKey('rights_manager'), legal: await makeKey('legal'), licensee: '' };
  reader = await openTestDatabase(app.config.db.path);
}, CRAWL_TIMEOUT_MS);

afterAll(async () => {
  await reader?.close();
  await server?.close();
  await app?.close();
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /metrics', () => {
  it('answers the Prometheus text format, every line well-formed, every metric prefixed', async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parsePrometheusText(text);
    expect(samples.length).toBeGreaterThan(20);
    for (const name of types.keys()) expect(name).toMatch(/^copyhound_/);
    // prom-client's default process metrics, with our prefix.
    expect(types.get('copyhound_process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('copyhound_nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(types.get('copyhound_http_request_duration_seconds')).toBe('histogram');
  });

  it('shows each source\'s latest run as the database holds it: pages fetched, unchanged, failed, removed, errors by reason', async () => {
    const samples = await scrapeSamples();
    const latest = await rowsOf<{ name: string; pages_fetched: number; pages_unchanged: number; pages_failed: number; pages_removed: number; matches_found: number; errors: string }>(
      `select s.name, r.* from sources s join crawl_runs r on r.id = (select max(id) from crawl_runs where source_id = s.id)`,
    );
    expect(latest.map((r) => r.name).sort()).toEqual(['gazette-feed', 'gazette-list']);
    for (const run of latest) {
      const source = { source: run.name };
      expect(valueOf(samples, 'copyhound_source_last_run_pages_fetched', source), run.name).toBe(run.pages_fetched);
      expect(valueOf(samples, 'copyhound_source_last_run_pages_unchanged', source), run.name).toBe(run.pages_unchanged);
      expect(valueOf(samples, 'copyhound_source_last_run_pages_failed', source), run.name).toBe(run.pages_failed);
      expect(valueOf(samples, 'copyhound_source_last_run_pages_removed', source), run.name).toBe(run.pages_removed);
      expect(valueOf(samples, 'copyhound_source_last_run_matches_found', source), run.name).toBe(run.matches_found);
      const shown = Object.fromEntries(findSamples(samples, 'copyhound_source_last_run_errors', source).map((s) => [s.labels.reason, s.value]));
      expect(shown, run.name).toEqual(JSON.parse(run.errors));
    }
    // The crawl did what the checks above rely on: pages fetched, failures of two kinds, matches.
    const list = latest.find((r) => r.name === 'gazette-list')!;
    expect(Object.keys(JSON.parse(list.errors)).length).toBeGreaterThanOrEqual(2);
    expect(latest.find((r) => r.name === 'gazette-feed')!.pages_fetched).toBeGreaterThan(10);
    // A source that never ran has no latest run to show.
    expect(findSamples(samples, 'copyhound_source_last_run_pages_fetched', { source: 'never-run' })).toEqual([]);
  });

  it('counts crawl runs and reports by status, matches, articles, captures and their bytes as stored', async () => {
    const samples = await scrapeSamples();
    const runs = await rowsOf<{ status: string; n: number }>(`select status, count(*) as n from crawl_runs group by status`);
    expect(runs).toContainEqual({ status: 'completed', n: 3 });
    for (const { status, n } of runs) expect(valueOf(samples, 'copyhound_crawl_runs', { status }), status).toBe(n);
    expect(valueOf(samples, 'copyhound_crawl_runs', { status: 'failed' })).toBe(runs.find((r) => r.status === 'failed')?.n ?? 0);

    const reports = await rowsOf<{ status: string; n: number }>(`select status, count(*) as n from reports group by status`);
    expect(reports.reduce((sum, r) => sum + r.n, 0)).toBeGreaterThan(0);
    for (const { status, n } of reports) expect(valueOf(samples, 'copyhound_reports', { status }), status).toBe(n);
    // Statuses nobody has reached yet are there as 0, not missing.
    expect(valueOf(samples, 'copyhound_reports', { status: 'escalated' })).toBe(0);

    expect(valueOf(samples, 'copyhound_matches')).toBe(await countOf(`select count(*) as n from matches`));
    expect(valueOf(samples, 'copyhound_matches')).toBeGreaterThan(0);
    expect(valueOf(samples, 'copyhound_articles')).toBe(await countOf(`select count(*) as n from articles`));
    expect(valueOf(samples, 'copyhound_captures')).toBe(await countOf(`select count(*) as n from captures`));
    const bytes = await countOf(`select sum(size) as n from capture_bodies`);
    expect(bytes).toBeGreaterThan(1000);
    expect(valueOf(samples, 'copyhound_capture_body_bytes')).toBe(bytes);
  });

  it('counts HTTP requests and their durations by route pattern, method and status, never by raw URL', async () => {
    const before = await scrapeSamples();
    const labels = { method: 'GET', route: '/api/reports/:id', status: '404' };
    const countBefore = valueOf(before, 'copyhound_http_requests_total', labels) ?? 0;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/api/reports/${MISSING_REPORT_ID}?q=${i}`, { headers: { authorization: `Bearer ${keys.admin}` } });
      expect(response.status).toBe(404);
    }
    await fetch(`${server.url}/no/such/page/${MISSING_REPORT_ID}`);
    const { text } = await scrape();
    const after = parsePrometheusText(text).samples;
    expect(valueOf(after, 'copyhound_http_requests_total', labels)).toBe(countBefore + 3);
    expect(valueOf(after, 'copyhound_http_request_duration_seconds_count', labels)).toBe(countBefore + 3);
    expect(valueOf(after, 'copyhound_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(countBefore + 3);
    // The scrape before this one is counted under its own route.
    expect(valueOf(after, 'copyhound_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
    // Paths no route covers share one label.
    expect(valueOf(after, 'copyhound_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(String(MISSING_REPORT_ID));
    const routes = new Set(findSamples(after, 'copyhound_http_requests_total').map((s) => s.labels.route));
    for (const route of routes) expect(route === 'unmatched' || route.startsWith('/'), route).toBe(true);
  });

  it('follows the database between scrapes: a new run and a deleted source show at once', async () => {
    const list = await addSource(app, { type: 'urls', urls: [site.url + storyPath(5)], name: 'late-list' });
    await runSource(app, list);
    let samples = await scrapeSamples();
    const [run] = await queryRows<{ n: number }>(reader.db, sql`select pages_fetched + pages_unchanged as n from crawl_runs where source_id = ${list.id}`);
    expect(run.n).toBe(1);
    const shown = ['fetched', 'unchanged'].map((k) => valueOf(samples, `copyhound_source_last_run_pages_${k}`, { source: 'late-list' }) ?? NaN);
    expect(shown[0] + shown[1]).toBe(run.n);
    expect(await deleteSource(app.database.db, list.id)).toBe(true);
    samples = await scrapeSamples();
    expect(findSamples(samples, 'copyhound_source_last_run_pages_fetched', { source: 'late-list' })).toEqual([]);
  }, CRAWL_TIMEOUT_MS);
});

describe('who may scrape', () => {
  it('refuses a request without credentials with 401', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain('copyhound_');
  });

  it('refuses a wrong key with 401 and every role but admin with 403', async () => {
    expect((await scrape('Bearer ch_not-a-real-key')).status).toBe(401);
    for (const role of ['rights_manager', 'legal'] as const) {
      const { status, text } = await scrape(`Bearer ${keys[role]}`);
      expect(status, role).toBe(403);
      expect(text).not.toContain('copyhound_');
    }
  });

  it('answers an admin signed in with a session cookie', async () => {
    const email = 'metrics-admin@example.test';
    await addUser({ db: app.database.db }, { email, role: 'admin', password: STRONG_PASSWORD }, 'local');
    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: STRONG_PASSWORD }) });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('copyhound_session='))!.split(';')[0];
    const response = await fetch(`${server.url}/metrics`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(parsePrometheusText(await response.text()).samples.length).toBeGreaterThan(0);
  });
});
