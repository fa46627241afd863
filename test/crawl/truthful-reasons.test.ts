import { afterEach, describe, expect, it } from 'vitest';
import { listRuns } from '../../db/crawl-state.ts';
import { startNewsSite, storyPath, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv, openTestApp } from './crawl-helpers.ts';

const CRAWL_TEST_TIMEOUT_MS = 60_000;
const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('crawl counters tell the true reason', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  it(
    'a host the fetch guard refuses is blocked_address in the run, the source health and its failed URLs; robots.txt is not asked',
    async () => {
      site = await startNewsSite({ stories: 5 });
      const dir = tempDir();
      await (await openTestApp(dir)).close();
      // Loopback not allow-listed: what an operator sees who forgot COPYHOUND_FETCH_ALLOW.
      const env = { ...crawlTestEnv(dir), COPYHOUND_FETCH_ALLOW: '' };
      const urls = [1, 2, 3].map((n) => site!.url + storyPath(n));
      expect((await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', urls[0], '--name', 'list'], { env })).code).toBe(0);
      expect((await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${site.url}/feed.xml`, '--name', 'feed'], { env })).code).toBe(0);

      const list = JSON.parse((await runCliInProcess(['crawl', 'list', '--json'], { env })).stdout);
      expect(list).toMatchObject({ status: 'completed', pagesFailed: 1, errors: { blocked_address: 1 } });
      const feed = JSON.parse((await runCliInProcess(['crawl', 'feed', '--json'], { env })).stdout);
      expect(feed).toMatchObject({ status: 'failed', errors: { blocked_address: 1 } });
      expect(feed.message).toMatch(/COPYHOUND_FETCH_ALLOW/);
      expect(JSON.stringify(feed)).not.toMatch(/robots_disallowed/);

      const health = JSON.parse((await runCliInProcess(['sources', 'show', 'list', '--json'], { env })).stdout).health;
      expect(health.errorsByReason).toEqual({ blocked_address: 1 });
      expect(health.failedUrls.blocked_address.map((f: { url: string }) => f.url)).toEqual([urls[0]]);
      expect(health.lastRun.errors).toEqual({ blocked_address: 1 });
      expect(site.log).toHaveLength(0);
    },
    CRAWL_TEST_TIMEOUT_MS,
  );

  it(
    'without COPYHOUND_FETCH_CONTACT_URL a public address is refused as contact_url_unset, naming the variable, before any connection',
    async () => {
      const dir = tempDir();
      await (await openTestApp(dir)).close();
      const env = crawlTestEnv(dir);
      // A public IP literal: refused before connecting, so nothing leaves the machine.
      expect((await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', 'http://93.184.215.14/news/1', '--name', 'public'], { env })).code).toBe(0);
      expect((await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', 'http://93.184.215.14/feed.xml', '--name', 'public-feed'], { env })).code).toBe(0);
      const list = JSON.parse((await runCliInProcess(['crawl', 'public', '--json'], { env })).stdout);
      expect(list).toMatchObject({ pagesFailed: 1, errors: { contact_url_unset: 1 } });
      const feed = JSON.parse((await runCliInProcess(['crawl', 'public-feed', '--json'], { env })).stdout);
      expect(feed).toMatchObject({ status: 'failed', errors: { contact_url_unset: 1 } });
      expect(feed.message).toMatch(/COPYHOUND_FETCH_CONTACT_URL is not set/);
      const health = JSON.parse((await runCliInProcess(['sources', 'show', 'public', '--json'], { env })).stdout).health;
      expect(health.failedUrls).toEqual({ contact_url_unset: [{ url: 'http://93.184.215.14/news/1', at: expect.any(String) }] });
    },
    CRAWL_TEST_TIMEOUT_MS,
  );

  it(
    'a re-check whose 404 proves a flagged copy removed counts as removed, not as a failure',
    async () => {
      site = await startNewsSite({ stories: 12 });
      const dir = tempDir();
      const env = crawlTestEnv(dir);
      await (await openTestApp(dir)).close();
      await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${site.url}/feed.xml`, '--name', 'feed'], { env });
      expect((await runCliInProcess(['crawl', 'feed'], { env })).code).toBe(0);
      const found = jsonLines((await runCliInProcess(['matches', 'list', '--json'], { env })).stdout);
      const story7 = found.find((m) => new URL(m.pageUrl).pathname === storyPath(7));
      expect((await runCliInProcess(['matches', 'flag', String(story7.id)], { env })).code).toBe(0);
      await runCliInProcess(['sources', 'add', '--type', 'watch', '--name', 'watch'], { env });

      site.queueAnswers(storyPath(7), [{ status: 404 }]);
      const run = JSON.parse((await runCliInProcess(['crawl', 'watch', '--json'], { env })).stdout);
      expect(run).toMatchObject({ status: 'completed', pagesFetched: 1, pagesRemoved: 1, pagesFailed: 0, errors: {} });
      const health = JSON.parse((await runCliInProcess(['sources', 'show', 'watch', '--json'], { env })).stdout).health;
      expect(health.errorsByReason).toEqual({});
      expect(health.failedUrls).toEqual({});
      expect(health.lastRun).toMatchObject({ pagesFailed: 0, pagesRemoved: 1, errors: {} });
      // Stored on the run row itself (not only in the summary the crawl printed).
      const app = await openTestApp(dir, {}, { owned: false });
      try {
        const [stored] = await listRuns(app.database.db, run.sourceId, 1);
        expect(stored).toMatchObject({ id: run.runId, status: 'completed', pagesFetched: 1, pagesRemoved: 1, pagesFailed: 0 });
      } finally {
        await app.close();
      }
      const history = jsonLines((await runCliInProcess(['matches', 'rechecks', String(story7.id), '--json'], { env })).stdout);
      expect(history.map((r) => [r.outcome, r.httpStatus])).toEqual([['removed', 404]]);

      // A 404 on a page with no flagged copy to disprove is still a failure (nothing was proven).
      site.queueAnswers(storyPath(3), [{ status: 404 }]);
      await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', site.url + storyPath(3), '--name', 'plain', '--revisit-after', '0'], { env });
      expect(JSON.parse((await runCliInProcess(['crawl', 'plain', '--json'], { env })).stdout)).toMatchObject({ pagesFailed: 1, pagesRemoved: 0, errors: { bad_status: 1 } });
      const plain = JSON.parse((await runCliInProcess(['sources', 'show', 'plain', '--json'], { env })).stdout).health;
      expect(plain.lastRun).toMatchObject({ pagesFailed: 1, pagesRemoved: 0 });
    },
    CRAWL_TEST_TIMEOUT_MS,
  );
});
