import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { listMatches } from '../../db/matches.ts';
import { listUrlsDoneInRun, findUnfinishedRun } from '../../db/crawl-state.ts';
import { findSourceByName } from '../../db/sources.ts';
import { startNewsSite, storyPath, type NewsSite, type RequestLogEntry } from '../fixtures/crawl/news-site.ts';
import { CLI_PATH, runCli, runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { cliDatabaseEnv } from '../helpers/test-database.ts';
import { crawlTestEnv, openTestApp } from './crawl-helpers.ts';

const MIN_HOST_DELAY_MS = 5;
const CRAWL_TEST_TIMEOUT_MS = 120_000;
// Requests the site answers before holding the rest (robots.txt and the home page, then ~40 stories).
const HELD_AFTER_REQUESTS = 45;

function pagesOf(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.path !== '/robots.txt');
}

async function storedMatchPairs(dir: string): Promise<string[]> {
  const app = await openTestApp(dir, {}, { owned: false });
  try {
    return (await listMatches(app.database.db, { limit: 1000, offset: 0 })).items.map((m) => `${new URL(m.pageUrl).pathname} ${m.articleId} ${m.kind}`).sort();
  } finally {
    await app.close();
  }
}

describe('crawl runs on a loopback news site', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  async function setup(options: Parameters<typeof startNewsSite>[0] = {}) {
    site = await startNewsSite(options);
    const dir = tempDir();
    await (await openTestApp(dir)).close();
    return { dir, env: crawlTestEnv(dir), site };
  }

  it(
    'feed + sitemap index (.xml.gz child) + site crawl find every planted copy and nothing else, politely',
    async () => {
      const { dir, env, site } = await setup();
      for (const [type, path] of [['feed', '/feed.xml'], ['sitemap', '/sitemap.xml'], ['site', '/']]) {
        const added = await runCliInProcess(['sources', 'add', '--type', type, '--url', site.url + path, '--name', `gazette-${type}`], { env });
        expect(added.code, added.stderr).toBe(0);
      }
      const crawled = await runCliInProcess(['crawl'], { env });
      expect(crawled.code, crawled.stderr).toBe(0);
      expect(crawled.stdout).toMatch(/gazette-feed: completed/);
      expect(crawled.stdout).toMatch(/gazette-sitemap: completed/);
      expect(crawled.stdout).toMatch(/gazette-site: completed/);

      // Every planted copy, each (page, article) once, and nothing else.
      expect(await storedMatchPairs(dir)).toEqual(site.planted.map((p) => `${p.path} ${p.articleId} ${p.kind}`).sort());
      // Every story was reached (the sitemap alone lists all of them).
      const fetched = new Set(site.log.map((e) => e.path));
      for (const p of site.storyPaths) expect(fetched.has(p), p).toBe(true);

      // robots.txt: asked once for the host, the disallowed copy and /search never fetched, refusals recorded.
      expect(site.log.filter((e) => e.path === '/robots.txt')).toHaveLength(1);
      expect(fetched.has(site.forbiddenPath)).toBe(false);
      expect(fetched.has('/search')).toBe(false);
      const shown = await runCliInProcess(['sources', 'show', 'gazette-site', '--json'], { env });
      const health = JSON.parse(shown.stdout).health;
      expect(health.errorsByReason.robots_disallowed).toBe(2);
      expect(health.lastRun).toMatchObject({ status: 'completed', errors: { robots_disallowed: 2 } });

      // Politeness from the server's own log: one request at a time, and the gap kept after each answer.
      expect(site.maxInFlight()).toBe(1);
      const byStart = [...site.log].sort((a, b) => a.startedAt - b.startedAt);
      for (let i = 1; i < byStart.length; i++) {
        // 1 ms of slack for timer rounding between the two clocks' readings.
        expect(byStart[i].startedAt - byStart[i - 1].endedAt).toBeGreaterThanOrEqual(MIN_HOST_DELAY_MS - 1);
      }
      // The User-Agent names us with the same token our robots.txt rules are looked up by.
      expect(site.log.every((e) => e.userAgent.startsWith('CopyhoundBot/'))).toBe(true);
    },
    CRAWL_TEST_TIMEOUT_MS,
  );

  it(
    'waits out a 429 Retry-After before asking again, then stores the match',
    async () => {
      const { dir, env, site } = await setup({ stories: 20 });
      site.queueAnswers(storyPath(7), [{ status: 429, headers: { 'retry-after': '1' } }]);
      await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${site.url}/feed.xml`, '--name', 'feed'], { env });
      const crawled = await runCliInProcess(['crawl', 'feed'], { env });
      expect(crawled.code, crawled.stderr).toBe(0);
      const hits = site.log.filter((e) => e.path === storyPath(7));
      expect(hits.map((h) => h.status)).toEqual([429, 200]);
      expect(hits[1].startedAt - hits[0].endedAt).toBeGreaterThanOrEqual(1000 - 1);
      expect(await storedMatchPairs(dir)).toContain(`${storyPath(7)} aa-nato-syria reproduction`);
    },
    CRAWL_TEST_TIMEOUT_MS,
  );

  it(
    'a second run asks conditionally (ETag) and skips unchanged pages without new matches',
    async () => {
      const { dir, env, site } = await setup({ stories: 20 });
      await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${site.url}/feed.xml`, '--name', 'feed', '--revisit-after', '0'], { env });
      const first = await runCliInProcess(['crawl', 'feed', '--json'], { env });
      const firstSummary = JSON.parse(first.stdout);
      expect(firstSummary.matchesFound).toBe(site.planted.length);
      const before = site.log.length;

      const second = await runCliInProcess(['crawl', 'feed', '--json'], { env });
      const summary = JSON.parse(second.stdout);
      const pageHits = pagesOf(site.log.slice(before)).filter((e) => e.path.startsWith('/news/'));
      expect(pageHits.length).toBe(firstSummary.pagesFetched);
      expect(pageHits.every((e) => e.ifNoneMatch !== undefined && e.status === 304)).toBe(true);
      expect(summary).toMatchObject({ status: 'completed', pagesFetched: 0, pagesUnchanged: firstSummary.pagesFetched, matchesFound: 0 });
      expect(await storedMatchPairs(dir)).toHaveLength(site.planted.length);

      // With the default revisit interval, a third run does not touch the pages at all.
      await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', site.url + storyPath(7), '--name', 'list'], { env });
      const beforeList = site.log.length;
      await runCliInProcess(['crawl', 'list'], { env });
      await runCliInProcess(['crawl', 'list'], { env });
      expect(site.log.slice(beforeList).filter((e) => e.path === storyPath(7))).toHaveLength(1);
    },
    CRAWL_TEST_TIMEOUT_MS,
  );

  it(
    'a crawl SIGKILLed half-way resumes: no page fetched again after it was stored, no duplicate match',
    async () => {
      const { dir, env, site } = await setup({ stories: 80, latencyMs: 15 });
      await runCliInProcess(['sources', 'add', '--type', 'site', '--url', `${site.url}/`, '--name', 'site'], { env });

      // The site answers 45 requests, then holds the rest: the crawl is mid-run when it is raced
      // and killed, however fast or loaded the machine (it used to finish first under load).
      site.holdAfter(HELD_AFTER_REQUESTS);
      const child = spawn(process.execPath, [CLI_PATH, 'crawl', 'site'], { env: { ...process.env, ...env, ...(await cliDatabaseEnv(['crawl', 'site'], env)) }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      while (pagesOf(site.log).length < 20) await new Promise((r) => setTimeout(r, 20));
      // While it runs, a second process must not run the same source.
      const second = await runCli(['crawl', 'site'], { env });
      expect(second.code).toBe(1);
      expect(second.stdout).toMatch(/site: skipped — .*another process/);
      while (site.log.length < HELD_AFTER_REQUESTS) await new Promise((r) => setTimeout(r, 20));
      child.kill('SIGKILL');
      await exited;
      site.release();
      const killedAt = site.log.length;

      const app = await openTestApp(dir, {}, { owned: false });
      const source = (await findSourceByName(app.database.db, 'site'))!;
      const run = await findUnfinishedRun(app.database.db, source.id);
      expect(run).toBeDefined();
      const stored = [...await listUrlsDoneInRun(app.database.db, run!.id)].map((u) => new URL(u).pathname);
      await app.close();
      expect(stored.length).toBeGreaterThan(20);

      const resumed = await runCli(['crawl', 'site'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/site: completed \(resumed\)/);

      const after = pagesOf(site.log.slice(killedAt)).map((e) => e.path);
      const refetched = after.filter((p) => stored.includes(p));
      expect(refetched).toEqual([]);
      // Everything was reached in the end, and every planted copy is stored exactly once.
      const all = new Set(site.log.map((e) => e.path));
      for (const p of site.storyPaths) expect(all.has(p), p).toBe(true);
      expect(await storedMatchPairs(dir)).toEqual(site.planted.map((p) => `${p.path} ${p.articleId} ${p.kind}`).sort());
    },
    CRAWL_TEST_TIMEOUT_MS,
  );
});
