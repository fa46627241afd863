import { describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv } from './crawl-helpers.ts';

describe('sources CLI', () => {
  const tempDir = useTempDir();

  it('adds, lists, shows, disables and removes sources; bad option values exit 2, a taken name 1', async () => {
    const env = crawlTestEnv(tempDir());
    const added = await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', 'https://news.example/rss', '--name', 'example-feed', '--schedule', '*/15 * * * *'], { env });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/added source 1 "example-feed"/);
    const watch = await runCliInProcess(['sources', 'add', '--type', 'watch', '--url', 'https://a.example/x', '--url', 'https://b.example/y', '--json'], { env });
    expect(JSON.parse(watch.stdout)).toMatchObject({ type: 'watch', urls: ['https://a.example/x', 'https://b.example/y'], name: 'watch-a.example' });

    const listed = await runCliInProcess(['sources', 'list'], { env });
    expect(listed.stdout).toMatch(/example-feed\s+feed\s+https:\/\/news\.example\/rss\s+\*\/15 \* \* \* \*\s+enabled/);
    const shown = await runCliInProcess(['sources', 'show', 'example-feed'], { env });
    expect(shown.stdout).toContain('never run');
    expect((await runCliInProcess(['sources', 'disable', '1'], { env })).stdout).toContain('disabled');
    expect((await runCliInProcess(['sources', 'list'], { env })).stdout).toMatch(/example-feed.*disabled/);

    const badCron = await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', 'https://x.example/rss', '--schedule', 'every day'], { env });
    expect(badCron.code).toBe(2);
    expect(badCron.stderr).toContain('schedule');
    const noUrl = await runCliInProcess(['sources', 'add', '--type', 'sitemap'], { env });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('url');
    const badType = await runCliInProcess(['sources', 'add', '--type', 'ftp', '--url', 'https://x.example/'], { env });
    expect(badType.code).toBe(2);
    const dup = await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', 'https://y.example/rss', '--name', 'example-feed'], { env });
    expect(dup.code).toBe(1);
    const badLimit = await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', 'https://y.example/rss', '--max-pages', 'lots'], { env });
    expect(badLimit.code).toBe(2);
    const toggled = await runCliInProcess(['sources', 'disable', 'example-feed', '--json'], { env });
    expect(JSON.parse(toggled.stdout)).toMatchObject({ name: 'example-feed', enabled: false });

    expect((await runCliInProcess(['sources', 'remove', 'example-feed'], { env })).code).toBe(0);
    expect((await runCliInProcess(['sources', 'show', 'example-feed'], { env })).code).toBe(1);
  });
});

describe('/api/sources', () => {
  const tempDir = useTempDir();

  it('creates, lists with health, shows, enables/disables and deletes sources', async () => {
    const server = await startAppServer(tempDir());
    const base = `${server.server.url}/api/sources`;
    try {
      const created = await requestJson(base, { body: { type: 'sitemap', url: 'https://news.example/sitemap.xml', name: 'sm', schedule: '0 * * * *', limits: { maxPages: 100 } } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: 1, name: 'sm', type: 'sitemap', enabled: true, isOwnerFeed: false, limits: { maxPages: 100 } });
      expect(created.body.health).toEqual({ lastRun: null, pages: 0, errorsByReason: {}, failedUrls: {}, matchesFound: 0 });

      const invalid = await requestJson(base, { body: { type: 'site', schedule: 'nope', extra: 1 } });
      expect(invalid.status).toBe(400);
      const fields = invalid.body.error.details.problems.map((p: { field: string }) => p.field);
      expect(fields).toEqual(expect.arrayContaining(['schedule']));
      expect((await requestJson(base, { body: { type: 'sitemap', url: 'https://z.example/s.xml', name: 'sm' } })).status).toBe(409);

      const list = await requestJson(base);
      expect(list.body.total).toBe(1);
      const one = await requestJson(`${base}/sm`);
      expect(one.body).toMatchObject({ id: 1, runs: [] });
      const patched = await requestJson(`${base}/1`, { method: 'PATCH', body: { enabled: false } });
      expect(patched.body.enabled).toBe(false);
      expect((await requestJson(`${base}/1`, { method: 'PATCH', body: { type: 'feed' } })).status).toBe(400);
      expect((await requestJson(`${base}/1`, { method: 'DELETE' })).status).toBe(204);
      expect((await requestJson(`${base}/1`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
