import { afterEach, describe, expect, it } from 'vitest';
import { createHostScheduler, type HostSchedulerOptions } from '../../crawlers/host-scheduler.ts';
import { createPoliteFetch } from '../../crawlers/polite-fetch.ts';
import { RobotsCache } from '../../crawlers/robots.ts';
import { discoverSitemapUrls } from '../../crawlers/sitemap.ts';
import type { FetchText } from '../../crawlers/types.ts';
import { FetchError } from '../../src/errors.ts';
import { loopbackFetch, startLoopback, type Loopback } from './loopback.ts';

const schedulerOptions: HostSchedulerOptions = {
  perHostConcurrency: 1,
  globalConcurrency: 4,
  minHostDelayMs: 50,
  maxCrawlDelayMs: 60_000,
  retryAfterCapMs: 5_000,
  maxAttempts: 3,
  backoffBaseMs: 10,
  backoffCapMs: 50,
};

function build(options: Partial<HostSchedulerOptions> = {}) {
  const scheduler = createHostScheduler({ ...schedulerOptions, ...options });
  // robots.txt itself is fetched politely too: the cache gets the wrapped fetch (lazily, to tie the knot).
  let polite: FetchText = loopbackFetch;
  const robots = new RobotsCache((u, i) => polite(u, i), { userAgentToken: 'CopyhoundBot', ttlMs: 3_600_000, errorTtlMs: 60_000, maxBytes: 512_000, maxCrawlDelayMs: 60_000 });
  polite = createPoliteFetch(loopbackFetch, { scheduler, robots });
  return { polite, robots, scheduler };
}

let server: Loopback | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const html = { headers: { 'content-type': 'text/html' }, body: '<p>page</p>' };

describe('createPoliteFetch over loopback HTTP', () => {
  it('refuses robots-disallowed URLs without touching them', async () => {
    server = await startLoopback({ '/robots.txt': { body: 'User-agent: *\nDisallow: /private/\n' }, '/private/x': html });
    const { polite } = build();
    const err = await polite(`${server.origin}/private/x`).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.reason).toBe('robots_disallowed');
    expect(server.hits('/private/x')).toBe(0);
  });

  it('honours Crawl-delay between pages (server clock) and fetches robots.txt once', async () => {
    const CRAWL_DELAY_MS = 300;
    server = await startLoopback({ '/robots.txt': { body: `User-agent: CopyhoundBot\nCrawl-delay: ${CRAWL_DELAY_MS / 1000}\n` }, '/a': html, '/b': html, '/c': html });
    const { polite } = build();
    const o = server.origin;
    const statuses = await Promise.all(['/a', '/b', '/c'].map(async (p) => (await polite(`${o}${p}`)).status));
    expect(statuses).toEqual([200, 200, 200]);
    expect(server.hits('/robots.txt')).toBe(1);
    const pages = server.log.filter((r) => r.path !== '/robots.txt').sort((x, y) => x.startedAt - y.startedAt);
    for (let i = 1; i < pages.length; i++) expect(pages[i].startedAt - pages[i - 1].endedAt).toBeGreaterThanOrEqual(CRAWL_DELAY_MS - 1);
    // robots.txt went through the scheduler as well: the first page kept the minimum gap after it.
    const robotsReq = server.log.find((r) => r.path === '/robots.txt')!;
    expect(pages[0].startedAt - robotsReq.endedAt).toBeGreaterThanOrEqual(schedulerOptions.minHostDelayMs - 1);
  });

  it('retries 503 answers (Retry-After: 0) and returns the good one', async () => {
    server = await startLoopback({
      '/robots.txt': { status: 404 },
      '/flaky': (_req, hit) => (hit < 3 ? { status: 503, headers: { 'retry-after': '0' } } : { body: 'finally' }),
    });
    const { polite } = build();
    const res = await polite(`${server.origin}/flaky`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('finally');
    expect(server.hits('/flaky')).toBe(3);
  });

  it('returns the last 5xx answer once attempts run out, and never retries a 404', async () => {
    server = await startLoopback({ '/robots.txt': { status: 404 }, '/down': { status: 500, body: 'broken' } });
    const { polite } = build({ maxAttempts: 2 });
    const down = await polite(`${server.origin}/down`);
    expect(down.status).toBe(500);
    expect(server.hits('/down')).toBe(2);
    const missing = await polite(`${server.origin}/missing`);
    expect(missing.status).toBe(404);
    expect(server.hits('/missing')).toBe(1);
  });

  it('drives a sitemap walk politely (robots-disallowed child sitemaps are reported, not fetched)', async () => {
    const XML = { 'content-type': 'application/xml' };
    server = await startLoopback({ '/robots.txt': { body: 'User-agent: *\nDisallow: /hidden/\n' } });
    const o = server.origin;
    server.routes.set('/sitemap.xml', { headers: XML, body: `<sitemapindex><sitemap><loc>${o}/s1.xml</loc></sitemap><sitemap><loc>${o}/hidden/s2.xml</loc></sitemap></sitemapindex>` });
    server.routes.set('/s1.xml', { headers: XML, body: `<urlset><url><loc>${o}/story</loc></url></urlset>` });
    const { polite } = build();
    const problems: string[] = [];
    const urls: string[] = [];
    for await (const u of discoverSitemapUrls(`${o}/sitemap.xml`, polite, { maxDepth: 2, maxFiles: 10, maxUrls: 10, maxBytes: 100_000 }, { onProblem: (p) => problems.push(`${p.reason} ${p.url}`) })) {
      urls.push(u.url);
    }
    expect(urls).toEqual([`${o}/story`]);
    expect(problems).toEqual([`robots_disallowed ${o}/hidden/s2.xml`]);
    expect(server.hits('/hidden/s2.xml')).toBe(0);
  });
});
