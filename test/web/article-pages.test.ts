import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchArticleTitles } from '../../db/article-page-queries.ts';
import { saveArticles } from '../../src/articles/article-registry.ts';
import { HOSTILE_TITLE, PASSWORD, startReportWorld, visibleText, type ReportWorld } from './report-page-fixture.ts';
import { signInAs, type WebClient } from './web-client.ts';

/**
 * The owned-article pages over a real server: the newest list and title / id search with keyset
 * paging, one article with the pages it was found on (from the real pipeline's reports), and
 * hostile titles kept as text.
 */

// More than one screen (50) of extra articles, so paging has a second page.
const EXTRA_ARTICLES = 60;

let world: ReportWorld;
let legal: WebClient;

beforeAll(async () => {
  world = await startReportWorld('copyhound-web-articles-');
  const extra = Array.from({ length: EXTRA_ARTICLES }, (_, i) => ({
    id: `paging-${String(i).padStart(3, '0')}`,
    url: `https://wire.example/paging/${i}`,
    title: `Paging story number ${i}`,
    body: `Paging story ${i} has a short body of its own, written for the list test only.`,
    publishedAt: '2026-01-01T00:00:00Z',
    section: 'Testing',
  }));
  const saved = await saveArticles(world.server.app.registry, extra.map((value, ref) => ({ ref, value })));
  if (saved.rejected > 0) throw new Error(JSON.stringify(saved.rejectedRecords));
  legal = await signInAs(world.url, 'legal@publisher.example', PASSWORD);
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe('owned articles', () => {
  it('lists the newest registered first, a screen at a time, with escaped titles', async () => {
    const first = await legal.get('/articles');
    expect(first.status).toBe(200);
    expect(first.text).toContain('href="/articles/paging-059"');
    expect(first.text).not.toContain('href="/articles/aa-nato-syria"');
    const next = /href="\/articles(\?after=[^"]+)" rel="next"/.exec(first.text);
    expect(next).not.toBeNull();
    const second = await legal.get(`/articles${next![1]}`);
    expect(second.status).toBe(200);
    expect(second.text).toContain('href="/articles/aa-nato-syria"');
    expect(second.text).toContain('href="/articles/paging-000"');
    expect(second.text).not.toContain('href="/articles/paging-059"');
    expect(second.text).toContain('End of the list');
    expect(second.text).not.toContain('<script>alert');
    expect(second.text).toContain('Glaciers &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; melt');
    expect((await legal.get('/articles?after=not-a-cursor')).status).toBe(400);
  });

  it('searches titles (any case, anywhere in the title) and ids (by prefix), with the exact id on top', async () => {
    const byTitle = await legal.get('/articles?q=AIRSTRIKES');
    expect(byTitle.text).toContain('href="/articles/aa-nato-syria"');
    expect(byTitle.text).not.toContain('href="/articles/paging-');
    const hostile = await legal.get(`/articles?q=${encodeURIComponent('<script>')}`);
    expect(hostile.text).toContain('href="/articles/cw-swiss-glaciers"');
    expect(hostile.text).not.toContain('<script>alert');
    expect(visibleText((await legal.get('/articles?q=zebra')).text)).toContain('No article matches.');

    const paged = await legal.get('/articles?q=paging+story');
    expect(paged.text.match(/href="\/articles\/paging-/g)).toHaveLength(50);
    const next = /href="\/articles(\?[^"]+)" rel="next"/.exec(paged.text)![1].replace(/&amp;/g, '&');
    const rest = await legal.get(`/articles${next}`);
    expect(rest.text.match(/href="\/articles\/paging-/g)).toHaveLength(EXTRA_ARTICLES - 50);

    const byId = await legal.get('/articles?q=aa-&by=id');
    expect(byId.text).toContain('href="/articles/aa-nato-syria"');
    expect(byId.text).not.toContain('href="/articles/cw-swiss-glaciers"');
    const exact = await legal.get('/articles?q=cw-swiss-glaciers');
    expect(visibleText(exact.text)).toContain('Article id “cw-swiss-glaciers”');
  });

  it('goes on through the titles a bounded stretch at a time', async () => {
    const db = world.server.app.database.db;
    // 62 titles, 5 looked at per call: "number 1" is in paging-001 and paging-010..019 (titles in alphabetical order).
    const found: string[] = [];
    let after = null;
    let calls = 0;
    do {
      const step = await searchArticleTitles(db, 'number 1', after, 5, 50);
      found.push(...step.items.map((a) => a.id));
      after = step.next;
      calls++;
    } while (after && calls < 100);
    expect(after).toBeNull();
    // 62 titles, 5 per call: 12 full stretches and a last one of 2 that reaches the end.
    expect(calls).toBe(13);
    expect(found.sort()).toEqual(['paging-001', ...Array.from({ length: 10 }, (_, i) => `paging-0${10 + i}`)]);
  });

  it('shows one article with every page it was found on, its decision and report', async () => {
    const page = await legal.get('/articles/aa-nato-syria');
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain('NATO: Russian airstrikes undermining Syria peace talks');
    expect(text).toContain('Credit line Anadolu Agency');
    expect(text).toContain('(2 pages)');
    expect(page.text).toContain(`href="/reports/${world.reports.breach}"`);
    expect(page.text).toContain(`href="/reports/${world.reports.pirate}"`);
    expect(page.text).toContain('<span class="badge licence_breach">licence breach</span>');
    expect(page.text).toContain('<span class="badge unlicensed">unlicensed</span>');
    expect(text).toContain('credit missing');
    expect(page.text).toContain('/partner/world/nato-warns');

    const hostile = await legal.get('/articles/cw-swiss-glaciers');
    expect(hostile.status).toBe(200);
    expect(hostile.text).not.toContain('<script>alert');
    expect(visibleText(hostile.text)).toContain(HOSTILE_TITLE);
    expect(visibleText(hostile.text)).toContain('Not found on any page yet.');
    expect((await legal.get('/articles/no-such-article')).status).toBe(404);
  });
});
