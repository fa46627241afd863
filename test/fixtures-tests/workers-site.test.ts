import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { articlePath, DEFAULT_DELAY_MS, DEFAULT_HOSTS, findDuplicateFetches, findShortestHostGaps, hostAddress, startWorkersSite, type WorkersRequest, type WorkersSite } from '../fixtures/workers-site.ts';

/**
 * The site of `npm run bench:workers` (test/fixtures/workers-site.ts): every host answers on its
 * own loopback address after the fixed delay, lists its pages, serves planted copies, and logs
 * each request; and the log checks on hand-made logs.
 */

const PAGES_PER_HOST = 3;
// Timers fire no earlier than asked; 1 ms of slack for the two clock readings around them.
const CLOCK_SLACK_MS = 1;
// Requests sent to one host at once: the log must show them all in progress together.
const PARALLEL = 8;

let site: WorkersSite;
const owned = readOwnedFixtures();
const plantedText = paragraphsOf(owned[0]).join('\n\n');

beforeAll(async () => {
  site = await startWorkersSite({
    pagesPerHost: PAGES_PER_HOST,
    planted: [
      { host: hostAddress(7), path: articlePath(1), text: plantedText, title: owned[0].title },
      { host: hostAddress(200), path: '/extra/copy.html', text: plantedText },
    ],
  });
});

afterAll(async () => {
  await site?.close();
});

async function get(url: string): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - t0 };
}

