import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../crawlers/feed.ts';
import { ValidationError } from '../../src/errors.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/crawlers/${name}`, import.meta.url), 'utf8');

describe('parseFeed: RSS 2.0', () => {
  const feed = parseFeed(fixture('rss2.xml'), 'https://news.example/feeds/main.xml');

  it('reads the channel title with entities decoded', () => {
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('Daily Example & Co');
  });

  it('resolves relative links against the feed URL and drops fragments', () => {
    expect(feed.entries[0].url).toBe('https://news.example/politics/council-budget?ref=rss');
  });

  it('normalises dates to ISO 8601 UTC and keeps author and plain-text summary', () => {
    expect(feed.entries[0]).toMatchObject({
      title: 'Council approves budget',
      publishedAt: '2025-06-10T04:00:00.000Z',
      author: 'Jane Roe',
      summary: 'The council approved the budget.',
    });
    expect(feed.entries[1].publishedAt).toBe('2025-06-11T07:30:00.000Z');
  });

  it('uses a permalink guid when there is no link, but not an isPermaLink="false" guid', () => {
    const urls = feed.entries.map((e) => e.url);
    expect(urls).toContain('https://news.example/guid-only');
    expect(urls.some((u) => u.includes('tag:'))).toBe(false);
  });

  it('trims links, reads <author>, omits unreadable dates', () => {
    const e = feed.entries.find((x) => x.url === 'https://news.example/author-element');
    expect(e).toBeDefined();
    expect(e!.author).toBe('News Desk');
    expect(e!.publishedAt).toBeUndefined();
  });

  it('keeps one entry per URL and skips non-http links, counting them', () => {
    expect(feed.entries.map((e) => e.url)).toEqual([
      'https://news.example/politics/council-budget?ref=rss',
      'https://news.example/guid-only',
      'https://news.example/author-element',
    ]);
    expect(feed.skipped).toBe(2); // the non-permalink guid and the javascript: link
  });
});

describe('parseFeed: Atom', () => {
  const feed = parseFeed(fixture('atom.xml'), 'https://blog.example/feed.atom');

  it('reads an html title as text', () => {
    expect(feed.format).toBe('atom');
    expect(feed.title).toBe('Example Blog');
  });

  it('prefers the alternate link and resolves it against xml:base', () => {
    expect(feed.entries[0]).toMatchObject({
      url: 'https://blog.example/posts/first-post',
      title: 'First post',
      publishedAt: '2025-02-28T09:00:00.000Z',
      updatedAt: '2025-03-01T12:00:00.000Z',
      author: 'Bob Smith',
      summary: 'A bold start',
    });
  });

  it('honours an entry-level xml:base', () => {
    expect(feed.entries[1].url).toBe('https://other.example/section/second');
  });

  it('falls back to an http id and skips entries with nothing usable', () => {
    expect(feed.entries[2].url).toBe('https://blog.example/posts/third');
    expect(feed.entries).toHaveLength(3);
    expect(feed.skipped).toBe(1);
  });
});

describe('parseFeed: RSS 1.0 (RDF)', () => {
  const feed = parseFeed(fixture('rdf.xml'), 'https://wire.example/index.rdf');

  it('reads items, dc:date and dc:creator', () => {
    expect(feed.format).toBe('rdf');
    expect(feed.title).toBe('Wire Example');
    expect(feed.entries[0]).toEqual({
      url: 'https://wire.example/story/1',
      title: 'Wire story one',
      publishedAt: '2025-02-02T09:00:00.000Z',
      author: 'Al Reporter',
      summary: 'Short text',
    });
    expect(feed.entries[1].url).toBe('https://wire.example/story/2');
  });
});

describe('parseFeed: JSON Feed', () => {
  it('reads items and resolves relative urls', () => {
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'JF',
      items: [{ id: '1', url: '/a', title: 'A', date_published: '2025-01-01T00:00:00Z', authors: [{ name: 'Z' }] }],
    });
    const feed = parseFeed(json, 'https://j.example/feed.json');
    expect(feed.format).toBe('json');
    expect(feed.entries).toEqual([{ url: 'https://j.example/a', title: 'A', publishedAt: '2025-01-01T00:00:00.000Z', author: 'Z' }]);
  });
});

