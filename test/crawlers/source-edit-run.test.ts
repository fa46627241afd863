import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../db/crawl-state.ts';
import { findSourceByName } from '../../db/sources.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv } from '../crawl/crawl-helpers.ts';
import { startLoopback, type Loopback } from './loopback.ts';

/** Sources day to day: edited in place (CLI and API, one function), run in the background through the API. */

// Only bounds a broken run; a run of two loopback pages ends in well under a second.
const RUN_WAIT_MS = 15_000;
const CRAWL_OVERRIDES = { fetch: { allow: ['127.0.0.1'] }, crawl: { minHostDelayMs: 5, backoffBaseMs: 5, backoffCapMs: 20 } };

function page(title: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><article><h1>${title}</h1><p>${'The harbour council met about its budget again. '.repeat(20)}</p></article></body></html>`;
}

let site: Loopback;
let releaseB: () => void = () => {};
let heldB = Promise.resolve();

beforeAll(async () => {
  site = await startLoopback({
    '/robots.txt': { body: 'User-agent: *\nAllow: /\n' },
    '/a': { headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Story A') },
  });
  // /b answers when the test lets it: a run is then surely in progress while it waits.
  site.routes.set('/b', async () => {
    await heldB;
    return { headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Story B') };
  });
});
afterAll(async () => {
  releaseB();
  await site?.close();
});

describe('sources edit (CLI)', () => {
  const tempDir = useTempDir();

  it('changes name, schedule, limits and URLs in place and keeps the crawl state; refuses what a create would refuse', async () => {
    const env = { ...crawlTestEnv(tempDir()) };
    expect((await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', `${site.origin}/a`, '--name', 'list', '--max-depth', '2'], { env })).code).toBe(0);
    const crawled = await runCliInProcess(['crawl', 'list', '--json'], { env });
    expect(crawled.code, crawled.stderr).toBe(0);
    const before = JSON.parse((await runCliInProcess(['sources', 'show', 'list', '--json'], { env })).stdout);
    expect(before.health.pages).toBe(1);

    const edited = await runCliInProcess(['sources', 'edit', 'list', '--name', 'renamed', '--schedule', '0 */6 * * *', '--max-pages', '7', '--url', `${site.origin}/a`, '--url', `${site.origin}/b`, '--json'], { env });
    expect(edited.code, edited.stderr).toBe(0);
    const after = JSON.parse(edited.stdout);
    expect(after).toMatchObject({ id: before.id, name: 'renamed', type: 'urls', schedule: '0 */6 * * *', limits: { maxPages: 7, maxDepth: 2 }, urls: [`${site.origin}/a`, `${site.origin}/b`] });
    // Same source, same crawl state: its visited page and its run are still there.
    expect(after.health.pages).toBe(1);
    expect(after.health.lastRun.id).toBe(before.health.lastRun.id);

    const cleared = JSON.parse((await runCliInProcess(['sources', 'edit', 'renamed', '--no-schedule', '--no-max-depth', '--disable', '--json'], { env })).stdout);
    expect(cleared).toMatchObject({ schedule: null, limits: { maxPages: 7 }, enabled: false });
    expect(cleared.limits.maxDepth).toBeUndefined();

    const badCron = await runCliInProcess(['sources', 'edit', 'renamed', '--schedule', 'every day'], { env });
    // A bad value: 1 today, 2 once bad values exit as usage errors (issue 14 item 4); never success.
    expect(badCron.code).not.toBe(0);
    expect(badCron.stderr).toContain('schedule');
    const nothing = await runCliInProcess(['sources', 'edit', 'renamed'], { env });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to change');
    expect((await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', 'https://x.example/rss', '--name', 'other'], { env })).code).toBe(0);
    const taken = await runCliInProcess(['sources', 'edit', 'other', '--name', 'renamed'], { env });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/named "renamed" exists/);
    expect((await runCliInProcess(['sources', 'edit', 'missing', '--disable'], { env })).code).toBe(1);
  });
});

describe('/api/sources: PATCH, POST /:ref/run, paging', () => {
  const tempDir = useTempDir();

  it('PATCH changes only the given fields (null clears), keeps id and crawl state, and refuses type changes in API words', async () => {
    const server = await startAppServer(tempDir(), CRAWL_OVERRIDES);
    const base = `${server.server.url}/api/sources`;
    try {
      const created = await requestJson(base, { body: { type: 'feed', url: 'https://news.example/rss', name: 'feed', schedule: '0 * * * *', limits: { maxPages: 10, maxDepth: 1 } } });
      const changed = await requestJson(`${base}/feed`, { method: 'PATCH', body: { name: 'feed-2', schedule: null, limits: { maxPages: 20, maxDepth: null } } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id: created.body.id, name: 'feed-2', type: 'feed', url: 'https://news.example/rss', schedule: null, limits: { maxPages: 20 }, enabled: true });
      expect(changed.body.limits.maxDepth).toBeUndefined();

      const fixed = await requestJson(`${base}/feed-2`, { method: 'PATCH', body: { type: 'site' } });
      expect(fixed.status).toBe(400);
      expect(fixed.body.error.details.problems[0]).toMatchObject({ field: 'type' });
      const badUrl = await requestJson(`${base}/feed-2`, { method: 'PATCH', body: { url: null } });
      expect(badUrl.status).toBe(400);
      expect(badUrl.body.error.message).toMatch(/url/);
      await requestJson(base, { body: { type: 'feed', url: 'https://other.example/rss', name: 'taken' } });
      const conflict = await requestJson(`${base}/feed-2`, { method: 'PATCH', body: { name: 'taken' } });
      expect(conflict.status).toBe(409);
      // API wording: no command-line flags in what the API answers.
      for (const answer of [fixed, badUrl, conflict]) expect(answer.body.error.message).not.toMatch(/--[a-z]/);
    } finally {
      await server.stop();
    }
  });

  it('lists in pages of { items, nextCursor } and runs a source in the background: 202 with the run id, 409 while it runs', async () => {
    const server = await startAppServer(tempDir(), CRAWL_OVERRIDES);
    const base = `${server.server.url}/api/sources`;
    try {
      for (const name of ['s1', 's2', 's3']) await requestJson(base, { body: { type: 'urls', urls: [`${site.origin}/a`, `${site.origin}/b`], name } });
      const first = await requestJson(`${base}?limit=2`);
      expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['s1', 's2']);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await requestJson(`${base}?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body).toMatchObject({ items: [{ name: 's3' }], nextCursor: null, total: 3 });
      const badLimit = await requestJson(`${base}?limit=0`);
      expect(badLimit.status).toBe(400);
      expect(badLimit.body.error.message).not.toMatch(/--limit/);

      heldB = new Promise((resolve) => (releaseB = resolve));
      const started = await requestJson(`${base}/s1/run`, { method: 'POST' });
      expect(started.status).toBe(202);
      const source = (await findSourceByName(server.app.database.db, 's1'))!;
      expect(started.body).toEqual({ sourceId: source.id, name: 's1', runId: (await listRuns(server.app.database.db, source.id, 1))[0].id, queued: false });
      const again = await requestJson(`${base}/1/run`, { method: 'POST' });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/already in progress/);
      releaseB();

      const until = Date.now() + RUN_WAIT_MS;
      let run = (await listRuns(server.app.database.db, source.id, 1))[0];
      while (!run.finishedAt && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        run = (await listRuns(server.app.database.db, source.id, 1))[0];
      }
      expect(run).toMatchObject({ id: started.body.runId, status: 'completed', pagesFetched: 2 });
      expect((await requestJson(`${base}/missing/run`, { method: 'POST' })).status).toBe(404);
    } finally {
      releaseB();
      await server.stop();
    }
  });
});
