/**
 * Child-process probe for zone-independence.test.ts: prints, as JSON, what every date reader
 * makes of the same inputs, plus the zone offset this process really runs in (proof TZ took).
 */
import { parseFeed } from '../../crawlers/feed.ts';
import { parseRetryAfter as schedulerRetryAfter } from '../../crawlers/host-scheduler.ts';
import { parseSitemap } from '../../crawlers/sitemap.ts';
import { parseArticleRecord } from '../../src/articles/article-record.ts';
import { normalizeDate } from '../../src/extract/dates.ts';
import { parseRetryAfter as fetchRetryAfter } from '../../src/fetch/index.ts';

const article = (publishedAt: string) => {
  const parsed = parseArticleRecord({ id: 'a', url: 'https://e.example/a', title: 't', body: 'b', publishedAt });
  return parsed.ok ? parsed.record.publishedAt : parsed.problems.map((p) => p.field).join(',');
};
const rss = `<rss version="2.0"><channel><title>t</title>
  <item><link>https://e.example/1</link><pubDate>Fri, 12 Feb 2016 00:30:00</pubDate></item>
  <item><link>https://e.example/2</link><pubDate>Fri, 12 Feb 2016 00:30:00 +0100</pubDate></item>
  <item><link>https://e.example/3</link><pubDate>February 12, 2016</pubDate></item></channel></rss>`;
const urlset = `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://e.example/a</loc><lastmod>2016-02-12</lastmod></url>
  <url><loc>https://e.example/b</loc><lastmod>2016-02-12T00:30:00</lastmod></url>
  <url><loc>https://e.example/c</loc><lastmod>2016-02-12T00:30:00+09:00</lastmod></url></urlset>`;
const now = Date.UTC(2016, 1, 12, 0, 0, 0);

console.log(
  JSON.stringify({
    offsetMinutes: new Date(Date.UTC(2016, 1, 12)).getTimezoneOffset(),
    page: ['February 12, 2016', '12 February 2016', '12.02.2016', 'Fri, 12 Feb 2016 00:30:00 GMT', 'February 12, 2016 00:30', '2016-02-12T00:30:00'].map(normalizeDate),
    article: ['2016-02-12', '2016-02-12T00:30:00', '2016-02-12T00:30:00+09:00', '2024-02-30'].map(article),
    feed: parseFeed(rss, 'https://e.example/feed').entries.map((e) => e.publishedAt),
    sitemap: parseSitemap(urlset, 'https://e.example/').urls.map((u) => u.lastmod),
    retryAfter: ['Fri Feb 12 00:01:00 2016', 'Fri, 12 Feb 2016 00:01:00 GMT'].flatMap((v) => [schedulerRetryAfter(v, now), fetchRetryAfter(v, now)]),
  }),
);
