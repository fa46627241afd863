import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../crawlers/feed.ts';
import { parseSitemap } from '../../crawlers/sitemap.ts';
import { decodeXmlBytes, sniffXmlEncoding } from '../../crawlers/xml-bytes.ts';

const latin1 = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('sniffXmlEncoding / decodeXmlBytes', () => {
  it('uses the BOM first', () => {
    expect(sniffXmlEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x3c]))).toBe('utf-8');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<?xml version="1.0"?><a>é</a>', 'utf16le')]);
    expect(sniffXmlEncoding(utf16)).toBe('utf-16le');
    expect(decodeXmlBytes(utf16)).toBe('<?xml version="1.0"?><a>é</a>');
  });

  it('then the XML declaration', () => {
    const doc = latin1(`<?xml version="1.0" encoding="ISO-8859-1"?><a>Café Zürich</a>`);
    expect(sniffXmlEncoding(doc)).toBe('iso-8859-1');
    expect(decodeXmlBytes(doc)).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>Café Zürich</a>');
    expect(sniffXmlEncoding(latin1(`  \n<?xml version='1.0' encoding='windows-1252' standalone="yes"?><a/>`))).toBe('windows-1252');
  });

  it('else UTF-8, also for unknown labels', () => {
    expect(sniffXmlEncoding(new TextEncoder().encode('<a>é</a>'))).toBe('utf-8');
    expect(sniffXmlEncoding(latin1('<?xml version="1.0" encoding="x-klingon"?><a/>'))).toBe('utf-8');
    expect(decodeXmlBytes(new TextEncoder().encode('<a>é</a>'))).toBe('<a>é</a>');
  });
});

describe('byte input to the parsers', () => {
  it('parseFeed reads an ISO-8859-1 feed from bytes', () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Zeitung Zürich</title><item><title>Größere Straßen</title><link>https://z.example/a</link></item></channel></rss>`;
    const feed = parseFeed(latin1(xml), 'https://z.example/feed');
    expect(feed.title).toBe('Zeitung Zürich');
    expect(feed.entries[0].title).toBe('Größere Straßen');
  });

  it('parseSitemap honours a declared encoding', () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?><urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url><loc>https://z.example/a</loc><news:news><news:title>Café</news:title></news:news></url></urlset>`;
    expect(parseSitemap(latin1(xml), 'https://z.example/').urls[0].newsTitle).toBe('Café');
  });
});
