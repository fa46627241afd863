import { describe, expect, it } from 'vitest';
import { normalizeDate } from '../../src/extract/dates.ts';
import { extractArticle } from '../../src/extract/extract-article.ts';

describe('normalizeDate', () => {
  it('keeps ISO 8601 values and their zone', () => {
    expect(normalizeDate('2024-03-14T08:30:00+00:00')).toBe('2024-03-14T08:30:00+00:00');
    expect(normalizeDate('2024-03-14T08:30:00Z')).toBe('2024-03-14T08:30:00Z');
    expect(normalizeDate('2024-03-14T08:30:00.123456+0200')).toBe('2024-03-14T08:30:00.123+02:00');
    expect(normalizeDate('2024-03-14 08:30')).toBe('2024-03-14T08:30:00');
    expect(normalizeDate(' 2024-3-4 ')).toBe('2024-03-04');
  });

  it('reads compact, dotted, slashed and English spellings', () => {
    expect(normalizeDate('20160212T143000')).toBe('2016-02-12T14:30:00');
    expect(normalizeDate('12.02.2016, 14:30 Uhr')).toBe('2016-02-12T14:30:00');
    expect(normalizeDate('2016/02/12')).toBe('2016-02-12');
    expect(normalizeDate('Fri, 12 Feb 2016 14:30:00 GMT')).toBe('2016-02-12T14:30:00Z');
    expect(normalizeDate('February 12, 2016')).toBe('2016-02-12');
  });

  it('reads English and RFC 2822 dates as the page wrote them, whatever the server zone', () => {
    expect(normalizeDate('12 February 2016')).toBe('2016-02-12');
    expect(normalizeDate('Friday, February 12, 2016')).toBe('2016-02-12');
    expect(normalizeDate('February 12, 2016 10:30')).toBe('2016-02-12T10:30:00');
    expect(normalizeDate('Feb 12, 2016 10:30 AM EST')).toBe('2016-02-12T10:30:00-05:00');
    expect(normalizeDate('Fri, 12 Feb 2016 14:30:00 +0100')).toBe('2016-02-12T14:30:00+01:00');
  });

  it('rejects days and times that do not exist', () => {
    expect(normalizeDate('2024-02-30')).toBeNull();
    expect(normalizeDate('2023-02-29T10:00:00Z')).toBeNull();
    expect(normalizeDate('2024-02-29')).toBe('2024-02-29');
    expect(normalizeDate('30.02.2016')).toBeNull();
    expect(normalizeDate('2016-02-12T25:00')).toBeNull();
    expect(normalizeDate('February 30, 2016')).toBeNull();
    expect(normalizeDate('Tue, 31 Apr 2016 10:00:00 GMT')).toBeNull();
  });

  it('rejects placeholders and text', () => {
    expect(normalizeDate('0000-00-00 00:00:00')).toBeNull();
    expect(normalizeDate('2016-13-40')).toBeNull();
    expect(normalizeDate('yesterday')).toBeNull();
    expect(normalizeDate('')).toBeNull();
    expect(normalizeDate(undefined)).toBeNull();
  });
});

describe('dates from pages', () => {
  const page = (head: string, body = '<p>Text of the article, long enough to count as a paragraph here.</p>') =>
    `<html><head>${head}</head><body><article>${body}</article></body></html>`;

  it('prefers article:published_time and article:modified_time', () => {
    const a = extractArticle(page('<meta property="article:published_time" content="2020-01-02T03:04:05+01:00"><meta property="article:modified_time" content="2020-01-03">'));
    expect(a.publishedAt).toBe('2020-01-02T03:04:05+01:00');
    expect(a.modifiedAt).toBe('2020-01-03');
  });

  it('reads JSON-LD datePublished/dateModified, also inside @graph', () => {
    const ld = { '@context': 'https://schema.org', '@graph': [{ '@type': 'WebSite', name: 'X' }, { '@type': 'NewsArticle', datePublished: '2021-05-06T07:08:09Z', dateModified: '2021-05-07T00:00:00Z' }] };
    const a = extractArticle(page(`<script type="application/ld+json">${JSON.stringify(ld)}</script>`));
    expect(a.publishedAt).toBe('2021-05-06T07:08:09Z');
    expect(a.modifiedAt).toBe('2021-05-07T00:00:00Z');
  });

  it('falls back to <time datetime> and survives broken JSON-LD', () => {
    const a = extractArticle(page('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>', '<time datetime="2019-09-09T10:00:00+02:00">9 Sept</time><p>Body text of the article, which is long enough to be a paragraph.</p>'));
    expect(a.publishedAt).toBe('2019-09-09T10:00:00+02:00');
    expect(a.modifiedAt).toBeNull();
  });
});
