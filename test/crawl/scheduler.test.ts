import { afterEach, describe, expect, it } from 'vitest';
import { listRuns } from '../../db/crawl-state.ts';
import { createCrawlScheduler } from '../../crawlers/scheduler.ts';
import { addSource } from '../../crawlers/sources-service.ts';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { runCliInProcess, startServeProcess } from '../helpers/run-cli.ts';
import { createAdminKey } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv, openTestApp } from './crawl-helpers.ts';

const EVERY_SECOND = '* * * * * *';

interface SourceOrMatches {
  health: { lastRun?: { status: string } };
  total: number;
}

/** GET `url` as the admin program `key` is, and read the JSON answer (serve answers 401 without it). */
async function getJson(url: string, key: string): Promise<{ status: number; body: SourceOrMatches }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as SourceOrMatches };
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('crawl scheduler', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  it('runs a source on its cron schedule and never starts a second run while one is busy', async () => {
    // Each run takes well over a second (20 pages × 60 ms), so several ticks fall inside a run.
    site = await startNewsSite({ stories: 20, latencyMs: 60 });
    const app = await openTestApp(tempDir());
    const source = await addSource(app, { type: 'urls', urls: site.storyPaths.map((p) => site!.url + p), name: 'every-second', schedule: EVERY_SECOND, limits: { revisitAfterMs: 0 } });
    let finished = 0;
    const scheduler = createCrawlScheduler(app, { onRunFinished: () => finished++ });
    try {
      await scheduler.start();
      expect(scheduler.scheduled()).toEqual([source.id]);
      await waitFor(() => finished >= 2, 'two scheduled runs');
    } finally {
      await scheduler.stop();
    }
    const runs = (await listRuns(app.database.db, source.id, 100)).reverse();
    expect(runs.filter((r) => r.status === 'completed').length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i - 1].finishedAt, 'a run started before the previous one finished').not.toBeNull();
      expect(runs[i].startedAt >= runs[i - 1].finishedAt!).toBe(true);
    }
    // Never two requests in flight at once: two overlapping runs would have shown here too.
    expect(site.maxInFlight()).toBe(1);
    await app.close();
  }, 60_000);

  it('runs inside `copyhound serve` and stops with it', async () => {
    site = await startNewsSite({ stories: 10 });
    const dir = tempDir();
    const env = crawlTestEnv(dir);
    await (await openTestApp(dir)).close();
    const apiKey = await createAdminKey(env.COPYHOUND_DB);
    await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${site.url}/feed.xml`, '--name', 'feed', '--schedule', EVERY_SECOND], { env });
    const serve = await startServeProcess([], { ...env, LOG_LEVEL: 'warn' });
    try {
      await waitFor(async () => (await getJson(`${serve.url}/api/sources/feed`, apiKey)).body.health.lastRun?.status === 'completed', 'a completed run');
      const matches = await getJson(`${serve.url}/api/matches`, apiKey);
      expect(matches.body.total).toBe(site.planted.length);
    } finally {
      const exited = new Promise<number | null>((resolve) => serve.child.on('exit', resolve));
      serve.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);
});
