import { describe, expect, it } from 'vitest';
import { decodePage } from '../eval/extract-decode.ts';
import { foldWhitespace, scorePage, summarise } from '../eval/extract-score.ts';

describe('snippet scoring (eval:extract)', () => {
  it('folds whitespace with Python \\s semantics', () => {
    expect(foldWhitespace('  a\u00a0\tb\n\nc\u001fd\u0085e  ')).toBe('a b c d e');
    // U+FEFF is not whitespace for Python, although JS \s says it is.
    expect(foldWhitespace('a\ufeffb')).toBe('a\ufeffb');
  });

  it('counts snippets found and missed, and treats empty output as finding nothing', () => {
    expect(scorePage('Der Zeiger!\n\nZweiter  Absatz', ['Zeiger!', 'Zweiter Absatz', 'fehlt'], ['Menü', 'Absatz'])).toEqual({ tp: 2, fn: 1, fp: 1, tn: 1 });
    expect(scorePage('', ['x'], ['y'])).toEqual({ tp: 0, fn: 1, fp: 0, tn: 1 });
  });

  it('pools counts before computing F1', () => {
    const s = summarise([{ tp: 2, fp: 1, fn: 1, tn: 1 }, { tp: 0, fp: 0, fn: 1, tn: 1 }]);
    expect(s.f1).toBeCloseTo((2 * 2) / (2 * 2 + 1 + 2));
    expect(s.precision).toBeCloseTo(2 / 3);
    expect(s.recall).toBeCloseTo(2 / 4);
  });
});

describe('page decoding (eval:extract)', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('honours a BOM first', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('<p>Grüße</p>')]);
    expect(decodePage(bytes)).toEqual({ text: '<p>Grüße</p>', encoding: 'utf-8' });
  });

  it('takes valid UTF-8 as UTF-8 even when windows-1252 is declared', () => {
    expect(decodePage(enc('<meta charset="windows-1252"><p>Grüße</p>')).text).toBe('<meta charset="windows-1252"><p>Grüße</p>');
  });

  it('falls back to the declared charset for bytes that are not UTF-8', () => {
    const head = enc('<meta charset="windows-1250"><p>');
    const bytes = new Uint8Array([...head, 0x9a, 0xe8, ...enc('</p>')]);
    const page = decodePage(bytes);
    expect(page.encoding).toBe('windows-1250');
    expect(page.text).toContain('<p>šč</p>');
  });
});