describe('parseFeed: robustness', () => {
  it('tolerates a BOM and leading whitespace', () => {
    const feed = parseFeed(`\uFEFF\n\n  ${fixture('rss2.xml')}`, 'https://news.example/');
    expect(feed.entries.length).toBe(3);
  });

  it('returns an empty list for a valid feed with no items', () => {
    const feed = parseFeed('<rss version="2.0"><channel><title>Empty</title><link>https://e.example/</link></channel></rss>', 'https://e.example/');
    expect(feed.entries).toEqual([]);
    expect(feed.title).toBe('Empty');
  });

  it('keeps literal angle brackets in plain-text titles', () => {
    const xml = '<rss version="2.0"><channel><title>t</title><item><title>5 &lt; 6 and 7 &gt; 3</title><link>https://e.example/x</link></item></channel></rss>';
    expect(parseFeed(xml, 'https://e.example/').entries[0].title).toBe('5 < 6 and 7 > 3');
  });

  it('decodes every HTML entity in escaped titles and summaries (named beyond the XML five, numeric, legacy without ";")', () => {
    // The feed escapes its HTML once (&amp;eacute;); the HTML inside then names entities of its own.
    const title = 'Caf&amp;eacute; &amp;ndash; &amp;#x2019;s &amp;hellip; &amp;copy 2026 &amp;euro;5 AT&amp;amp;T &amp;bogus;';
    const xml = `<rss version="2.0"><channel><title>t</title><item><title>${title}</title><link>https://e.example/x</link><description>&lt;p&gt;Fa&amp;ccedil;ade&amp;nbsp;&amp;mdash;&amp;#8203;x&lt;/p&gt;</description></item></channel></rss>`;
    const entry = parseFeed(xml, 'https://e.example/').entries[0];
    expect(entry.title).toBe('Café – ’s … © 2026 €5 AT&T &bogus;');
    expect(entry.summary).toBe('Façade —\u200bx');
  });

  it('truncates very long summaries', () => {
    const long = 'word '.repeat(2000);
    const xml = `<rss version="2.0"><channel><title>t</title><item><link>https://e.example/x</link><description>${long}</description></item></channel></rss>`;
    const s = parseFeed(xml, 'https://e.example/').entries[0].summary!;
    expect(s.length).toBeLessThanOrEqual(1000);
    expect(s.endsWith('…')).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['whitespace', '   \n'],
    ['plain text', 'not xml at all'],
    ['an HTML page', '<!doctype html><html><head><title>x</title></head><body><p>hi</p></body></html>'],
    ['truncated XML', '<rss version="2.0"><channel><item><title>x</ti'],
    ['a JSON object that is no feed', '{"a":1}'],
    ['a sitemap', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x/</loc></url></urlset>'],
  ])('throws ValidationError for %s', (_name, input) => {
    expect(() => parseFeed(input, 'https://e.example/')).toThrow(ValidationError);
  });

  it('throws ValidationError for a bad base URL', () => {
    expect(() => parseFeed(fixture('rss2.xml'), 'not a url')).toThrow(ValidationError);
  });

  it('does not expand a DOCTYPE entity bomb', () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">]>
<rss version="2.0"><channel><title>&lol6;</title><item><link>https://e.example/x</link></item></channel></rss>`;
    let result: unknown;
    try {
      result = parseFeed(bomb, 'https://e.example/');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return;
    }
    const title = (result as { title?: string }).title ?? '';
    expect(title.length).toBeLessThan(100_000);
  });
});

describe('parseFeed: truncated and mangled input never crashes', () => {
  it.each(['rss2.xml', 'atom.xml', 'rdf.xml'])('%s cut at many points gives a result or a ValidationError', (name) => {
    const xml = fixture(name);
    for (let cut = 0; cut < xml.length; cut += 37) {
      for (const input of [xml.slice(0, cut), xml.slice(cut), xml.slice(0, cut) + xml.slice(cut + 20)]) {
        try {
          const feed = parseFeed(input, 'https://e.example/');
          for (const e of feed.entries) expect(e.url).toMatch(/^https?:\/\//);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }
    }
  });
});
