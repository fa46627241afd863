import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { fingerprintText } from '../../src/fingerprint/index.ts';
import { alignTokens, CandidateIndex, matchText, verifyArticle, type OwnedText } from '../../src/match/index.ts';
import { markQuotedWords } from '../../src/match/text-signals.ts';
import { tokenize } from '../../src/text/index.ts';
import { makeText } from './match-helpers.ts';

const config = loadConfig().match;

function setup(articles: OwnedText[]) {
  const index = new CandidateIndex(config);
  for (const a of articles) index.add(a.key, fingerprintText(a.body, config));
  const byKey = new Map(articles.map((a) => [a.key, a]));
  return { index, config, loadArticles: (keys: number[]) => keys.map((k) => byKey.get(k)!) };
}

const articles: OwnedText[] = Array.from({ length: 30 }, (_, i) => ({
  key: i + 1,
  id: `art-${i + 1}`,
  title: `Title ${i + 1}`,
  body: makeText(100 + i, 600),
}));
const deps = setup(articles);
const paragraphs = (body: string) => body.split('\n\n');
const filler = (seed: number, words: number) => makeText(5000 + seed, words).replace(/w(\d)/g, 'x$1');

describe('matchText', () => {
  it('reports a full copy as a reproduction with passages whose offsets point at the same text', () => {
    const a = articles[3];
    const page = `Site navigation Home News\n\n${a.title}\n\n${a.body}\n\nFooter text here`;
    const [m, ...rest] = matchText(page, deps);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ articleKey: 4, articleId: 'art-4', kind: 'reproduction', coverage: 1, copiedWords: 600, longestRun: 600 });
    expect(m.passages).toHaveLength(1);
    const p = m.passages[0];
    // Passages run from the first word's start to the last word's end (the final "." is not a word).
    expect(page.slice(p.pageStart, p.pageEnd)).toBe(a.body.slice(0, -1));
    expect([p.articleStart, p.articleEnd]).toEqual([0, a.body.length - 1]);
    expect(m.pageShare).toBeGreaterThan(0.95);
  });

  it('measures an edited copy: dropped paragraph, changed words, merged paragraphs', () => {
    const a = articles[5];
    const paras = paragraphs(a.body);
    const kept = paras.filter((_, i) => i !== 4).join(' ');
    const edited = kept.replace(/\bw3\b/g, 'changed');
    const page = `BERLIN (Agency) – ${edited}\n\nSource: Agency`;
    const [m] = matchText(page, deps);
    expect(m.kind).toBe('reproduction');
    const changed = (kept.match(/\bw3\b/g) ?? []).length;
    const expected = (600 - 60 - changed) / 600;
    expect(Math.abs(m.coverage - expected)).toBeLessThan(0.03);
    for (const p of m.passages) {
      // Each passage starts and ends on the same word in both texts.
      const pw = page.slice(p.pageStart, p.pageEnd).split(/\s+/);
      const aw = a.body.slice(p.articleStart, p.articleEnd).split(/\s+/);
      expect(pw[0]).toBe(aw[0]);
      expect(pw.at(-1)).toBe(aw.at(-1));
    }
  });

  it('reports two copied paragraphs inside another text as an excerpt', () => {
    const a = articles[7];
    const paras = paragraphs(a.body);
    const page = [filler(1, 200), paras[2], paras[3], filler(2, 200)].join('\n\n');
    const [m] = matchText(page, deps);
    expect(m).toMatchObject({ articleKey: 8, kind: 'excerpt', copiedWords: 120, longestRun: 120 });
    expect(m.coverage).toBeCloseTo(0.2, 5);
    expect(m.pageShare).toBeCloseTo(120 / 520, 5);
    const p = m.passages[0];
    expect(page.slice(p.pageStart, p.pageEnd)).toBe(a.body.slice(p.articleStart, p.articleEnd));
    expect(a.body.slice(p.articleStart, p.articleEnd)).toBe(`${paras[2]}\n\n${paras[3]}`.slice(0, -1));
  });

  it('reports each article of a round-up', () => {
    const page = [filler(3, 100), paragraphs(articles[0].body)[1], filler(4, 50), paragraphs(articles[1].body)[6], paragraphs(articles[2].body)[0]].join('\n\n');
    const found = matchText(page, deps);
    expect(found.map((m) => [m.articleKey, m.kind]).sort()).toEqual([[1, 'excerpt'], [2, 'excerpt'], [3, 'excerpt']]);
  });

  it('a short quotation in quotation marks or a headline + lead teaser is a quotation, not an excerpt', () => {
    const a = articles[9];
    const words = a.body.split(/\s+/);
    const quote = words.slice(100, 125).join(' ');
    const page = `${filler(5, 300)}\n\n“${quote},” a spokesperson said.\n\n${filler(6, 100)}`;
    // The index may or may not surface a 25-word quote; verification must call it a quotation.
    expect(matchText(page, deps).every((m) => m.kind === 'quotation')).toBe(true);
    const pageTokens = tokenize(page);
    const q = verifyArticle(pageTokens, () => markQuotedWords(page, pageTokens), a, config);
    expect(q).toMatchObject({ kind: 'quotation', copiedWords: 25 });
    // The same words without quotation marks, and longer than a quote, are an excerpt.
    const long = words.slice(100, 160).join(' ');
    const plain = `${filler(5, 300)}\n\n${long}\n\n${filler(6, 100)}`;
    const plainTokens = tokenize(plain);
    expect(verifyArticle(plainTokens, () => markQuotedWords(plain, plainTokens), a, config)?.kind).toBe('excerpt');
    const lead = a.body.slice(0, a.body.indexOf('.') + 1);
    const teaser = `${filler(7, 300)}\n\nRead more\n\n${a.title}\n\n${lead}`;
    expect(matchText(teaser, deps).every((m) => m.kind === 'quotation')).toBe(true);
    const teaserTokens = tokenize(teaser);
    expect(verifyArticle(teaserTokens, () => markQuotedWords(teaser, teaserTokens), a, config)?.kind).toBe('quotation');
  });

  it('finds an edited copy by its k-grams, also on a page too long to look up every k-gram', () => {
    const a = articles[12];
    let w = 0;
    // Every 12th word changed: no 13-word passage survives, but every 11-word run does.
    const edited = a.body.replace(/\w+/g, (word) => (++w % 12 === 0 ? 'zzedit' : word));
    expect(matchText(edited, deps)[0]).toMatchObject({ articleKey: 13, kind: 'reproduction' });
    const long = `${filler(20, 21_000)}\n\n${edited}`;
    expect(tokenize(long).count).toBeGreaterThan(20_000);
    expect(matchText(long, deps).map((m) => [m.articleKey, m.kind])).toEqual([[13, 'reproduction']]);
  });

  it('finds nothing in unrelated text or an empty page', () => {
    expect(matchText(filler(8, 800), deps)).toEqual([]);
    expect(matchText('', deps)).toEqual([]);
  });

  it('counts a paragraph repeated on the page once', () => {
    const para = paragraphs(articles[11].body)[0];
    const [m] = matchText(`${para}\n\n${filler(9, 50)}\n\n${para}`, deps);
    expect(m.copiedWords).toBe(60);
  });

  it('aligns Chinese text word by word with offsets', () => {
    const body = '我们今天在北京开会，讨论经济问题和社会发展。政府官员表示，明年将继续推进改革开放政策，促进经济增长。专家认为，这些措施将有助于提高人民生活水平。'.repeat(3);
    const cjk = setup([{ key: 1, id: 'zh', title: '', body }]);
    const page = `网站导航 首页 新闻\n\n${body}\n\n版权所有`;
    const [m] = matchText(page, cjk);
    expect(m.kind).toBe('reproduction');
    expect(m.coverage).toBeGreaterThan(0.95);
    const p = m.passages[0];
    expect(page.slice(p.pageStart, p.pageEnd)).toBe(body.slice(p.articleStart, p.articleEnd));
  });
});

