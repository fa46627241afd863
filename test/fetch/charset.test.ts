import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHtmlBytes, fetchPage, parseContentType } from '../../src/fetch/index.ts';
import { startServer, testFetchConfig, type TestServer } from './helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/fetch/${name}`, import.meta.url));
const SHIFT_JIS = fixture('shift-jis.html');
const GB18030 = fixture('gb18030.html');
const WINDOWS_1252 = fixture('windows-1252.html');

function utf16leWithBom(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

describe('decodeHtmlBytes (WHATWG sniffing)', () => {
  it('decodes legacy encodings declared in a meta tag', () => {
    expect(decodeHtmlBytes(SHIFT_JIS, 'text/html')).toEqual({
      charset: 'shift_jis',
      text: '<!doctype html><meta charset="Shift_JIS"><title>東京</title><p>日本語の記事です。「著作権」</p>\n',
    });
    const gb = decodeHtmlBytes(GB18030, 'text/html');
    expect(gb.charset).toBe('gb18030');
    expect(gb.text).toContain('<p>中文报道：版权所有 € \u{1F600}</p>');
  });

  it('decodes windows-1252 named by the header, and treats iso-8859-1 as windows-1252 like browsers', () => {
    const expected = '<!doctype html><title>Café</title><p>“Smart quotes” – naïve façade costs €5…</p>\n';
    expect(decodeHtmlBytes(WINDOWS_1252, 'text/html; charset=windows-1252')).toEqual({ charset: 'windows-1252', text: expected });
    expect(decodeHtmlBytes(WINDOWS_1252, 'text/html; charset="ISO-8859-1"')).toEqual({ charset: 'windows-1252', text: expected });
  });

  it('lets a BOM override the header', () => {
    expect(decodeHtmlBytes(utf16leWithBom('<p>Grüße 日本</p>'), 'text/html; charset=iso-8859-1')).toEqual({
      charset: 'utf-16le',
      text: '<p>Grüße 日本</p>',
    });
    const utf16be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('<p>A</p>', 'utf16le').swap16()]);
    expect(decodeHtmlBytes(utf16be)).toEqual({ charset: 'utf-16be', text: '<p>A</p>' });
  });

  it('lets the header win over a conflicting meta tag', () => {
    const bytes = Buffer.concat([Buffer.from('<meta charset="utf-8"><p>caf'), Buffer.from([0xe9]), Buffer.from('</p>')]);
    expect(decodeHtmlBytes(bytes, 'text/html; charset=windows-1252')).toEqual({
      charset: 'windows-1252',
      text: '<meta charset="utf-8"><p>café</p>',
    });
  });

  it('ignores a meta tag after the first 1024 bytes', () => {
    const bytes = Buffer.concat([
      Buffer.from(`<!-- ${'x'.repeat(1100)} -->`),
      Buffer.from('<meta charset="shift_jis"><p>'),
      Buffer.from([0x82, 0xa0]),
    ]);
    const decoded = decodeHtmlBytes(bytes, 'text/html');
    expect(decoded.charset).toBe('windows-1252');
    expect(decoded.text.endsWith('<p>\u201a\u00a0')).toBe(true);
  });

  it('without any declaration, reads valid UTF-8 as UTF-8 and anything else as windows-1252', () => {
    expect(decodeHtmlBytes(Buffer.from('<p>Zürich – 東京</p>'), 'text/html')).toEqual({ charset: 'utf-8', text: '<p>Zürich – 東京</p>' });
    expect(decodeHtmlBytes(Buffer.from([0x3c, 0x70, 0x3e, 0xe9, 0x93]), undefined)).toEqual({ charset: 'windows-1252', text: '<p>é“' });
  });

  it('ignores unknown labels and never throws on invalid bytes', () => {
    const bytes = Buffer.concat([Buffer.from('<meta charset="shift_jis">'), Buffer.from([0x82, 0xa0])]);
    expect(decodeHtmlBytes(bytes, 'text/html; charset=x-no-such-charset')).toMatchObject({ charset: 'shift_jis', text: '<meta charset="shift_jis">あ' });
    const broken = Buffer.from([0x3c, 0x70, 0x3e, 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xf0, 0x90]);
    const decoded = decodeHtmlBytes(broken, 'text/html; charset=utf-8');
    expect(decoded.charset).toBe('utf-8');
    expect(decoded.text.startsWith('<p>\uFFFD')).toBe(true);
    expect(decodeHtmlBytes(Buffer.from('x'), 'text/html; charset=iso-2022-kr')).toEqual({ charset: 'replacement', text: '\uFFFD' });
    expect(decodeHtmlBytes(new Uint8Array(0), 'garbage;;;=')).toEqual({ charset: 'utf-8', text: '' });
  });

  it('does not prescan meta in text/plain', () => {
    const bytes = Buffer.concat([Buffer.from('<meta charset="shift_jis">'), Buffer.from([0x82, 0xa0])]);
    expect(decodeHtmlBytes(bytes, 'text/plain').charset).toBe('windows-1252');
  });
});

