import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import {
  detectUrlTrap,
  isTrackingParam,
  normaliseUrl,
  trapLimitsFromConfig,
  tryNormaliseUrl,
} from '../../crawlers/url-normalise.ts';
import { ValidationError } from '../../src/errors.ts';

describe('normaliseUrl', () => {
  it.each([
    ['HTTP://WWW.Example.COM/Path', 'http://www.example.com/Path'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://example.com', 'https://example.com/'],
    ['https://example.com/a/#section', 'https://example.com/a/'],
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
    ['https://example.com/a/%2e%2E/b', 'https://example.com/b'],
    ['https://example.com/?', 'https://example.com/'],
    ['https://example.com/p?b=2&a=1&c=3', 'https://example.com/p?a=1&b=2&c=3'],
    ['https://example.com/p?a=2&b=1&a=1', 'https://example.com/p?a=2&a=1&b=1'],
    ['https://example.com/p?utm_source=x&id=5&UTM_Medium=y&fbclid=z&gclid=q', 'https://example.com/p?id=5'],
    ['https://example.com/p?utm_source=x', 'https://example.com/p'],
    ['https://example.com/p?flag&&x=1', 'https://example.com/p?flag&x=1'],
    ['https://example.com/%7euser/%41b%2f', 'https://example.com/~user/Ab%2F'],
    ['https://example.com/p?q=%c3%a9', 'https://example.com/p?q=%C3%A9'],
    ['https://bücher.example/straße', 'https://xn--bcher-kva.example/stra%C3%9Fe'],
    ['https://example.com./a', 'https://example.com/a'],
    ['  https://example.com/a  ', 'https://example.com/a'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseUrl(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = normaliseUrl('HTTPS://Bücher.Example:443/a/../b?z=1&utm_campaign=x&a=%7e#f');
    expect(normaliseUrl(once)).toBe(once);
  });

  it('resolves relative URLs against a base', () => {
    expect(normaliseUrl('../x?b=1&a=2', { base: 'https://e.example/s/t/page' })).toBe('https://e.example/s/x?a=2&b=1');
  });

  it('drops the whole query when asked', () => {
    expect(normaliseUrl('https://e.example/a?page=2&id=3', { dropQuery: true })).toBe('https://e.example/a');
  });

  it('strips extra configured parameters case-insensitively', () => {
    expect(normaliseUrl('https://e.example/a?SessionId=9&id=3', { extraStripParams: ['sessionid'] })).toBe('https://e.example/a?id=3');
  });

  it.each([
    ['', 'empty'],
    ['not a url', 'relative without base'],
    ['mailto:a@b.example', 'mailto'],
    ['javascript:alert(1)', 'javascript'],
    ['ftp://e.example/file', 'ftp'],
    ['https://user:pw@e.example/', 'credentials'],
    ['http://', 'no host'],
  ])('rejects %s (%s) with ValidationError', (input) => {
    expect(() => normaliseUrl(input)).toThrow(ValidationError);
    expect(tryNormaliseUrl(input)).toBeUndefined();
  });
});

describe('isTrackingParam', () => {
  it('knows the usual click ids and prefixes, not real parameters', () => {
    for (const p of ['utm_source', 'utm_whatever', 'fbclid', 'GCLID', 'msclkid', 'mc_eid', '_ga', 'pk_campaign']) {
      expect(isTrackingParam(p)).toBe(true);
    }
    for (const p of ['id', 'page', 'p', 'article', 'q', 'ref']) expect(isTrackingParam(p)).toBe(false);
  });
});

describe('detectUrlTrap', () => {
  const limits = { maxLength: 120, maxPathDepth: 6, maxSegmentRepeats: 2, calendarMinYear: 1990, now: new Date('2025-06-01T00:00:00Z') };

  it('accepts ordinary news URLs', () => {
    for (const u of [
      'https://news.example/2025/06/01/council-budget',
      'https://news.example/politics/council-budget-approved-123456',
      'https://news.example/article?id=1999',
      'https://news.example/story/1500/title',
      'https://news.example/archive/2001-09-11/',
      'https://news.example/2026/01/preview',
      'https://news.example/01/01/01/x',
    ]) {
      expect(detectUrlTrap(u, limits), u).toBeUndefined();
    }
  });

  it('flags URLs over the length limit', () => {
    expect(detectUrlTrap(`https://e.example/${'a'.repeat(200)}`, limits)).toBe('too_long');
  });

  it('flags deep paths', () => {
    expect(detectUrlTrap('https://e.example/a/b/c/d/e/f/g', limits)).toBe('too_deep');
    expect(detectUrlTrap('https://e.example/a/b/c/d/e/f', limits)).toBeUndefined();
  });

  it('flags repeated path segments from relative-link spirals', () => {
    expect(detectUrlTrap('https://e.example/news/sport/news/sport/news/x', limits)).toBe('repeated_segment');
    expect(detectUrlTrap('https://e.example/news/sport/news/x', limits)).toBeUndefined();
  });

  it('flags calendar pages far in the future or past', () => {
    expect(detectUrlTrap('https://e.example/events/2031/04/', limits)).toBe('calendar');
    expect(detectUrlTrap('https://e.example/calendar?month=2099-01', limits)).toBe('calendar');
    expect(detectUrlTrap('https://e.example/calendar?year=1850', limits)).toBe('calendar');
    expect(detectUrlTrap('https://e.example/events/day/1802-11-05/', limits)).toBe('calendar');
    expect(detectUrlTrap('https://e.example/calendar?year=2025', limits)).toBeUndefined();
  });

  it('reads its limits from config', () => {
    const config = loadConfig({ COPYHOUND_CRAWL_URL_MAX_PATH_DEPTH: '2' });
    const fromConfig = trapLimitsFromConfig(config.crawl, limits.now);
    expect(fromConfig.maxPathDepth).toBe(2);
    expect(detectUrlTrap('https://e.example/a/b/c', fromConfig)).toBe('too_deep');
  });
});