describe('the workers site', () => {
  it('answers on 127.0.0.1 and the aliases 127.0.1.1 … 127.0.1.200, one port, each host its own pages', async () => {
    expect(site.hosts).toHaveLength(DEFAULT_HOSTS);
    expect([site.hosts[0], site.hosts[1], site.hosts.at(-1)]).toEqual(['127.0.0.1', '127.0.1.1', '127.0.1.200']);
    for (const host of [site.hosts[0], site.hosts[1], site.hosts.at(-1)!]) {
      const sitemap = await get(`${site.originOf(host)}/sitemap.xml`);
      expect(sitemap.status).toBe(200);
      const locs = [...sitemap.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
      expect(locs).toHaveLength(host === '127.0.1.200' ? PAGES_PER_HOST + 1 : PAGES_PER_HOST);
      for (const loc of locs) expect(loc.startsWith(`${site.originOf(host)}/`), loc).toBe(true);
      const index = await get(`${site.originOf(host)}/`);
      expect(index.text).toContain(`href="${articlePath(PAGES_PER_HOST - 1)}"`);
      const page = await get(site.originOf(host) + articlePath(0));
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<article>.*<p>/s);
    }
    expect(site.pageUrls()).toHaveLength(DEFAULT_HOSTS * PAGES_PER_HOST + 1);
    expect((await get(`${site.originOf('127.0.1.3')}/robots.txt`)).text).toMatch(/^User-agent: \*/);
    // Two hosts' pages at the same path differ: no host is a copy of another.
    expect((await get(site.originOf('127.0.1.1') + articlePath(0))).text).not.toBe((await get(site.originOf('127.0.1.2') + articlePath(0))).text);
  });

  it('answers every request after the delay, requests to one host in parallel (latency-bound), and logs each', async () => {
    const host = '127.0.1.42';
    const from = site.log.length;
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => get(`${site.originOf(host)}${articlePath(i % PAGES_PER_HOST)}?n=${i}`)));
    const wall = performance.now() - t0;
    for (const a of answers) expect(a.ms).toBeGreaterThanOrEqual(DEFAULT_DELAY_MS - CLOCK_SLACK_MS);
    // All at once: far less than one delay per request.
    expect(wall).toBeLessThan(DEFAULT_DELAY_MS * (PARALLEL / 2));
    const logged = site.log.slice(from);
    expect(logged).toHaveLength(PARALLEL);
    expect(new Set(logged.map((e) => e.path))).toEqual(new Set(Array.from({ length: PARALLEL }, (_, i) => `${articlePath(i % PAGES_PER_HOST)}?n=${i}`)));
    for (const e of logged) {
      expect(e).toMatchObject({ host, status: 200 });
      expect(e.finishedAt - e.startedAt).toBeGreaterThanOrEqual(DEFAULT_DELAY_MS - CLOCK_SLACK_MS);
    }
    const [gaps] = findShortestHostGaps(logged);
    expect(gaps).toMatchObject({ host, requests: PARALLEL, maxConcurrent: PARALLEL });
    expect(gaps.shortestGapMs!).toBeLessThan(DEFAULT_DELAY_MS);
  });

  it('answers an unknown path 404 after the same delay, logged', async () => {
    const missing = await get(`${site.originOf('127.0.1.9')}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(missing.ms).toBeGreaterThanOrEqual(DEFAULT_DELAY_MS - CLOCK_SLACK_MS);
    expect(site.log.at(-1)).toMatchObject({ host: '127.0.1.9', path: '/no/such/page', status: 404 });
  });

  it('serves each planted copy at its host and path, with its text, listed in that host\'s sitemap only', async () => {
    expect(site.planted.map((p) => p.url)).toEqual([site.originOf('127.0.1.7') + articlePath(1), `${site.originOf('127.0.1.200')}/extra/copy.html`]);
    const firstParagraph = paragraphsOf(owned[0])[0];
    for (const p of site.planted) {
      const page = await get(p.url);
      expect(page.status).toBe(200);
      // The page carries the text's paragraphs (HTML-escaped), one <p> each.
      expect(page.text.replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&')).toContain(`<p>${firstParagraph}</p>`);
      expect(page.text.match(/<p>/g)).toHaveLength(paragraphsOf(owned[0]).length);
      expect(site.pageUrls()).toContain(p.url);
    }
    expect((await get(`${site.originOf('127.0.1.200')}/sitemap.xml`)).text).toContain('/extra/copy.html');
    expect((await get(`${site.originOf('127.0.1.199')}/sitemap.xml`)).text).not.toContain('/extra/copy.html');
    expect((await get(site.originOf('127.0.1.8') + articlePath(1))).text).not.toContain(firstParagraph.slice(0, 60));
  });

  it('refuses a planted page on a host it does not have', async () => {
    await expect(startWorkersSite({ hosts: 2, planted: [{ host: '127.0.1.9', path: '/x', text: 'y' }] })).rejects.toThrow(/127\.0\.1\.9/);
  });

  it('honours a small host count and another delay', async () => {
    const small = await startWorkersSite({ hosts: 2, pagesPerHost: 1, delayMs: 120 });
    try {
      expect(small.hosts).toEqual(['127.0.0.1', '127.0.1.1']);
      const answer = await get(small.originOf('127.0.1.1') + articlePath(0));
      expect(answer.ms).toBeGreaterThanOrEqual(120 - CLOCK_SLACK_MS);
      expect((await get(small.originOf('127.0.1.1') + articlePath(1))).status).toBe(404);
    } finally {
      await small.close();
    }
  });
});

const entry = (host: string, path: string, startedAt: number, finishedAt: number): WorkersRequest => ({ host, path, startedAt, finishedAt, status: 200 });

describe('findDuplicateFetches', () => {
  it('names each URL fetched more than once with its count, most first; the same path on two hosts is two URLs', () => {
    const log = [entry('127.0.1.1', '/a', 0, 50), entry('127.0.1.2', '/a', 1, 51), entry('127.0.1.1', '/a', 60, 110), entry('127.0.1.1', '/b', 70, 120), entry('127.0.1.3', '/c', 0, 50), entry('127.0.1.3', '/c', 100, 150), entry('127.0.1.3', '/c', 200, 250), entry('127.0.1.1', '/a?x=1', 300, 350)];
    expect(findDuplicateFetches(log)).toEqual([
      { url: 'http://127.0.1.3/c', host: '127.0.1.3', path: '/c', count: 3 },
      { url: 'http://127.0.1.1/a', host: '127.0.1.1', path: '/a', count: 2 },
    ]);
  });

  it('finds nothing in a log without repeats', () => {
    expect(findDuplicateFetches([entry('127.0.1.1', '/a', 0, 1), entry('127.0.1.1', '/b', 0, 1)])).toEqual([]);
    expect(findDuplicateFetches([])).toEqual([]);
  });
});

describe('findShortestHostGaps', () => {
  it('gives per host the shortest start-to-start gap (whatever the log order) and the most requests in progress at once', () => {
    const log = [
      entry('127.0.1.1', '/3', 250, 300),
      entry('127.0.1.1', '/1', 0, 50),
      entry('127.0.1.1', '/2', 100, 150),
      entry('127.0.1.2', '/x', 0, 100),
      entry('127.0.1.2', '/y', 10, 60),
      entry('127.0.1.2', '/z', 40, 120),
      entry('127.0.1.2', '/w', 110, 130),
    ];
    expect(findShortestHostGaps(log)).toEqual([
      { host: '127.0.1.1', requests: 3, shortestGapMs: 100, shortestGapBetween: ['/1', '/2'], maxConcurrent: 1 },
      { host: '127.0.1.2', requests: 4, shortestGapMs: 10, shortestGapBetween: ['/x', '/y'], maxConcurrent: 3 },
    ]);
  });

  it('does not count a request that ends as the next starts as overlapping; one request has no gap', () => {
    const log = [entry('127.0.1.1', '/a', 0, 50), entry('127.0.1.1', '/b', 50, 100), entry('127.0.1.5', '/only', 5, 10)];
    expect(findShortestHostGaps(log)).toEqual([
      { host: '127.0.1.1', requests: 2, shortestGapMs: 50, shortestGapBetween: ['/a', '/b'], maxConcurrent: 1 },
      { host: '127.0.1.5', requests: 1, shortestGapMs: null, shortestGapBetween: null, maxConcurrent: 1 },
    ]);
  });
});
