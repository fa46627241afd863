import { describe, expect, it } from 'vitest';
import { parseUrlList } from '../../crawlers/url-list.ts';
import { ValidationError } from '../../src/errors.ts';

const opts = { maxEntries: 100 };

describe('parseUrlList: text', () => {
  const input = [
    '# candidate pages, collected 2025-06-01',
    'https://copier.example/a?utm_source=x',
    '',
    '   https://copier.example/b   # found by hand',
    'HTTPS://COPIER.example/a',
    'ftp://copier.example/file',
    'not a url',
    'https://copier.example/c#comments',
    'https://copier.example/d https://copier.example/e',
    'mailto:someone@copier.example',
  ].join('\r\n');
  const list = parseUrlList(input, opts);

  it('keeps valid URLs normalised and deduplicated in order', () => {
    expect(list.format).toBe('text');
    expect(list.urls).toEqual(['https://copier.example/a', 'https://copier.example/b', 'https://copier.example/c']);
    expect(list.duplicates).toBe(1);
  });

  it('reports each bad line with its 1-based line number', () => {
    expect(list.problems.map((p) => [p.line, p.input])).toEqual([
      [6, 'ftp://copier.example/file'],
      [7, 'not a url'],
      [9, 'https://copier.example/d https://copier.example/e'],
      [10, 'mailto:someone@copier.example'],
    ]);
    for (const p of list.problems) expect(p.reason.length).toBeGreaterThan(0);
  });

  it('handles a BOM, bare CR line ends and an empty list', () => {
    expect(parseUrlList('\uFEFFhttps://e.example/1\rhttps://e.example/2', opts).urls).toEqual(['https://e.example/1', 'https://e.example/2']);
    expect(parseUrlList('', opts)).toEqual({ format: 'text', urls: [], problems: [], duplicates: 0 });
  });
});

describe('parseUrlList: JSON', () => {
  it('accepts strings and {url} objects and reports bad elements by index', () => {
    const list = parseUrlList(JSON.stringify(['https://e.example/x', { url: 'https://e.example/y' }, 42, { href: 'x' }, 'nope']), opts);
    expect(list.format).toBe('json');
    expect(list.urls).toEqual(['https://e.example/x', 'https://e.example/y']);
    expect(list.problems.map((p) => p.index)).toEqual([2, 3, 4]);
    expect(list.problems[0].line).toBeUndefined();
  });

  it('throws ValidationError for broken JSON or a non-array', () => {
    expect(() => parseUrlList('[ "https://e.example/x", ', opts)).toThrow(ValidationError);
    expect(() => parseUrlList('{"urls": []}', { ...opts, format: 'json' })).toThrow(ValidationError);
  });

  it('can be forced to text even when a line starts with [', () => {
    const list = parseUrlList('[not json]\nhttps://e.example/x', { ...opts, format: 'text' });
    expect(list.urls).toEqual(['https://e.example/x']);
    expect(list.problems[0].line).toBe(1);
  });
});

describe('parseUrlList: limits', () => {
  it('rejects a list over maxEntries as a whole', () => {
    const input = Array.from({ length: 11 }, (_, i) => `https://e.example/${i}`).join('\n');
    expect(() => parseUrlList(input, { maxEntries: 10 })).toThrow(/at most 10/);
    expect(parseUrlList(input, { maxEntries: 11 }).urls).toHaveLength(11);
  });

  it('summarises a flood of problems instead of listing every one', () => {
    const input = Array.from({ length: 1500 }, () => 'bad').join('\n');
    const list = parseUrlList(input, { maxEntries: 2000 });
    expect(list.problems).toHaveLength(1001);
    expect(list.problems[1000].reason).toBe('500 more problems not listed');
  });

  it('applies extra strip parameters', () => {
    expect(parseUrlList('https://e.example/a?sid=1&id=2', { ...opts, extraStripParams: ['sid'] }).urls).toEqual(['https://e.example/a?id=2']);
  });
});
