import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import {
  SiteFrontier,
  discoverFeedLinks,
  discoverLinks,
  frontierOptionsFromConfig,
  hasAssetExtension,
  isSameSite,
  type FrontierOptions,
} from '../../crawlers/site.ts';
import { ValidationError } from '../../src/errors.ts';
import { loopbackFetch, startLoopback, type Loopback } from './loopback.ts';

const front = readFileSync(new URL('../fixtures/crawlers/section-front.html', import.meta.url), 'utf8');
const PAGE = 'https://www.news.example/politics/';

describe('discoverLinks', () => {
  it('finds same-site page links, normalised, deduped, in order', () => {
    expect(discoverLinks(front, PAGE)).toEqual([
      'https://www.news.example/',
      'https://news.example/sport/',
      'https://www.news.example/business/',
      'http://news.example/culture/',
      'https://www.news.example/politics/council-budget',
      'https://www.news.example/politics/council-vote',
      'https://news.example/politics/protocol-relative',
      'https://www.news.example/politics/mayor-interview',
      'https://www.news.example/politics/map-area',
      'https://www.news.example/politics/?page=2',
    ]);
  });

  it('leaves out the page itself (canonical = page), assets, downloads, non-web schemes and other hosts', () => {
    const links = discoverLinks(front, PAGE);
    for (const bad of ['report', 'photo', 'site.css', 'politics.xml', 'downloads', 'mailto', 'javascript', 'tel:', 'other.example', 'cdn.']) {
      expect(links.some((l) => l.includes(bad)), bad).toBe(false);
    }
    expect(links).not.toContain(PAGE);
  });

  it('skips nofollow/sponsored links unless told not to', () => {
    expect(discoverLinks(front, PAGE).some((l) => l.endsWith('/login') || l.endsWith('/sponsored-post'))).toBe(false);
    const all = discoverLinks(front, PAGE, { respectNofollow: false });
    expect(all).toContain('https://www.news.example/login');
    expect(all).toContain('https://www.news.example/politics/sponsored-post');
  });

  it('follows nothing on a page with meta robots nofollow', () => {
    const html = '<html><head><meta name="ROBOTS" content="noindex, NOFOLLOW"></head><body><a href="/a">a</a></body></html>';
    expect(discoverLinks(html, 'https://e.example/')).toEqual([]);
    expect(discoverLinks(html, 'https://e.example/', { respectNofollow: false })).toEqual(['https://e.example/a']);
  });

  it('treats www. as a different host when includeWww is off', () => {
    const links = discoverLinks(front, PAGE, { includeWww: false });
    expect(links).not.toContain('https://news.example/sport/');
    expect(links).toContain('https://www.news.example/business/');
  });

  it('keeps other hosts when sameHostOnly is off', () => {
    const links = discoverLinks(front, PAGE, { sameHostOnly: false });
    expect(links).toContain('https://other.example/copied-story');
    expect(links).toContain('https://cdn.news.example/politics/x');
  });

  it('honours <base href> and can drop query strings', () => {
    const html = '<head><base href="/archive/2024/"></head><a href="story?id=7&utm_source=x">s</a>';
    expect(discoverLinks(html, 'https://e.example/x/y')).toEqual(['https://e.example/archive/2024/story?id=7']);
    expect(discoverLinks(html, 'https://e.example/x/y', { dropQuery: true })).toEqual(['https://e.example/archive/2024/story']);
  });

  it('survives broken HTML and rejects a bad page URL', () => {
    expect(discoverLinks('<a href="/ok">x<a href="/also"><<<<div', 'https://e.example/')).toEqual(['https://e.example/ok', 'https://e.example/also']);
    expect(discoverLinks('', 'https://e.example/')).toEqual([]);
    expect(() => discoverLinks('<a href="/x">', 'nope')).toThrow(ValidationError);
  });
});

