import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findArticleById } from '../../db/articles.ts';
import { upsertMatches, upsertPage } from '../../db/matches.ts';
import { encodeCursor } from '../../src/http/api-paging.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * Every API list pages the same way: `limit` and `cursor` in, `nextCursor` out. Each list is
 * walked page by page on a real server over a real SQLite file, with rows written between pages:
 * every row that existed before the walk is seen exactly once and in the list's order, no row is
 * seen twice, and a cursor the list did not give out is a 400 naming `cursor`.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read loosely */
type Json = any;

// Small pages, so each list takes several and the writes between pages land mid-walk.
const PAGE = 2;
const PASSWORD = 'Granite-Otter-47-Lantern-Quiver';

let running: Awaited<ReturnType<typeof startAppServer>>;
let base: string;
let counter = 0;
const unique = () => String(++counter).padStart(3, '0');

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function created(path: string, body: unknown): Promise<Json> {
  const answer = await call('POST', path, body);
  expect(answer.status, `${path} ${JSON.stringify(answer.body).slice(0, 300)}`).toBeLessThan(300);
  return answer.body;
}

function withQuery(path: string, query: Record<string, string | number>): string {
  const url = new URL(path, 'http://x');
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  return `${url.pathname}${url.search}`;
}

/** Every page of `path` by its cursor; `between` runs after each page but the last, given that page. */
async function walk(path: string, between: (page: Json) => Promise<void> | void = () => {}): Promise<{ items: Json[]; pages: Json[] }> {
  const pages: Json[] = [];
  let cursor: string | null = null;
  do {
    const answer = await call('GET', withQuery(path, cursor === null ? { limit: PAGE } : { limit: PAGE, cursor }));
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    expect(answer.body.items.length).toBeLessThanOrEqual(PAGE);
    expect(answer.body).toHaveProperty('nextCursor');
    pages.push(answer.body);
    cursor = answer.body.nextCursor;
    if (cursor !== null) {
      expect(typeof cursor).toBe('string');
      expect(answer.body.items.length).toBe(PAGE);
      await between(answer.body);
    }
    expect(pages.length).toBeLessThan(100);
  } while (cursor !== null);
  return { items: pages.flatMap((p) => p.items), pages };
}

/**
 * Walks `path` writing rows between pages, and checks it against one big page read before: the
 * rows of that page all seen, in its order, none twice (written rows may or may not be seen).
 */
async function expectWalkSeesEachRowOnce(path: string, keyOf: (item: Json) => string, between: (page: Json) => Promise<void> | void): Promise<Json[]> {
  const before = (await call('GET', withQuery(path, { limit: 500 }))).body;
  expect(before.nextCursor).toBeNull();
  const expected = before.items.map(keyOf);
  expect(expected.length).toBeGreaterThan(PAGE * 2);
  const { items, pages } = await walk(path, between);
  const seen = items.map(keyOf);
  expect(new Set(seen).size, `duplicates in ${seen.join(', ')}`).toBe(seen.length);
  expect(seen.filter((k: string) => expected.includes(k))).toEqual(expected);
  expect(pages.length).toBeGreaterThan(2);
  return items;
}

/** A cursor that is not base64url JSON, and one of another list's shape, are 400s naming cursor. */
async function expectBadCursorsRefused(path: string): Promise<void> {
  for (const cursor of ['not a cursor!', '%%%', 'e30', encodeCursor({ zz: 1 }), encodeCursor({ f: 'lastSeen', d: 'desc', v: 'x', i: 1 })]) {
    const answer = await call('GET', withQuery(path, { cursor }));
    expect(answer.status, `${path} cursor=${cursor}`).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.message).toContain('cursor');
    expect(answer.body.error.details.problems).toEqual([{ field: 'cursor', message: expect.stringContaining('nextCursor') }]);
  }
  for (const limit of ['0', '501', 'x']) expect((await call('GET', withQuery(path, { limit }))).status, `${path} limit=${limit}`).toBe(400);
}

const tempDir = useTempDir();

