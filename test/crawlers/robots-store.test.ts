import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { createResourceFetch } from '../../crawlers/fetch-adapter.ts';
import { RobotsCache, type RobotsCacheOptions } from '../../crawlers/robots.ts';
import { createDatabaseRobotsShare } from '../../crawlers/robots-store.ts';
import type { FetchText } from '../../crawlers/types.ts';
import { claimRobotsTxtFetch, findRobotsTxt } from '../../db/robots-txt.ts';
import type { OpenDatabase } from '../../db/open-db.ts';
import { openTestDatabase } from '../helpers/test-database.ts';
import { loopbackFetch, useLoopbackServers } from './loopback.ts';

const TEXT = { 'content-type': 'text/plain' };
const HOUR = 3_600_000;
const ROBOTS = 'User-agent: *\nDisallow: /private/\nCrawl-delay: 2\nSitemap: https://news.example/sitemap.xml\n';

const serve = useLoopbackServers();

describe('robots.txt shared between crawl processes through the database', () => {
  let dir: string;
  let database: OpenDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'copyhound-robots-store-'));
    database = await openTestDatabase(join(dir, 'copyhound.db'), 2000);
  });

  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One crawl process's cache: its own memory, the installation's shared answers. */
  function makeProcessCache(fetch: FetchText, clock: { now: number }, extra: Partial<RobotsCacheOptions> = {}) {
    return new RobotsCache(fetch, {
      userAgentToken: 'CopyhoundBot',
      ttlMs: 24 * HOUR,
      errorTtlMs: 10 * 60_000,
      maxBytes: 512_000,
      maxCrawlDelayMs: 60_000,
      now: () => clock.now,
      shared: createDatabaseRobotsShare(database.db, { claimMs: 5_000 }),
      ...extra,
    });
  }

  it('fetches an origin once for four processes asking at the same moment, and each applies the same rules', async () => {
    let requests = 0;
    const s = await serve({ '/robots.txt': () => ((requests += 1), { headers: TEXT, body: ROBOTS, delayMs: 100 }) });
    const clock = { now: Date.now() };
    const caches = [1, 2, 3, 4].map(() => makeProcessCache(loopbackFetch, clock));
    const verdicts = await Promise.all(caches.map((c) => c.isAllowed(`${s.origin}/private/x`)));
    expect(verdicts).toEqual([false, false, false, false]);
    expect(await Promise.all(caches.map((c) => c.isAllowed(`${s.origin}/news/1`)))).toEqual([true, true, true, true]);
    expect(await Promise.all(caches.map((c) => c.getCrawlDelayMs(`${s.origin}/news/1`)))).toEqual([2000, 2000, 2000, 2000]);
    expect(await caches[3].getSitemaps(`${s.origin}/`)).toEqual(['https://news.example/sitemap.xml']);
    expect(requests).toBe(1);
    const stored = await findRobotsTxt(database.db, s.origin);
    expect(stored).toMatchObject({ origin: s.origin, status: 'parsed', httpStatus: 200, body: ROBOTS });
  });

  it('keeps the expiry of the answer as fetched, and fetches again once it has passed', async () => {
    let requests = 0;
    const s = await serve({ '/robots.txt': () => ((requests += 1), { status: 404, headers: TEXT, body: 'no' }) });
    const clock = { now: Date.now() };
    const first = makeProcessCache(loopbackFetch, clock);
    expect(await first.isAllowed(`${s.origin}/a`)).toBe(true);
    const later = makeProcessCache(loopbackFetch, clock);
    const record = await later.getRecord(`${s.origin}/a`);
    expect(record).toMatchObject({ status: 'allow_all', httpStatus: 404, note: 'HTTP 404' });
    expect(record.expiresAt).toBe((await first.getRecord(`${s.origin}/a`)).expiresAt);
    expect(requests).toBe(1);
    clock.now += 25 * HOUR;
    const afterExpiry = makeProcessCache(loopbackFetch, clock);
    expect(await afterExpiry.isAllowed(`${s.origin}/a`)).toBe(true);
    expect(requests).toBe(2);
  });

  it('shares an unreachable robots.txt (every process backs off) but not a refusal of its own fetch guard', async () => {
    let requests = 0;
    const s = await serve({ '/robots.txt': () => ((requests += 1), { status: 503, headers: TEXT, body: 'down' }) });
    const clock = { now: Date.now() };
    expect(await makeProcessCache(loopbackFetch, clock).isAllowed(`${s.origin}/a`)).toBe(false);
    expect(await makeProcessCache(loopbackFetch, clock).isAllowed(`${s.origin}/a`)).toBe(false);
    expect(requests).toBe(1);

    // The default fetch guard refuses loopback addresses: a refusal that depends on this process's settings.
    const guarded = createResourceFetch(loadConfig({}).fetch);
    const s2 = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS } });
    const refused = await makeProcessCache(guarded, clock).getRecord(`${s2.origin}/a`);
    expect(refused.refused?.reason).toBe('blocked_address');
    expect(await findRobotsTxt(database.db, s2.origin)).toBeUndefined();
    // The refusing process gave its claim back: a process allowed to reach the host fetches it at once.
    expect(await makeProcessCache(loopbackFetch, clock).isAllowed(`${s2.origin}/news/1`)).toBe(true);
    expect(await findRobotsTxt(database.db, s2.origin)).toMatchObject({ status: 'parsed' });
  });

  it('takes over the fetch when the claim of a process that died has lapsed', async () => {
    const s = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS } });
    const clock = { now: Date.now() };
    // A process claimed the fetch and died before storing an answer.
    expect(await claimRobotsTxtFetch(database.db, s.origin, clock.now, clock.now + 300)).toBe(true);
    expect(await claimRobotsTxtFetch(database.db, s.origin, clock.now, clock.now + 300)).toBe(false);
    const waiting = makeProcessCache(loopbackFetch, { get now() { return Date.now(); } });
    const started = Date.now();
    expect(await waiting.isAllowed(`${s.origin}/private/x`)).toBe(false);
    // It waited for the claim to lapse rather than fetching beside it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await findRobotsTxt(database.db, s.origin)).toMatchObject({ status: 'parsed' });
  });
});