describe('discoverFeedLinks', () => {
  it('finds advertised RSS/Atom/JSON feeds on any host, absolute and deduped', () => {
    const html = `<head>
      <link rel="alternate" type="application/rss+xml" title="All" href="/feeds/all.xml">
      <link rel="alternate" type="application/atom+xml" href="https://feeds.cdn.example/atom">
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="alternate" type="application/rss+xml" href="/feeds/all.xml#dup">
      <link rel="alternate" hreflang="de" href="/de/">
      <link rel="stylesheet" type="text/css" href="/s.css">
    </head>`;
    expect(discoverFeedLinks(html, 'https://e.example/section/')).toEqual([
      'https://e.example/feeds/all.xml',
      'https://feeds.cdn.example/atom',
      'https://e.example/feed.json',
    ]);
    expect(discoverFeedLinks(front, PAGE)).toEqual(['https://www.news.example/feeds/politics.xml']);
    expect(discoverFeedLinks('<p>no head</p>', PAGE)).toEqual([]);
  });
});

describe('site helpers', () => {
  it('isSameSite compares host and port, ignoring scheme and optionally www.', () => {
    expect(isSameSite('http://www.e.example/a', 'https://e.example/b')).toBe(true);
    expect(isSameSite('http://www.e.example/a', 'https://e.example/b', false)).toBe(false);
    expect(isSameSite('http://e.example:8080/', 'http://e.example/')).toBe(false);
    expect(isSameSite('http://sub.e.example/', 'http://e.example/')).toBe(false);
  });

  it('hasAssetExtension looks at the last path segment only', () => {
    expect(hasAssetExtension('https://e.example/a/b.JPEG')).toBe(true);
    expect(hasAssetExtension('https://e.example/files.pdf/story')).toBe(false);
    expect(hasAssetExtension('https://e.example/story.html')).toBe(false);
    expect(hasAssetExtension('https://e.example/v2.5/story')).toBe(false);
    expect(hasAssetExtension('https://e.example/.htaccess')).toBe(false);
  });
});

const trapLimits = { maxLength: 2048, maxPathDepth: 12, maxSegmentRepeats: 2, calendarMinYear: 1990, now: new Date('2025-06-01T00:00:00Z') };
const baseOptions: FrontierOptions = { maxDepth: 2, maxPages: 100, maxQueryVariantsPerPath: 3, trapLimits, site: 'https://e.example/' };

