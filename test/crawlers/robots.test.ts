import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { createResourceFetch } from '../../crawlers/fetch-adapter.ts';
import { RobotsCache, originOf, robotsOptionsFromConfig, type RobotsCacheOptions } from '../../crawlers/robots.ts';
import type { FetchText } from '../../crawlers/types.ts';
import { FetchError, ValidationError } from '../../src/errors.ts';
import { loopbackFetch, throwingFetch, useLoopbackServers } from './loopback.ts';

const TEXT = { 'content-type': 'text/plain' };
const HOUR = 3_600_000;

const ROBOTS = `# test robots
User-agent: *
Disallow: /

User-agent: CopyhoundBot
User-agent: OtherBot
Disallow: /private/
Allow: /private/press-
Disallow: /*.json$
Crawl-delay: 2.5

Sitemap: /relative-sitemap-ignored.xml
Sitemap: https://news.example/sitemap_index.xml
`;

const serve = useLoopbackServers();

function makeCache(fetch: FetchText = loopbackFetch, extra: Partial<RobotsCacheOptions> = {}) {
  let now = 1_000_000;
  const cache = new RobotsCache(fetch, {
    userAgentToken: 'CopyhoundBot',
    ttlMs: 24 * HOUR,
    errorTtlMs: 10 * 60_000,
    maxBytes: 512_000,
    maxCrawlDelayMs: 60_000,
    now: () => now,
    ...extra,
  });
  return { cache, advance: (ms: number) => (now += ms) };
}

describe('RobotsCache with a robots.txt (2xx)', () => {
  it('applies the group for our token, longest match wins, wildcards and $ work', async () => {
    const s = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS } });
    const { cache } = makeCache();
    const o = s.origin;
    expect(await cache.isAllowed(`${o}/news/story`)).toBe(true);
    expect(await cache.isAllowed(`${o}/private/x`)).toBe(false);
    expect(await cache.isAllowed(`${o}/private/press-release`)).toBe(true);
    expect(await cache.isAllowed(`${o}/api/data.json`)).toBe(false);
    expect(await cache.isAllowed(`${o}/api/data.json?x=1`)).toBe(true);
  });

  it('falls back to the * group for another token', async () => {
    const s = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS } });
    const { cache } = makeCache(loopbackFetch, { userAgentToken: 'SomeoneElse' });
    expect(await cache.isAllowed(`${s.origin}/news/story`)).toBe(false);
    expect(await cache.isAllowed(`${s.origin}/robots.txt`)).toBe(true);
  });

  it('exposes Crawl-delay (seconds in the record, ms clamped) and absolute Sitemap lines', async () => {
    const s = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS } });
    const { cache } = makeCache();
    expect(await cache.getCrawlDelayMs(`${s.origin}/`)).toBe(2500);
    expect((await cache.getRecord(`${s.origin}/`)).crawlDelaySeconds).toBe(2.5);
    expect(await cache.getSitemaps(`${s.origin}/`)).toEqual(['https://news.example/sitemap_index.xml']);

    const slow = await serve({ '/robots.txt': { headers: TEXT, body: 'User-agent: *\nCrawl-delay: 3600\n' } });
    expect(await cache.getCrawlDelayMs(`${slow.origin}/`)).toBe(60_000);
    const none = await serve({ '/robots.txt': { headers: TEXT, body: 'User-agent: *\nDisallow:\n' } });
    expect(await cache.getCrawlDelayMs(`${none.origin}/`)).toBeUndefined();
  });

  it('reports a refusal as robots_disallowed, not retryable', async () => {
    const s = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS } });
    const { cache } = makeCache();
    const v = await cache.check(`${s.origin}/private/x`);
    expect(v).toMatchObject({ allowed: false, reason: 'robots_disallowed', retryable: false });
    const err = await cache.assertAllowed(`${s.origin}/private/x`).catch((e) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({ reason: 'robots_disallowed', retryable: false, url: `${s.origin}/private/x` });
    await expect(cache.assertAllowed(`${s.origin}/news/ok`)).resolves.toBeUndefined();
  });

  it('ignores rules past maxBytes', async () => {
    const padding = `# ${'x'.repeat(600_000)}\n`;
    const s = await serve({ '/robots.txt': { headers: TEXT, body: `User-agent: *\nDisallow: /a/\n${padding}Disallow: /b/\n` } });
    const { cache } = makeCache();
    expect(await cache.isAllowed(`${s.origin}/a/1`)).toBe(false);
    expect(await cache.isAllowed(`${s.origin}/b/1`)).toBe(true);
  });
});

