import { describe, expect, it } from 'vitest';
import { listWords, normalizeText, normalizeWord, tokenize, tokenizeWithSegmenter } from '../../src/text/index.ts';

const segmenterWords = (text: string) => {
  const seg = new Intl.Segmenter('und', { granularity: 'word' });
  return [...seg.segment(text)].filter((s) => s.isWordLike).map((s) => s.segment.normalize('NFKC').toLowerCase());
};

describe('tokenize', () => {
  it('keeps offsets into the original text', () => {
    const text = '  “Don’t panic,” said Zoë — at 10:30 on 1,000 U.S. sites.';
    const t = tokenize(text);
    const raw = Array.from({ length: t.count }, (_, i) => text.slice(t.start[i], t.end[i]));
    expect(raw).toEqual(['Don’t', 'panic', 'said', 'Zoë', 'at', '10', '30', 'on', '1,000', 'U.S', 'sites']);
  });

  it('unifies case, apostrophes and compatibility forms', () => {
    expect(normalizeWord('DON’T')).toBe("don't");
    expect(normalizeWord('ﬁle')).toBe('file');
    const a = tokenize('Don’t STOP');
    const b = tokenize("don't stop");
    expect(Array.from(a.hashLo.subarray(0, 2))).toEqual(Array.from(b.hashLo.subarray(0, 2)));
    expect(normalizeText('  “Quote” — x\u00a0y ')).toBe('"quote" - x y');
  });

  it('splits Chinese, Japanese, Thai and Arabic into several words, like the dataset', () => {
    for (const text of ['我们今天在北京开会，讨论经济问题。', '東京都は新しい計画を発表しました。', 'ประเทศไทยมีประชากรมาก', 'ذهب الولد إلى المدرسة صباحا']) {
      const t = tokenize(text);
      expect(t.count).toBeGreaterThan(2);
      expect(listWords(text, t).map((w) => w.replace(/'/g, '’'))).toEqual(segmenterWords(text).map((w) => w.replace(/'/g, '’')));
    }
  });

  it('the Latin fast path agrees with Intl.Segmenter on tricky and random text', () => {
    const samples = [
      'a:b 10:30 U.S.A. ___ a_b _1 x__ e.g. 3.5 1;2 a.1 1.a 1’000 a·b naïve café',
      "rock'n'roll ’tis it's 'quoted' \"double\" don''t a..b 1,,2 a:1 x:y:z",
      'Ångström ÆSIR œuvre ĳssel ſtraße ª º µ ß ÿ ×÷ 1×2',
    ];
    const alphabet = ['a', 'B', 'é', 'Ł', '1', '9', '_', ':', '.', ',', ';', "'", '’', '‘', ' ', '-', '—', '“', '\n', '·', 'ß', '(', '!'];
    let seed = 42;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let n = 0; n < 300; n++) {
      let s = '';
      for (let i = 0; i < 40; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      samples.push(s);
    }
    for (const text of samples) {
      const a = tokenize(text);
      const b = tokenizeWithSegmenter(text);
      const spans = (t: typeof a) => Array.from({ length: t.count }, (_, i) => `${t.start[i]}-${t.end[i]}`);
      expect(spans(a), JSON.stringify(text)).toEqual(spans(b));
    }
  });

  it('segments very long text in linear time chunks without losing words', () => {
    const para = 'The quick brown fox jumps over the lazy dog. ';
    const text = para.repeat(20_000); // ~900 kB on one line
    const t = tokenize(text);
    expect(t.count).toBe(9 * 20_000);
    const cjk = '我们今天在北京开会讨论经济问题'.repeat(5_000);
    const c = tokenize(cjk);
    expect(c.count).toBeGreaterThan(10_000);
    expect(c.end[c.count - 1]).toBe(cjk.length);
  });
});