describe('fetchPage decodes as a browser would', () => {
  let server: TestServer;
  const config = testFetchConfig();
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const routes: Record<string, [string | undefined, Buffer]> = {
        '/sjis-meta': ['text/html', SHIFT_JIS],
        '/gb-header': ['text/html; charset=GB18030', GB18030],
        '/cp1252-conflict': ['text/html; charset=windows-1252', Buffer.from('<meta charset="utf-8"><p>na\xefve</p>', 'latin1')],
        '/utf16': ['text/html; charset=utf-8', utf16leWithBom('<p>Привет</p>')],
        '/bad-label': ['text/html; charset=utf-42', SHIFT_JIS],
        '/no-type': [undefined, Buffer.from('<p>Grüße</p>')],
        '/utf16-header': ['text/html; charset=utf-16le', Buffer.from('<p>Ελληνικά</p>', 'utf16le')],
      };
      const [type, body] = routes[req.url!] ?? ['text/plain', Buffer.from('missing')];
      res.writeHead(200, type ? { 'content-type': type } : {});
      res.end(body);
    });
  });
  afterAll(() => server.close());

  it.each([
    ['/sjis-meta', 'shift_jis', '日本語の記事です'],
    ['/gb-header', 'gb18030', '中文报道'],
    ['/cp1252-conflict', 'windows-1252', '<p>naïve</p>'],
    ['/utf16', 'utf-16le', '<p>Привет</p>'],
    ['/bad-label', 'shift_jis', '東京'],
    ['/no-type', 'utf-8', '<p>Grüße</p>'],
    ['/utf16-header', 'utf-16le', '<p>Ελληνικά</p>'],
  ])('%s → %s', async (path, charset, snippet) => {
    const page = await fetchPage(server.url(path), { config });
    expect(page.charset).toBe(charset);
    expect(page.text).toContain(snippet);
  });
});

describe('parseContentType (WHATWG MIME Sniffing, via whatwg-mimetype)', () => {
  it('reads headers the way browsers do, and junk as no type at all', () => {
    expect(parseContentType('Text/HTML; Charset="utf-8"')).toEqual({ essence: 'text/html', params: { charset: 'utf-8' } });
    // A quoted value keeps its escaped quote and ends at its closing quote; the first of a repeated parameter wins.
    expect(parseContentType('text/html; charset="a\\"b" junk; x=1; x=2')).toEqual({ essence: 'text/html', params: { charset: 'a"b', x: '1' } });
    expect(parseContentType('text/html;charset=windows-1252;')?.params.charset).toBe('windows-1252');
    expect(parseContentType('application/rss+xml ; charset=')?.essence).toBe('application/rss+xml');
    for (const junk of ['', 'garbage', 'text/', '/html', 'text/html, text/plain', 'tëxt/html']) expect(parseContentType(junk), junk).toBeUndefined();
    expect(parseContentType(undefined)).toBeUndefined();
  });
});
