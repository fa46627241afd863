import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../crawlers/feed.ts';
import { parseSitemap } from '../../crawlers/sitemap.ts';

// These hold under any process TZ; .ci/run runs them east and west of UTC, and
// test/time/zone-independence.test.ts runs the same parsers in child processes with TZ set.

const rss = (...pubDates: string[]) =>
  `<rss version="2.0"><channel><title>t</title>${pubDates
    .map((d, i) => `<item><title>S${i}</title><link>https://e.example/${i}</link><pubDate>${d}</pubDate></item>`)
    .join('')}</channel></rss>`;

const urlset = (...lastmods: string[]) =>
  `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${lastmods
    .map((d, i) => `<url><loc>https://e.example/${i}</loc><lastmod>${d}</lastmod></url>`)
    .join('')}</urlset>`;

describe('feed dates', () => {
  it('reads RFC 822 pubDates with a zone name, an offset, or no zone (UTC)', () => {
    const feed = parseFeed(
      rss('Tue, 10 Jun 2025 04:00:00 GMT', 'Wed, 11 Jun 2025 09:30:00 +0200', 'Wed, 11 Jun 2025 09:30:00 EDT', 'Wed, 11 Jun 2025 23:30:00', 'Thu, 12 Jun 2025 00:30'),
      'https://e.example/feed',
    );
    expect(feed.entries.map((e) => e.publishedAt)).toEqual([
      '2025-06-10T04:00:00.000Z',
      '2025-06-11T07:30:00.000Z',
      '2025-06-11T13:30:00.000Z',
      '2025-06-11T23:30:00.000Z',
      '2025-06-12T00:30:00.000Z',
    ]);
  });

  it('reads a wrong weekday by its numbers and drops a day that does not exist', () => {
    const feed = parseFeed(rss('Mon, 10 Jun 2025 04:00:00 GMT', 'Sun, 30 Feb 2025 10:00:00 GMT', 'February 12, 2016'), 'https://e.example/feed');
    expect(feed.entries.map((e) => e.publishedAt)).toEqual(['2025-06-10T04:00:00.000Z', undefined, '2016-02-12T00:00:00.000Z']);
  });

  it('reads Atom dates with and without offset (zone-less = UTC)', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>a</title><id>x</id><updated>2025-01-01T00:00:00Z</updated>
      <entry><title>E</title><id>1</id><link href="/e"/><published>2025-01-02T00:30:00</published><updated>2025-01-02T08:30:00+09:00</updated></entry></feed>`;
    expect(parseFeed(atom, 'https://e.example/atom').entries[0]).toMatchObject({ publishedAt: '2025-01-02T00:30:00.000Z', updatedAt: '2025-01-01T23:30:00.000Z' });
  });
});

describe('sitemap lastmod', () => {
  it('reads date-only, offset and zone-less W3C datetimes as UTC instants', () => {
    const s = parseSitemap(urlset('2025-06-09', '2025-06-10T06:00:00+02:00', '2025-06-10T23:30:00-08:00', '2025-06-10T23:30', '2025-06'), 'https://e.example/');
    expect(s.urls.map((u) => u.lastmod)).toEqual([
      '2025-06-09T00:00:00.000Z',
      '2025-06-10T04:00:00.000Z',
      '2025-06-11T07:30:00.000Z',
      '2025-06-10T23:30:00.000Z',
      '2025-06-01T00:00:00.000Z',
    ]);
  });

  it('drops impossible and unreadable lastmods', () => {
    const s = parseSitemap(urlset('2025-02-30', '2025-13-01', '2025-06-10T25:00:00Z', 'yesterday'), 'https://e.example/');
    expect(s.urls.map((u) => u.lastmod)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads a news publication date without zone as UTC', () => {
    const xml = `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://e.example/n</loc><news:news><news:title>N</news:title><news:publication_date>2016-02-12T00:30:00</news:publication_date></news:news></url></urlset>`;
    expect(parseSitemap(xml, 'https://e.example/').urls[0].newsPublishedAt).toBe('2016-02-12T00:30:00.000Z');
  });
});
