import { afterEach, describe, expect, it } from 'vitest';
import { listMatches } from '../../db/matches.ts';
import { startNewsSite, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { OWNED_NDJSON } from '../fixtures/check/build-page.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv, openTestApp } from './crawl-helpers.ts';

describe('pages crawled before their owned articles were imported', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  it('are matched again on the next crawl although the server would answer 304', { timeout: 120_000 }, async () => {
    site = await startNewsSite({ stories: 20 });
    const dir = tempDir();
    await (await openTestApp(dir, {}, { owned: false })).close();
    const env = crawlTestEnv(dir);
    expect((await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${site.url}/feed.xml`, '--name', 'feed', '--revisit-after', '0'], { env })).code).toBe(0);

    const first = JSON.parse((await runCliInProcess(['crawl', 'feed', '--json'], { env })).stdout);
    expect(first).toMatchObject({ status: 'completed', matchesFound: 0 });
    expect(first.pagesFetched).toBeGreaterThan(site.planted.length);

    // The publisher imports its articles after the crawl; the copies were there all along.
    expect((await runCliInProcess(['articles', 'import', OWNED_NDJSON.pathname], { env })).code).toBe(0);
    const before = site.log.length;
    const second = JSON.parse((await runCliInProcess(['crawl', 'feed', '--json'], { env })).stdout);
    expect(second).toMatchObject({ status: 'completed', matchesFound: site.planted.length });
    // Pages were asked for in full (a 304 has no text to match), not conditionally.
    const pageHits = site.log.slice(before).filter((e) => e.path.startsWith('/news/'));
    expect(pageHits.every((e) => e.ifNoneMatch === undefined && e.status === 200)).toBe(true);

    const app = await openTestApp(dir, {}, { owned: false });
    try {
      const pairs = (await listMatches(app.database.db, { limit: 1000, offset: 0 })).items.map((m) => `${new URL(m.pageUrl).pathname} ${m.articleId}`).sort();
      expect(pairs).toEqual(site.planted.map((p) => `${p.path} ${p.articleId}`).sort());
    } finally {
      await app.close();
    }

    // Once matched against the current articles, the next crawl asks conditionally again.
    const after = site.log.length;
    const third = JSON.parse((await runCliInProcess(['crawl', 'feed', '--json'], { env })).stdout);
    expect(third).toMatchObject({ status: 'completed', matchesFound: 0, pagesFetched: 0 });
    expect(site.log.slice(after).filter((e) => e.path.startsWith('/news/')).every((e) => e.status === 304)).toBe(true);
  });
});
