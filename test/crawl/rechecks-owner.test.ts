import { afterEach, describe, expect, it } from 'vitest';
import { buildNewsPage, escapeHtml, OWN_REPORT, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { startNewsSite, storyPath, type NewsSite } from '../fixtures/crawl/news-site.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { crawlTestEnv, openTestApp } from './crawl-helpers.ts';

const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('re-checks of flagged matches (watch sources)', () => {
  const tempDir = useTempDir();
  let site: NewsSite | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  it('records still_present, changed and removed (404, and text gone), each with its capture', async () => {
    site = await startNewsSite({ stories: 200 });
    const dir = tempDir();
    const env = crawlTestEnv(dir);
    await (await openTestApp(dir)).close();
    await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${site.url}/feed.xml`, '--name', 'feed'], { env });
    expect((await runCliInProcess(['crawl', 'feed'], { env })).code).toBe(0);
    const found = jsonLines((await runCliInProcess(['matches', 'list', '--json'], { env })).stdout);
    const idOf = (path: string) => found.find((m) => new URL(m.pageUrl).pathname === path).id as number;
    const [story7, story42, story150] = [idOf(storyPath(7)), idOf(storyPath(42)), idOf(storyPath(150))];
    for (const id of [story7, story42, story150]) expect((await runCliInProcess(['matches', 'flag', String(id)], { env })).code).toBe(0);

    // A watch source with no URLs of its own re-checks every flagged page.
    await runCliInProcess(['sources', 'add', '--type', 'watch', '--name', 'watch'], { env });
    expect((await runCliInProcess(['crawl', 'watch'], { env })).code).toBe(0);

    const [nato, strike] = readOwnedFixtures();
    // story 7 gains a paragraph (still a copy), story 42 answers 404, story 150 loses the copied text.
    site.setPage(storyPath(7), buildNewsPage({ site: 'Loopback Gazette', headline: nato.title, paragraphsHtml: [...paragraphsOf(nato), OWN_REPORT[0]].map(escapeHtml) }));
    site.queueAnswers(storyPath(42), [{ status: 404 }]);
    site.setPage(storyPath(150), buildNewsPage({ site: 'Loopback Gazette', headline: 'Corrected', paragraphsHtml: OWN_REPORT.map(escapeHtml) }));
    expect((await runCliInProcess(['crawl', 'watch'], { env })).code).toBe(0);

    const history = async (id: number) => jsonLines((await runCliInProcess(['matches', 'rechecks', String(id), '--json'], { env })).stdout).reverse();
    const h7 = await history(story7);
    expect(h7.map((r) => r.outcome)).toEqual(['still_present', 'changed']);
    const h42 = await history(story42);
    expect(h42.map((r) => [r.outcome, r.httpStatus])).toEqual([
      ['still_present', 200],
      ['removed', 404],
    ]);
    const h150 = await history(story150);
    expect(h150.map((r) => r.outcome)).toEqual(['still_present', 'removed']);
    for (const r of [...h7, ...h42, ...h150]) expect(r.captureId).toBeGreaterThan(0);
    expect(strike.id).toBe(found.find((m) => m.id === story42).articleId);

    // The unflagged copy (story 199) was never re-checked.
    expect(site.log.filter((e) => e.path === storyPath(199))).toHaveLength(1);
  }, 60_000);
});

describe('owner feed', () => {
  const tempDir = useTempDir();
  const sites: NewsSite[] = [];
  afterEach(async () => {
    for (const s of sites.splice(0)) await s.close();
  });

  it("turns the owner's own pages into owned articles, which later crawls then find copies of", async () => {
    const owner = await startNewsSite({ stories: 20 });
    const other = await startNewsSite({ stories: 200 });
    sites.push(owner, other);
    const dir = tempDir();
    const env = crawlTestEnv(dir);
    await (await openTestApp(dir, {}, { owned: false })).close();

    const ownUrl = owner.url + storyPath(7);
    await runCliInProcess(['sources', 'add', '--type', 'urls', '--url', ownUrl, '--name', 'own', '--owner'], { env });
    const crawled = await runCliInProcess(['crawl', 'own', '--json'], { env });
    expect(JSON.parse(crawled.stdout)).toMatchObject({ status: 'completed', pagesFetched: 1, matchesFound: 0 });
    const article = JSON.parse((await runCliInProcess(['articles', 'show', ownUrl, '--json'], { env })).stdout);
    const [nato] = readOwnedFixtures();
    expect(article).toMatchObject({ id: ownUrl, url: ownUrl, title: nato.title });
    expect(article.body).toContain(paragraphsOf(nato)[0].slice(0, 60));

    await runCliInProcess(['sources', 'add', '--type', 'feed', '--url', `${other.url}/feed.xml`, '--name', 'other'], { env });
    expect((await runCliInProcess(['crawl', 'other'], { env })).code).toBe(0);
    const found = jsonLines((await runCliInProcess(['matches', 'list', '--json'], { env })).stdout);
    const pairs = found.map((m) => `${new URL(m.pageUrl).pathname} ${m.articleId}`).sort();
    expect(pairs).toEqual([`${storyPath(199)} ${ownUrl}`, `${storyPath(7)} ${ownUrl}`]);
    expect(found.every((m) => !m.pageUrl.startsWith(owner.url))).toBe(true);
  }, 60_000);
});
