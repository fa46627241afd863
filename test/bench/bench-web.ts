/**
 * Web app benchmark.
 *   npm run bench:web [-- --requests 300] [--fresh]
 * The 1,000,000-report database of bench-reports (reports-fixture.ts: built once in a child
 * process and cached in the OS temp dir; --fresh builds it again) is copied into a temp dir and
 * opened as `copyhound serve` opens it (openApp: the migrations since the fixture was built run on
 * the copy), the real server starts on 127.0.0.1 and a free port, an admin signs in through the
 * sign-in form, and then, one request at a time (each timed alone, from sending to the last byte
 * of the answer, on loopback):
 *   1. the review queue: first page, filtered pages (status, decision, domain, min. coverage over
 *      many domains), deep pages reached through the "Next page" cursor links;
 *   2. the report page: the demo's reports (the demo's sample web, seed and one crawl through the
 *      real pipeline, added on top of the million, so they have real captures whose text the page
 *      extracts and compares: their first, uncached view is printed too), and many of the
 *      fixture's reports across the whole table (those have no stored capture: the page says so);
 *   target p99 ≤ 50 ms for each;
 *   3. the queue page's weight: its HTML and every stylesheet and script it links, compressed as
 *      a browser would receive them; target ≤ 200 kB. The server does not compress its answers
 *      today, so the bytes are compressed here (gzip level 6, brotli quality 11) and the output
 *      says so.
 * Prints a table with the targets and PASS/FAIL; exits 1 when a target is missed. Timings are on
 * a shared 2-core box: expect noise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { Pool } from 'undici';
import { loadConfig } from '../../config/index.ts';
import { createCrawlFetchers } from '../../crawlers/fetch-adapter.ts';
import { runSource } from '../../crawlers/run-source.ts';
import { openApp, type App } from '../../src/app.ts';
import { readDemoOutcome } from '../../src/demo/demo-outcome.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { DEMO_PUBLISHER } from '../../src/demo/site/owned-stories.ts';
import { startSampleSite, type SampleSite } from '../../src/demo/site/sample-site.ts';
import { startServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { percentile } from './percentile.ts';
import { buildDomains, copyReportsFixture, ensureReportsFixture, seededRandom, TOTAL_REPORTS, zipfPicker } from './reports-fixture.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '300' }, fresh: { type: 'boolean', default: false } } });
// Timed requests per measured view: 300 makes p99 the 3rd-slowest answer, not the single worst.
const REQUESTS = Number(values.requests);

// Targets from the issue.
const P99_TARGET_MS = 50;
const WEIGHT_TARGET_BYTES = 200_000;
// Untimed requests first: the first reads of a just-copied file measure the disk, not the server.
const WARMUP_REQUESTS = 30;
// Distinct URLs per view, cycled through: varied enough that no single answer is all SQLite's cache.
const DISTINCT_URLS = 100;
// A deep page: reached by following this many "Next page" links (1,000 rows in at 50 a page).
const DEEP_PAGE = 20;
const DEEP_VIEWS = 8;
// gzip's level in the compression middleware and nginx defaults; brotli's best, as for static files.
const GZIP_LEVEL = 6;
const BROTLI_QUALITY = 11;
// The slowest requests of a view, printed with their URL: where to look when a target is missed.
const SLOWEST_SHOWN = 5;

interface Row {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
}

function copyFixture(fixture: string, dir: string): string {
  const path = join(dir, 'copyhound.db');
  copyReportsFixture(fixture, path);
  return path;
}

interface Client {
  get(path: string): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }>;
}

/** A browser-like client on one keep-alive connection: keeps the cookies the server sets. */
function createClient(pool: Pool): Client & { jar: Map<string, string>; keep(setCookie: string | string[] | undefined): void } {
  const jar = new Map<string, string>();
  const keep = (setCookie: string | string[] | undefined) => {
    for (const c of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  return {
    jar,
    keep,
    async get(path) {
      const res = await pool.request({ path, method: 'GET', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
      const text = await res.body.text();
      keep(res.headers['set-cookie']);
      return { status: res.statusCode, text, headers: res.headers };
    },
  };
}

async function signIn(pool: Pool, origin: string, client: ReturnType<typeof createClient>, login: { email: string; password: string }): Promise<void> {
  const body = new URLSearchParams({ email: login.email, password: login.password, next: '/' }).toString();
  const res = await pool.request({ path: '/login', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body });
  await res.body.text();
  client.keep(res.headers['set-cookie']);
  if (res.statusCode !== 303 || !client.jar.has('copyhound_session')) throw new Error(`sign-in through the form answered ${res.statusCode} without a session`);
}

/** Times each path in turn (cycling), one request at a time; every answer must be a 200 page. */
async function timeRequests(client: Client, paths: string[], count: number, check: (text: string, path: string) => void): Promise<{ ms: number; path: string }[]> {
  const ms: { ms: number; path: string }[] = [];
  for (let i = 0; i < count; i++) {
    const path = paths[i % paths.length];
    const start = process.hrtime.bigint();
    const { status, text } = await client.get(path);
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (status !== 200) throw new Error(`GET ${path} answered ${status}: ${text.slice(0, 300)}`);
    check(text, path);
    ms.push({ ms: elapsed, path });
  }
  return ms;
}

function latencyRow(name: string, timed: { ms: number; path: string }[], distinct: number): Row {
  const s = timed.map((t) => t.ms).sort((a, b) => a - b);
  const p50 = percentile(s, 0.5);
  const p99 = percentile(s, 0.99);
  return { name, target: `p99 ≤ ${P99_TARGET_MS} ms`, measured: `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (n=${s.length}, ${distinct} URLs)`, pass: p99 <= P99_TARGET_MS };
}

const ROW_PATTERN = /<tr data-id="\d+"/;
const NEXT_PATTERN = /<a href="([^"]+)" id="next-page"/;

function expectRows(text: string, path: string): void {
  if (!ROW_PATTERN.test(text)) throw new Error(`GET ${path}: the queue page shows no report rows`);
}

function expectPassages(text: string, path: string): void {
  if (!text.includes('<mark class="copied"')) throw new Error(`GET ${path}: the report page shows no highlighted passage`);
}

/** Filtered queue views as a rights manager picks them: big and long-tail domains, the usual statuses. */
function filteredPaths(): string[] {
  const domains = buildDomains();
  const random = seededRandom(7);
  const bySize = zipfPicker(domains.length, 1.0, random);
  const statuses = ['new', 'confirmed', 'notice_sent', ''];
  const decisions = ['unlicensed', 'licence_breach', ''];
  const coverages = ['', '0.25', '0.5', '0.8'];
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  return Array.from({ length: DISTINCT_URLS }, () => {
    const domain = domains[random() < 0.5 ? bySize() : Math.floor(random() * domains.length)].name;
    const q = new URLSearchParams(Object.entries({ status: pick(statuses), decision: pick(decisions), domain, minCoverage: pick(coverages), sort: random() < 0.75 ? '' : '-coverage' }).filter(([, v]) => v !== ''));
    return `/reports?${q.toString()}`;
  });
}

/** Deep pages: views walked through their "Next page" links (untimed), the last pages' URLs kept. */
async function deepPaths(client: Client): Promise<string[]> {
  const views = ['/reports', '/reports?status=new', '/reports?decision=unlicensed', '/reports?sort=-coverage', '/reports?status=confirmed&decision=licence_breach', '/reports?kind=excerpt', '/reports?sort=lastSeen', '/reports?minCoverage=0.5'];
  const paths: string[] = [];
  for (const view of views.slice(0, DEEP_VIEWS)) {
    let path: string | undefined = view;
    for (let page = 1; page <= DEEP_PAGE && path; page++) {
      const { text } = await client.get(path);
      const next = NEXT_PATTERN.exec(text)?.[1]?.replace(/&amp;/g, '&');
      // The pages past half the walk are the deep ones (500 to 1,000 rows in).
      if (next && page >= DEEP_PAGE / 2) paths.push(next);
      path = next;
    }
  }
  if (paths.length === 0) throw new Error('no deep queue page was reached: the queue shows no "Next page" link');
  return paths;
}

function fixtureReportPaths(): string[] {
  const random = seededRandom(11);
  return Array.from({ length: DISTINCT_URLS }, () => `/reports/${1 + Math.floor(random() * TOTAL_REPORTS)}`);
}

function formatKb(bytes: number): string {
  return `${(bytes / 1000).toFixed(1)} kB`;
}

/** The queue page and what it links, raw and compressed; judged on gzip (the larger of the two). */
async function measureWeight(client: Client): Promise<Row> {
  const page = await client.get('/reports');
  const assets = [...new Set([...page.text.matchAll(/<(?:link[^>]+href|script[^>]+src)="(\/[^"]+)"/g)].map((m) => m[1]))];
  const parts = [{ path: '/reports (HTML)', body: Buffer.from(page.text), encoding: page.headers['content-encoding'] }];
  for (const path of assets) {
    const answer = await client.get(path);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}`);
    parts.push({ path, body: Buffer.from(answer.text), encoding: answer.headers['content-encoding'] });
  }
  const served = parts.filter((p) => p.encoding !== undefined);
  console.log(`\n[3] queue page weight (HTML + ${assets.length} linked assets)`);
  console.log(served.length === 0 ? '    The server answers without content-encoding today: the sizes below are the bytes compressed here, as a browser would receive them if the server compressed.' : `    The server itself sent content-encoding for: ${served.map((p) => `${p.path} (${String(p.encoding)})`).join(', ')}; sizes below are computed here from the raw bytes.`);
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const p of parts) {
    const g = gzipSync(p.body, { level: GZIP_LEVEL }).length;
    const b = brotliCompressSync(p.body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }).length;
    raw += p.body.length;
    gzip += g;
    brotli += b;
    console.log(`    ${p.path.padEnd(28)} raw ${formatKb(p.body.length).padStart(9)}   gzip ${formatKb(g).padStart(9)}   brotli ${formatKb(b).padStart(9)}`);
  }
  console.log(`    ${'total'.padEnd(28)} raw ${formatKb(raw).padStart(9)}   gzip ${formatKb(gzip).padStart(9)}   brotli ${formatKb(brotli).padStart(9)}`);
  return { name: 'queue page weight (compressed here)', target: `≤ ${formatKb(WEIGHT_TARGET_BYTES)}`, measured: `gzip ${formatKb(gzip)}, brotli ${formatKb(brotli)} (raw ${formatKb(raw)})`, pass: gzip <= WEIGHT_TARGET_BYTES };
}

function printTable(rows: Row[]): void {
  const w = { name: Math.max(...rows.map((r) => r.name.length)), target: Math.max(...rows.map((r) => r.target.length)) };
  console.log('\nresults (server time = request sent to last byte received, one at a time, loopback):');
  console.log(`  ${'what'.padEnd(w.name)}  ${'target'.padEnd(w.target)}  result  measured`);
  for (const r of rows) console.log(`  ${r.name.padEnd(w.name)}  ${r.target.padEnd(w.target)}  ${r.pass ? 'PASS  ' : 'FAIL  '}  ${r.measured}`);
}

/**
 * The demo's world added to the million: its stories, licensees, consents and logins, and one
 * crawl of its sample web through the real pipeline (captures stored, matches decided, reports made).
 */
async function addDemoReports(app: App, site: SampleSite, now: Date) {
  const seed = await seedDemo(app, site, now);
  const crawl = await runSource(app, seed.source, { fetchers: createCrawlFetchers(app) });
  if (crawl.status !== 'completed') throw new Error(`the crawl of the demo's sample web ${crawl.status}: ${crawl.message ?? ''}`);
  const reportIds = (await readDemoOutcome(app, site.cases)).flatMap((o) => (o.found?.reportId != null ? [o.found.reportId] : []));
  if (reportIds.length === 0) throw new Error('the demo crawl made no report');
  return { admin: seed.logins.find((l) => l.role === 'admin')!, reportIds };
}

async function main(): Promise<number> {
  const fixture = ensureReportsFixture(values.fresh);
  const dir = mkdtempSync(join(tmpdir(), 'copyhound-bench-web-'));
  const now = new Date();
  const site = await startSampleSite({ now });
  try {
    const dbPath = copyFixture(fixture, dir);
    // The environment's COPYHOUND_DB_* (page cache, memory map) apply, as under `copyhound serve`;
    // the rest as the demo sets it up (src/demo/run-demo.ts): its sample web let through, no crawl delay.
    const config = loadConfig(process.env, {
      db: { path: dbPath },
      data: { dir: join(dir, 'data') },
      server: { port: 0, host: '127.0.0.1' },
      log: { level: 'silent' },
      fetch: { allow: [site.address] },
      crawl: { minHostDelayMs: 0, globalConcurrency: 1 },
      rights: { publisherName: DEMO_PUBLISHER },
    });
    const opening = performance.now();
    const app = await openApp(config, createLogger(config), { checkpointInBackground: true });
    console.log(`data: opened the copy in ${((performance.now() - opening) / 1000).toFixed(1)} s (pending migrations included); SQLite page cache ${config.db.cacheMb} MB, memory map ${config.db.mmapMb} MB`);
    const crawling = performance.now();
    const demo = await addDemoReports(app, site, now);
    console.log(`data: the demo's sample web crawled into it in ${((performance.now() - crawling) / 1000).toFixed(1)} s: reports ${demo.reportIds.join(', ')} with real captures`);
    const server = await startServer(app);
    const pool = new Pool(server.url, { connections: 1 });
    try {
      const client = createClient(pool);
      await signIn(pool, new URL(server.url).origin, client, demo.admin);
      const demoReports = demo.reportIds.map((id) => `/reports/${id}`);
      const firstViews = await timeRequests(client, demoReports, demoReports.length, () => {});
      console.log(`\n    report page, first (uncached) view of the demo's reports: ${firstViews.map((t) => `${t.path} ${t.ms.toFixed(1)} ms`).join(', ')}`);
      const rows: Row[] = [];
      const views: [string, string[], (t: string, p: string) => void][] = [
        ['queue, first page', ['/reports'], expectRows],
        ['queue, filtered', filteredPaths(), () => {}],
        ['queue, deep page (cursor)', await deepPaths(client), expectRows],
        ['report page, real captures', demoReports, (t, p) => expectPassages(t, p)],
        ['report page, fixture reports', fixtureReportPaths(), () => {}],
      ];
      console.log(`\n[1-2] ${REQUESTS} timed requests per view after ${WARMUP_REQUESTS} untimed, one at a time`);
      for (const [name, paths, check] of views) {
        await timeRequests(client, paths, WARMUP_REQUESTS, check);
        const timed = await timeRequests(client, paths, REQUESTS, check);
        const row = latencyRow(name, timed, paths.length);
        console.log(`    ${name}: ${row.measured}`);
        if (!row.pass || paths.length > 1) {
          const slowest = [...timed].sort((a, b) => b.ms - a.ms).slice(0, SLOWEST_SHOWN);
          console.log(`      slowest: ${slowest.map((t) => `${t.ms.toFixed(1)} ms ${t.path}`).join('\n               ')}`);
        }
        rows.push(row);
      }
      rows.push(await measureWeight(client));
      printTable(rows);
      console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (server and client in this process)`);
      return rows.every((r) => r.pass) ? 0 : 1;
    } finally {
      await pool.close();
      await server.close();
      await app.close();
    }
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