beforeAll(async () => {
  running = await startAppServer(tempDir(), { rights: { ownerSites: ['config-b.example', 'config-a.example'] } });
  base = running.server.url;
});

afterAll(async () => {
  await running?.stop();
});

describe('every list endpoint pages by keyset cursor', () => {
  it('/api/articles: newest published first (undated last), ties by registration; offset still answers', async () => {
    const article = (publishedAt: string | null) => {
      const id = `art-${unique()}`;
      return { id, url: `https://publisher.example/${id}`, title: `Story ${id}`, body: `Words of ${id}.`, ...(publishedAt ? { publishedAt } : {}) };
    };
    // Ties on publishedAt and undated articles: the key must carry the tie-breaker and the NULLs.
    await created('/api/articles', [article('2026-01-02T00:00:00Z'), article('2026-01-02T00:00:00Z'), article('2026-01-03T00:00:00Z'), article(null), article(null), article('2026-01-01T00:00:00Z'), article('2026-01-02T00:00:00Z')]);
    await expectWalkSeesEachRowOnce('/api/articles', (a) => a.id, async () => {
      await created('/api/articles', [article('2027-01-01T00:00:00Z'), article('2025-01-01T00:00:00Z'), article(null)]);
    });
    const byOffset = (await call('GET', '/api/articles?limit=2&offset=1')).body;
    expect(byOffset).toMatchObject({ limit: 2, offset: 1, total: expect.any(Number), nextCursor: expect.any(String) });
    expect(byOffset.items).toHaveLength(2);
    // The cursor an offset page gives continues right after it.
    const next = (await call('GET', withQuery('/api/articles', { limit: 2, cursor: byOffset.nextCursor }))).body;
    const third = (await call('GET', '/api/articles?limit=2&offset=3')).body;
    expect(next.items.map((a: Json) => a.id)).toEqual(third.items.map((a: Json) => a.id));
    expect((await call('GET', withQuery('/api/articles', { offset: 2, cursor: byOffset.nextCursor }))).status).toBe(400);
    await expectBadCursorsRefused('/api/articles');
  });

  it('/api/matches: most recently seen first, ties by id; a match seen again is not shown twice', async () => {
    const db = running.app.database.db;
    await created('/api/articles', [1, 2, 3].map((n) => ({ id: `m-art-${n}`, url: `https://publisher.example/m-${n}`, title: `M ${n}`, body: `Body ${n}.` })));
    const keys = await Promise.all([1, 2, 3].map(async (n) => (await findArticleById(db, `m-art-${n}`))!.key));
    const figures = (articleKey: number) => ({ articleKey, kind: 'excerpt' as const, coverage: 0.5, pageShare: 0.5, copiedWords: 10, longestRun: 5, passages: [] });
    const store = async (url: string, at: string, articleKeys = keys) => await upsertMatches(db, await upsertPage(db, { url, title: url, textHash: 'h', captureId: null }, at), articleKeys.map(figures), null, at);
    // Three matches per page share one lastSeen: the id breaks the tie.
    await store('https://copier.example/1', '2026-02-01T00:00:00.000Z');
    await store('https://copier.example/2', '2026-02-02T00:00:00.000Z');
    await store('https://copier.example/3', '2026-02-01T12:00:00.000Z', keys.slice(0, 2));
    let seenAgain = 0;
    await expectWalkSeesEachRowOnce('/api/matches', (m) => String(m.id), async (page) => {
      // New matches, one newer and one older than everything; and a match already shown seen
      // again, which moves it to the front (a match seen again before it is shown moves there too,
      // so that walk skips it: the order is by last sighting).
      await store(`https://copier.example/new-${unique()}`, '2026-03-01T00:00:00.000Z', keys.slice(0, 1));
      await store(`https://copier.example/old-${unique()}`, '2026-01-01T00:00:00.000Z', keys.slice(0, 1));
      const shown = page.items[0];
      await store(shown.pageUrl, `2026-04-0${++seenAgain}T00:00:00.000Z`, [(await findArticleById(db, shown.articleId))!.key]);
    });
    expect((await call('GET', '/api/matches?limit=2&offset=2')).body).toMatchObject({ limit: 2, offset: 2, nextCursor: expect.any(String), total: expect.any(Number) });
    await expectBadCursorsRefused('/api/matches');
  });

  it('/api/licensees: by name; licensees added before and after the cursor are not shown twice', async () => {
    for (const name of ['Delta Post', 'alpha Times', 'Bravo Daily', 'Charlie News', 'Echo Wire']) await created('/api/licensees', { name });
    const before = (await call('GET', '/api/licensees')).body;
    expect(before).toMatchObject({ total: 5, nextCursor: null });
    await expectWalkSeesEachRowOnce('/api/licensees', (l) => l.name, async () => {
      await created('/api/licensees', { name: `Aaa ${unique()}` });
      await created('/api/licensees', { name: `Zulu ${unique()}` });
    });
    await expectBadCursorsRefused('/api/licensees');
  });

  it('/api/consents: oldest first, filters kept across pages', async () => {
    for (let n = 0; n < 5; n++) await created('/api/consents', { licensee: 'Delta Post', places: [`delta-${n}.example`] });
    await created('/api/consents', { licensee: 'Echo Wire', places: ['echo.example'] });
    const items = await expectWalkSeesEachRowOnce('/api/consents?licensee=Delta%20Post', (c) => String(c.id), async () => {
      await created('/api/consents', { licensee: 'Delta Post', places: [`delta-${unique()}.example`] });
      await created('/api/consents', { licensee: 'Echo Wire', places: [`echo-${unique()}.example`] });
    });
    expect(new Set(items.map((c: Json) => c.licenseeName))).toEqual(new Set(['Delta Post']));
    expect((await call('GET', '/api/consents?licensee=Delta%20Post&limit=1')).body.total).toBe(items.length);
    await expectBadCursorsRefused('/api/consents');
  });

  it('/api/owner-sites: configuration, owner sources, then added places, each by place', async () => {
    await created('/api/sources', { type: 'feed', url: 'https://owner-feed.example/rss.xml', isOwnerFeed: true });
    for (const place of ['added-c.example', 'added-a.example', 'added-b.example']) await created('/api/owner-sites', { place });
    const items = await expectWalkSeesEachRowOnce('/api/owner-sites', (s) => `${s.source} ${s.place}`, async () => {
      await created('/api/owner-sites', { place: `added-${unique()}.example` });
    });
    expect(items.slice(0, 3).map((s: Json) => `${s.source} ${s.place}`)).toEqual(['config config-a.example', 'config config-b.example', 'owner_source owner-feed.example']);
    await expectBadCursorsRefused('/api/owner-sites');
  });

  it('/api/users and /api/keys: oldest first', async () => {
    for (let n = 0; n < 5; n++) await created('/api/users', { email: `user-${unique()}@example.test`, role: 'legal', password: PASSWORD });
    await expectWalkSeesEachRowOnce('/api/users', (u) => String(u.id), async () => {
      await created('/api/users', { email: `user-${unique()}@example.test`, role: 'legal', password: PASSWORD });
    });
    for (let n = 0; n < 4; n++) await created('/api/keys', { name: `key-${unique()}`, role: 'legal' });
    await expectWalkSeesEachRowOnce('/api/keys', (k) => String(k.id), async () => {
      await created('/api/keys', { name: `key-${unique()}`, role: 'legal' });
    });
    expect((await call('GET', '/api/users?limit=1')).body).toMatchObject({ total: expect.any(Number), nextCursor: expect.any(String) });
    await expectBadCursorsRefused('/api/users');
    await expectBadCursorsRefused('/api/keys');
  });

  it('/api/alerts/targets: oldest first', async () => {
    for (let n = 0; n < 5; n++) await created('/api/alerts/targets', { url: `https://hooks.example/${unique()}` });
    await expectWalkSeesEachRowOnce('/api/alerts/targets', (t) => String(t.id), async () => {
      await created('/api/alerts/targets', { url: `https://hooks.example/${unique()}` });
    });
    await expectBadCursorsRefused('/api/alerts/targets');
  });
});
