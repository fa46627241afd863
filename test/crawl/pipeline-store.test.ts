import { millisOfIso } from '../../src/time/parse-date.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listMatches } from '../../db/matches.ts';
import { listReportCaptures } from '../../db/report-captures.ts';
import { listReports } from '../../db/reports.ts';
import type { App } from '../../src/app.ts';
import { saveArticles } from '../../src/articles/article-registry.ts';
import { processPage } from '../../src/pipeline.ts';
import { buildNewsPage, escapeHtml, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv, openTestApp } from './crawl-helpers.ts';

describe('pipeline storing path (processPage)', () => {
  const tempDir = useTempDir();
  let site: NewsSite;
  let app: App;
  let dir: string;

  beforeEach(async () => {
    site = await startNewsSite({ stories: 50 });
    dir = tempDir();
    app = await openTestApp(dir);
  });
  afterEach(async () => {
    await app.close();
    await site.close();
  });

  it('stores a match with its capture, skips an unchanged page, and never duplicates a (page, article) pair', async () => {
    const copy = site.planted.find((p) => p.kind === 'reproduction')!;
    const url = site.url + copy.path;

    const first = await processPage(app, url);
    expect(first.status).toBe('matched');
    if (first.status !== 'matched') return;
    expect(first.matches.map((m) => [m.articleId, m.kind])).toEqual([[copy.articleId, 'reproduction']]);
    expect(first.newMatches).toBe(1);
    expect(first.captureId).toBeGreaterThan(0);
    expect(first.etag).toMatch(/^"/);

    // Conditional request with the stored ETag: 304, nothing matched or stored again.
    const second = await processPage(app, url, { conditional: { etag: first.etag! } });
    expect(second.status).toBe('not_modified');
    expect(site.log.at(-1)?.ifNoneMatch).toBe(first.etag);

    // Same text fetched again without validators: recognised as unchanged by its hash.
    const third = await processPage(app, url);
    expect(third.status).toBe('unchanged');
    // Each sighting, the 304 and the unchanged page alike, is a capture of the report's evidence.
    const [report] = await listReports(app.database.db, { filters: {}, sort: { field: 'id', direction: 'asc' }, limit: 1 });
    expect((await listReportCaptures(app.database.db, report.id, 10)).map((c) => [c.captureId, c.role])).toEqual([
      [first.captureId, 'first_seen'],
      [second.captureId, 'seen_again'],
      [third.captureId, 'seen_again'],
    ]);

    // Changed page (a different owned article added): matched again, the old pair updated, not duplicated.
    const [, strike] = readOwnedFixtures();
    const nato = readOwnedFixtures().find((a) => a.id === copy.articleId)!;
    site.setPage(copy.path, buildNewsPage({ site: 'Loopback Gazette', headline: 'Two stories', paragraphsHtml: [...paragraphsOf(nato), ...paragraphsOf(strike)].map(escapeHtml) }));
    const fourth = await processPage(app, url);
    expect(fourth.status).toBe('matched');
    if (fourth.status !== 'matched') return;
    expect(fourth.newMatches).toBe(1);

    const { items, total } = await listMatches(app.database.db, { limit: 50, offset: 0 });
    expect(total).toBe(2);
    expect(new Set(items.map((m) => m.articleId))).toEqual(new Set([copy.articleId, strike.id]));
    const natoRow = items.find((m) => m.articleId === copy.articleId)!;
    expect(natoRow.captureId).toBe(fourth.captureId);
    expect(natoRow.firstSeen <= natoRow.lastSeen).toBe(true);
  });

  it('matches an unchanged page again once owned articles were added after it was matched', async () => {
    const empty = await openTestApp(tempDir(), {}, { owned: false });
    try {
      const url = site.url + site.planted[0].path;
      expect((await processPage(empty, url)).status).toBe('no_match');
      expect((await processPage(empty, url)).status).toBe('unchanged');
      await new Promise((r) => setTimeout(r, 5));
      await saveArticles(empty.registry, readOwnedFixtures().map((value, ref) => ({ ref, value })));
      const again = await processPage(empty, url);
      expect(again.status).toBe('matched');
      expect((await processPage(empty, url)).status).toBe('unchanged');
    } finally {
      await empty.close();
    }
  });

  it('reports a 404 and a refused type as failures with their reason, storing nothing', async () => {
    const missing = await processPage(app, `${site.url}/nope.html`);
    expect(missing).toMatchObject({ status: 'failed', reason: 'bad_status', httpStatus: 404 });
    const xml = await processPage(app, `${site.url}/sitemap.xml`);
    expect(xml).toMatchObject({ status: 'failed', reason: 'unsupported_type' });
    expect((await listMatches(app.database.db, { limit: 10, offset: 0 })).total).toBe(0);
  });
});

describe('copyhound matches list and GET /api/matches', () => {
  const tempDir = useTempDir();

  it('lists what `check URL` stored, as NDJSON and through the API with filters and paging', async () => {
    const site = await startNewsSite({ stories: 50 });
    const dir = tempDir();
    const env = crawlTestEnv(dir);
    try {
      await (await openTestApp(dir)).close();
      const copies = site.planted.filter((p) => p.kind === 'reproduction');
      const checked = await runCliInProcess(['check', '--json', ...copies.map((c) => site.url + c.path)], { env });
      expect(checked.code).toBe(0);
      // Checking again must not add rows.
      await runCliInProcess(['check', '--json', site.url + copies[0].path], { env });

      const listed = await runCliInProcess(['matches', 'list', '--json'], { env });
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(copies.length);
      for (const line of lines) {
        expect(Object.keys(line)).toEqual(expect.arrayContaining(['pageUrl', 'articleId', 'kind', 'coverage', 'firstSeen', 'lastSeen']));
      }
      expect(new Set(lines.map((l) => `${new URL(l.pageUrl).pathname} ${l.articleId}`))).toEqual(new Set(copies.map((c) => `${c.path} ${c.articleId}`)));

      const server = await startAppServer(dir, { fetch: { allow: ['127.0.0.1'] } });
      try {
        const all = await requestJson(`${server.server.url}/api/matches?limit=1`);
        expect(all.status).toBe(200);
        expect(all.body).toMatchObject({ total: copies.length, limit: 1, offset: 0 });
        expect(all.body.items).toHaveLength(1);
        const one = await requestJson(`${server.server.url}/api/matches?articleId=${copies[0].articleId}`);
        expect(one.body.items.every((m: { articleId: string }) => m.articleId === copies[0].articleId)).toBe(true);
        // `since` with an offset means the same instant as in UTC (stored times are UTC).
        const lastSeen = millisOfIso(all.body.items[0].lastSeen)!;
        const inTokyo = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().replace('Z', '+09:00');
        const sinceBefore = await requestJson(`${server.server.url}/api/matches?since=${encodeURIComponent(inTokyo(lastSeen - 60_000))}`);
        expect(sinceBefore.body.total).toBeGreaterThanOrEqual(1);
        const sinceAfter = await requestJson(`${server.server.url}/api/matches?since=${encodeURIComponent(inTokyo(Date.now() + 60_000))}`);
        expect(sinceAfter.body.total).toBe(0);
        const bad = await requestJson(`${server.server.url}/api/matches?kind=nonsense`);
        expect(bad.status).toBe(400);
        const flagged = await requestJson(`${server.server.url}/api/matches/${all.body.items[0].id}/flag`, { method: 'POST', body: {} });
        expect(flagged.body.flagged).toBe(true);
        expect((await requestJson(`${server.server.url}/api/matches/999999`)).status).toBe(404);
      } finally {
        await server.stop();
      }
    } finally {
      await site.close();
    }
  });
});