describe('RobotsCache status handling', () => {
  it.each([404, 401, 403, 410])('HTTP %i means allow all', async (status) => {
    const s = await serve({ '/robots.txt': { status, headers: TEXT, body: 'User-agent: *\nDisallow: /\n' } });
    const { cache } = makeCache();
    expect(await cache.isAllowed(`${s.origin}/anything`)).toBe(true);
    expect((await cache.getRecord(`${s.origin}/`)).status).toBe('allow_all');
  });

  it.each([500, 503, 429])('HTTP %i means disallow all, retryable, cached for the short TTL', async (status) => {
    const s = await serve({ '/robots.txt': (_req, hit) => (hit === 1 ? { status, headers: TEXT } : { headers: TEXT, body: 'User-agent: *\nDisallow:\n' }) });
    const { cache, advance } = makeCache();
    const err = await cache.assertAllowed(`${s.origin}/page`).catch((e) => e);
    expect(err).toMatchObject({ reason: 'robots_disallowed', retryable: true, retryAfterMs: 600_000 });
    advance(9 * 60_000);
    expect(await cache.isAllowed(`${s.origin}/page`)).toBe(false);
    expect(s.hits('/robots.txt')).toBe(1);
    advance(2 * 60_000);
    expect(await cache.isAllowed(`${s.origin}/page`)).toBe(true);
    expect(s.hits('/robots.txt')).toBe(2);
  });

  it('an unreachable host means disallow all', async () => {
    // A port that was free a moment ago and has nothing listening now.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const { cache } = makeCache();
    const record = await cache.getRecord(`http://127.0.0.1:${port}/x`);
    expect(record.status).toBe('disallow_all');
    expect(record.note).toMatch(/unreachable/);
    expect(await cache.isAllowed(`http://127.0.0.1:${port}/x`)).toBe(false);
  });

  it('works the same with a fetcher that throws FetchError for non-2xx answers', async () => {
    const missing = await serve({});
    const down = await serve({ '/robots.txt': { status: 503 } });
    const { cache } = makeCache(throwingFetch);
    expect(await cache.isAllowed(`${missing.origin}/a`)).toBe(true);
    expect(await cache.isAllowed(`${down.origin}/a`)).toBe(false);
  });
});

