import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRun } from '../../db/crawl-state.ts';
import { findSourceById, findSourceByName } from '../../db/sources.ts';
import { addUser } from '../../src/accounts.ts';
import { startLoopback, type Loopback } from '../crawlers/loopback.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { signInAs, type WebClient } from './web-client.ts';

/** Sources pages: add (validated as the API does), edit in place, run now in the background. */

const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';
// A run of two loopback pages ends in well under a second; this only bounds a broken one.
const RUN_WAIT_MS = 15_000;

let dir: string;
let server: Awaited<ReturnType<typeof startAppServer>>;
let site: Loopback;
let manager: WebClient;
let releaseFeed: () => void = () => {};
let feedHeld = Promise.resolve();

function page(title: string): string {
  return `<!doctype html><html><head><title>${title}</title></head><body><article><h1>${title}</h1><p>${'A paragraph about the harbour council and its budget. '.repeat(20)}</p></article></body></html>`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'copyhound-web-sources-'));
  site = await startLoopback({
    '/robots.txt': { body: 'User-agent: *\nAllow: /\n' },
    '/a': { headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Story A') },
    '/b': { headers: { 'content-type': 'text/html; charset=utf-8' }, body: page('Story B') },
  });
  // The feed answers when the test lets it: a run is then surely in progress while it waits.
  site.routes.set('/feed.xml', async () => {
    await feedHeld;
    const items = ['/a', '/b'].map((p) => `<item><title>${p}</title><link>${site.origin}${p}</link></item>`).join('');
    return { headers: { 'content-type': 'application/rss+xml' }, body: `<?xml version="1.0"?><rss version="2.0"><channel><title>Loop</title><link>${site.origin}/</link>${items}</channel></rss>` };
  });
  server = await startAppServer(dir, { fetch: { allow: ['127.0.0.1'] }, crawl: { minHostDelayMs: 5, backoffBaseMs: 5, backoffCapMs: 20 } }, { anonymous: true });
  await addUser({ db: server.app.database.db }, { email: 'manager@example.test', password: PASSWORD, role: 'rights_manager' }, 'local');
  manager = await signInAs(server.server.url, 'manager@example.test', PASSWORD);
});

afterAll(async () => {
  releaseFeed();
  await server?.stop();
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function waitForRunToEnd(id: number): Promise<string> {
  const until = Date.now() + RUN_WAIT_MS;
  for (;;) {
    const answer = await manager.get(`/sources/${id}`);
    const runs = answer.text.slice(answer.text.indexOf('id="runs-h"'));
    if (/badge (finished|failed)/.test(runs)) return answer.text;
    if (Date.now() > until) throw new Error(`run of source ${id} did not end: ${runs.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('source pages', () => {
  let id: number;

  it('refuses a bad cron schedule as the API does, keeping the form', async () => {
    await manager.get('/sources');
    const answer = await manager.post('/sources', { name: 'loop-feed', type: 'feed', url: `${site.origin}/feed.xml`, schedule: 'every day at noon', enabled: 'on' });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('schedule: must be a valid cron expression');
    expect(answer.text).toContain('value="every day at noon"');
    expect(await findSourceByName(server.app.database.db, 'loop-feed')).toBeUndefined();
  });

  it('adds a source; the list and its page show it', async () => {
    const answer = await manager.post('/sources', { name: 'loop-feed', type: 'feed', url: `${site.origin}/feed.xml`, schedule: '0 3 * * *', maxPages: '10', revisitAfterHours: '0', enabled: 'on' });
    expect(answer.status).toBe(303);
    id = Number(answer.location!.replace('/sources/', ''));
    const stored = (await findSourceById(server.app.database.db, id))!;
    expect(stored).toMatchObject({ name: 'loop-feed', type: 'feed', schedule: '0 3 * * *', enabled: true, limits: { maxPages: 10, revisitAfterMs: 0 } });
    const list = await manager.get('/sources');
    expect(list.text).toContain(`href="/sources/${id}"`);
    expect(list.text).toContain('never run');
    expect((await manager.get('/sources/loop-feed')).status).toBe(200);
  });

  it('runs now in the background, refuses a second run while one is in progress, and shows the outcome', async () => {
    feedHeld = new Promise((resolve) => (releaseFeed = resolve));
    await manager.get(`/sources/${id}`);
    const started = await manager.post(`/sources/${id}/run`, {});
    expect(started.status).toBe(303);
    expect((await manager.get(`/sources/${id}`)).text).toContain('started in the background');
    const second = await manager.post(`/sources/${id}/run`, {});
    expect(second.status).toBe(303);
    expect((await manager.get(`/sources/${id}`)).text).toContain('already in progress');
    releaseFeed();
    const done = await waitForRunToEnd(id);
    expect(done).toMatch(/badge finished">completed/);
    expect(site.hits('/a')).toBe(1);
    expect(site.hits('/b')).toBe(1);
    const list = await manager.get('/sources');
    expect(list.text).toMatch(/badge finished">completed/);
  });

  it('refuses to run a source whose run lease another process holds', async () => {
    await manager.get('/sources');
    const made = await manager.post('/sources', { name: 'leased-feed', type: 'feed', url: `${site.origin}/feed.xml`, enabled: 'on' });
    const leased = Number(made.location!.replace('/sources/', ''));
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await claimRun(server.app.database.db, leased, 'another-host:4242', new Date().toISOString(), future, () => 'unknown')).toBeDefined();
    await manager.get(`/sources/${leased}`);
    const answer = await manager.post(`/sources/${leased}/run`, {});
    expect(answer.status).toBe(303);
    expect((await manager.get(`/sources/${leased}`)).text).toContain('being crawled by another process');
  });

  it('edits name, schedule, limits and enabled in place, keeping what was crawled', async () => {
    const before = await manager.get(`/sources/${id}`);
    expect(before.text).toMatch(/<dt>Pages known<\/dt><dd>2<\/dd>/);
    const bad = await manager.post(`/sources/${id}`, { name: 'loop-feed', url: `${site.origin}/feed.xml`, schedule: '99 * * * *', enabled: 'on' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('schedule');
    const saved = await manager.post(`/sources/${id}`, { name: 'loop-feed-renamed', url: `${site.origin}/feed.xml`, schedule: '*/30 * * * *', maxPages: '5', maxDepth: '', revisitAfterHours: '2' });
    expect(saved.status).toBe(303);
    const stored = (await findSourceById(server.app.database.db, id))!;
    expect(stored).toMatchObject({ id, name: 'loop-feed-renamed', type: 'feed', schedule: '*/30 * * * *', enabled: false, limits: { maxPages: 5, revisitAfterMs: 7_200_000 } });
    const after = await manager.get(`/sources/${id}`);
    expect(after.text).toContain('Source loop-feed-renamed saved');
    expect(after.text).toMatch(/<dt>Pages known<\/dt><dd>2<\/dd>/);
    expect(after.text).toMatch(/badge finished">completed/);
    const taken = await manager.post(`/sources/${id}`, { name: 'leased-feed', url: `${site.origin}/feed.xml` });
    expect(taken.status).toBe(409);
  });

  it('is for managers: legal is refused', async () => {
    await addUser({ db: server.app.database.db }, { email: 'legal@example.test', password: PASSWORD, role: 'legal' }, 'local');
    const legal = await signInAs(server.server.url, 'legal@example.test', PASSWORD);
    expect((await legal.get('/sources')).status).toBe(403);
    expect((await manager.post(`/sources/${id}/run`, {}, { csrf: false })).status).toBe(403);
  });
});