describe('SiteFrontier', () => {
  it('hands out pages breadth-first and refuses what is too deep', () => {
    const f = SiteFrontier.start(['https://e.example/'], baseOptions);
    const root = f.next()!;
    expect(root).toEqual({ url: 'https://e.example/', depth: 0 });
    expect(f.addLinks(['https://e.example/a', 'https://e.example/b'], root.depth)).toBe(2);
    const a = f.next()!;
    expect(f.addLinks(['https://e.example/a1'], a.depth)).toBe(1);
    expect(f.next()!.url).toBe('https://e.example/b');
    const a1 = f.next()!;
    expect(a1).toEqual({ url: 'https://e.example/a1', depth: 2 });
    expect(f.add('https://e.example/a1x', a1.depth + 1)).toBe('too_deep');
    expect(f.next()).toBeUndefined();
    expect(f.done).toBe(true);
  });

  it('dedupes by normalised URL and refuses off-site, invalid and trap URLs', () => {
    const f = SiteFrontier.start(['https://e.example/'], baseOptions);
    expect(f.add('https://E.example/?utm_source=x#top', 1)).toBe('seen');
    expect(f.add('https://www.e.example/x', 1)).toBe('queued');
    expect(f.add('https://other.example/x', 1)).toBe('off_site');
    expect(f.add('mailto:x@e.example', 1)).toBe('invalid');
    expect(f.add('https://e.example/a/b/a/b/a/b', 1)).toBe('repeated_segment');
    expect(f.add('https://e.example/events/2042/01/', 1)).toBe('calendar');
    expect(f.toJSON().rejected).toEqual({ off_site: 1, invalid: 1, repeated_segment: 1, calendar: 1 });
  });

  it('caps distinct query strings per path', () => {
    const f = SiteFrontier.start([], baseOptions);
    const results = [1, 2, 3, 4, 5].map((n) => f.add(`https://e.example/search?page=${n}`, 1));
    expect(results).toEqual(['queued', 'queued', 'queued', 'query_variants', 'query_variants']);
    expect(f.add('https://e.example/other?page=9', 1)).toBe('queued');
  });

  it('drops query strings entirely when configured', () => {
    const f = SiteFrontier.start([], { ...baseOptions, dropQuery: true });
    expect(f.add('https://e.example/search?page=1', 1)).toBe('queued');
    expect(f.add('https://e.example/search?page=2', 1)).toBe('seen');
  });

  it('stops at maxPages', () => {
    const f = SiteFrontier.start(['https://e.example/1', 'https://e.example/2', 'https://e.example/3'], { ...baseOptions, maxPages: 2 });
    expect(f.next()).toBeDefined();
    expect(f.next()).toBeDefined();
    expect(f.next()).toBeUndefined();
    expect(f.done).toBe(true);
    expect(f.pending).toBe(1);
  });

  it('round-trips through JSON and resumes exactly where it stopped', () => {
    const f = SiteFrontier.start(['https://e.example/'], baseOptions);
    f.next();
    f.addLinks(['https://e.example/a', 'https://e.example/b', 'https://e.example/s?q=1'], 0);
    f.next();
    const saved = JSON.parse(JSON.stringify(f.toJSON()));
    const g = SiteFrontier.fromJSON(saved, baseOptions);
    expect(g.toJSON()).toEqual(f.toJSON());
    expect(g.pagesTaken).toBe(2);
    expect(g.add('https://e.example/a', 1)).toBe('seen');
    expect(g.next()!.url).toBe('https://e.example/b');
    expect(g.next()!.url).toBe('https://e.example/s?q=1');
    expect(() => SiteFrontier.fromJSON({ ...saved, version: 2 }, baseOptions)).toThrow(ValidationError);
  });

  it('keeps its state small after many pages (taken entries are not kept in the queue)', () => {
    const f = SiteFrontier.start([], { ...baseOptions, maxPages: 5000 });
    for (let i = 0; i < 3000; i++) f.add(`https://e.example/p${i}`, 1);
    for (let i = 0; i < 2500; i++) f.next();
    const state = f.toJSON();
    expect(state.queue).toHaveLength(500);
    expect(state.queue[0].url).toBe('https://e.example/p2500');
    expect(state.seen).toHaveLength(3000);
  });

  it('reads its limits from config', () => {
    const o = frontierOptionsFromConfig(loadConfig({ COPYHOUND_CRAWL_SITE_MAX_DEPTH: '1', COPYHOUND_CRAWL_SITE_DROP_QUERY: 'true' }).crawl, 'https://e.example/');
    expect(o).toMatchObject({ maxDepth: 1, maxPages: 500, dropQuery: true, includeWww: true, site: 'https://e.example/' });
  });
});

describe('site crawl over loopback HTTP', () => {
  let server: Loopback | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('discovers a small site breadth-first within the depth limit, skipping traps and assets', async () => {
    const html = (...links: string[]) => ({ headers: { 'content-type': 'text/html' }, body: `<html><body>${links.map((l) => `<a href="${l}">x</a>`).join('')}</body></html>` });
    server = await startLoopback({
      '/': html('/news/', '/sport/', '/logo.png', 'mailto:a@b.example'),
      '/news/': html('/news/story-1', '/news/story-2', '/calendar/2099/01/', '/'),
      '/sport/': html('/sport/match?id=1', '/sport/match?id=2', '/sport/match?id=3'),
      '/news/story-1': html('/news/story-1/deeper'),
      '/news/story-2': html('news/story-2'),
      '/sport/match?id=1': html(),
      '/sport/match?id=2': html(),
    });
    const f = SiteFrontier.start([`${server.origin}/`], { ...baseOptions, maxQueryVariantsPerPath: 2, site: server.origin });
    const order: string[] = [];
    for (let entry = f.next(); entry; entry = f.next()) {
      const res = await loopbackFetch(entry.url);
      order.push(new URL(entry.url).pathname + new URL(entry.url).search);
      if (res.status === 200) f.addLinks(discoverLinks(res.text, res.finalUrl), entry.depth);
    }
    expect(order).toEqual(['/', '/news/', '/sport/', '/news/story-1', '/news/story-2', '/sport/match?id=1', '/sport/match?id=2']);
    expect(server.hits('/logo.png')).toBe(0);
    expect(server.hits('/calendar/2099/01/')).toBe(0);
    expect(server.hits('/news/story-1/deeper')).toBe(0);
    // story-1/deeper and the relative spiral news/news/story-2 are both at depth 3.
    expect(f.toJSON().rejected).toEqual({ calendar: 1, too_deep: 2, query_variants: 1 });
  });
});