describe('RobotsCache and our own fetch guard', () => {
  it('a host the guard refuses is blocked_address (or contact_url_unset), never robots_disallowed, and robots.txt is never asked', async () => {
    const s = await serve({ '/robots.txt': { status: 200, headers: TEXT, body: 'User-agent: *\nAllow: /\n' } });
    const blocked = makeCache(createResourceFetch(loadConfig({}, { fetch: { allow: [], contactUrl: 'https://publisher.example/bot' } }).fetch)).cache;
    expect(await blocked.check(`${s.origin}/a`)).toMatchObject({ allowed: false, reason: 'blocked_address', retryable: false });
    const err = await blocked.assertAllowed(`${s.origin}/a`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({ reason: 'blocked_address', retryable: false, url: `${s.origin}/a` });
    expect((err as Error).message).toMatch(/COPYHOUND_FETCH_ALLOW/);

    const anonymous = makeCache(throwingRefusal('contact_url_unset')).cache;
    expect(await anonymous.assertAllowed('https://news.example/a').catch((e: unknown) => e)).toMatchObject({ reason: 'contact_url_unset' });
    expect(s.hits('/robots.txt')).toBe(0);
  });
});

function throwingRefusal(reason: 'contact_url_unset' | 'blocked_address'): FetchText {
  return async (url) => {
    throw new FetchError(reason, url, `fetch of ${url} failed (${reason})`);
  };
}

describe('RobotsCache redirects', () => {
  it('follows redirects, and the rules apply to the origin that was asked', async () => {
    const target = await serve({ '/rules.txt': { headers: TEXT, body: 'User-agent: *\nDisallow: /secret\n' } });
    const s = await serve({ '/robots.txt': { status: 301, headers: { location: `${target.origin}/rules.txt` } } });
    const { cache } = makeCache();
    expect(await cache.isAllowed(`${s.origin}/secret/1`)).toBe(false);
    expect(await cache.isAllowed(`${s.origin}/public`)).toBe(true);
  });

  it('more than 5 redirects means unavailable: allow all', async () => {
    const routes: Record<string, { status: number; headers: Record<string, string> }> = {};
    routes['/robots.txt'] = { status: 302, headers: { location: '/r1' } };
    for (let i = 1; i <= 7; i++) routes[`/r${i}`] = { status: 302, headers: { location: `/r${i + 1}` } };
    const s = await serve(routes);
    const { cache } = makeCache();
    expect(await cache.isAllowed(`${s.origin}/x`)).toBe(true);
    expect((await cache.getRecord(`${s.origin}/x`)).note).toBe('too many redirects');
  });
});

describe('RobotsCache caching', () => {
  it('keys by scheme+host+port, fetches once within the TTL (also for concurrent calls), refetches after', async () => {
    const s = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS, delayMs: 30 } });
    const { cache, advance } = makeCache();
    await Promise.all([cache.isAllowed(`${s.origin}/a`), cache.isAllowed(`${s.origin}/b`), cache.getCrawlDelayMs(`${s.origin}/c`)]);
    expect(s.hits('/robots.txt')).toBe(1);
    advance(23 * HOUR);
    await cache.isAllowed(`${s.origin}/d?x#y`);
    expect(s.hits('/robots.txt')).toBe(1);
    advance(2 * HOUR);
    await cache.isAllowed(`${s.origin}/e`);
    expect(s.hits('/robots.txt')).toBe(2);
    expect(cache.size).toBe(1);
    cache.invalidate(`${s.origin}/anything`);
    await cache.isAllowed(`${s.origin}/e`);
    expect(s.hits('/robots.txt')).toBe(3);
  });

  it('never trusts a copy for more than 24 h even if configured longer', async () => {
    const s = await serve({ '/robots.txt': { headers: TEXT, body: ROBOTS } });
    const { cache } = makeCache(loopbackFetch, { ttlMs: 100 * HOUR });
    const r = await cache.getRecord(`${s.origin}/`);
    expect(r.expiresAt - r.fetchedAt).toBe(24 * HOUR);
  });

  it('originOf normalises and rejects non-http URLs', () => {
    expect(originOf('HTTPS://Example.COM:443/a?b')).toBe('https://example.com');
    expect(originOf('http://example.com:8080/')).toBe('http://example.com:8080');
    expect(() => originOf('ftp://example.com/')).toThrow(ValidationError);
    expect(() => originOf('nope')).toThrow(ValidationError);
  });

  it('takes its options from config', () => {
    const o = robotsOptionsFromConfig(loadConfig({ COPYHOUND_CRAWL_USER_AGENT_TOKEN: 'TestBot' }).crawl);
    expect(o).toEqual({ userAgentToken: 'TestBot', ttlMs: 24 * HOUR, errorTtlMs: 600_000, maxBytes: 512_000, maxCrawlDelayMs: 60_000 });
    expect(() => loadConfig({ COPYHOUND_CRAWL_USER_AGENT_TOKEN: 'Bad Bot/1.0' })).toThrow(/COPYHOUND_CRAWL_USER_AGENT_TOKEN/);
  });
});