describe('alignTokens', () => {
  it('bridges a changed word into one passage and skips short coincidences', () => {
    const article = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen';
    const page = 'one two three four five six seven CHANGED nine ten eleven twelve thirteen fourteen fifteen sixteen and also two three four five';
    const al = alignTokens(tokenize(page), tokenize(article), { ...config, shingleWords: 3, minRunWords: 5 });
    expect(al.runs.map((r) => [r.pageWord, r.articleWord, r.words])).toEqual([[0, 0, 7], [8, 8, 8]]);
    expect(al.copiedWords).toBe(15);
    expect(al.passages).toEqual([
      { pageFrom: 0, pageTo: 16, articleFrom: 0, articleTo: 16, copiedWords: 15, edits: [{ op: 'change', pageFrom: 7, pageTo: 8, articleFrom: 7, articleTo: 8 }] },
    ]);
    // Too far apart to chain: two passages, each long enough alone.
    expect(alignTokens(tokenize(page), tokenize(article), { ...config, shingleWords: 3, minRunWords: 5, maxGapWords: 0 }).passages).toHaveLength(2);
  });

  it('counts unchanged words between two nearby substitutions as copied', () => {
    const article = 'a1 b1 c1 d1 e1 f1 g1 x1 h1 i1 y1 k1 l1 m1 n1 o1 p1 q1';
    const page = 'a1 b1 c1 d1 e1 f1 g1 XX h1 i1 YY k1 l1 m1 n1 o1 p1 q1';
    const al = alignTokens(tokenize(page), tokenize(article), { ...config, shingleWords: 3, minRunWords: 5 });
    expect(al.runs.map((r) => r.words)).toEqual([7, 7]);
    expect(al.copiedWords).toBe(16);
    expect(Array.from(al.articleCovered)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1]);
  });
});

describe('alignTokens gap filling', () => {
  it('keeps the words between a changed and a dropped word', () => {
    const article = 'a1 b1 c1 d1 e1 f1 g1 h1 x1 i1 j1 k1 l1 m1 n1 o1 p1 q1 r1';
    const page = 'a1 b1 c1 d1 e1 f1 g1 h1 XX i1 j1 l1 m1 n1 o1 p1 q1 r1'; // k1 dropped: gaps of 3 and 4
    const al = alignTokens(tokenize(page), tokenize(article), { ...config, shingleWords: 5, minRunWords: 6 });
    expect(al.runs.map((r) => r.words)).toEqual([8, 7]);
    // x1 and k1 are not copied; i1 and j1 are, though they form no run of their own.
    expect(al.copiedWords).toBe(17);
    expect(al.articleCovered[8]).toBe(0);
    expect(al.articleCovered[11]).toBe(0);
  });
});
