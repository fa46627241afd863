import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { verifyCandidates } from '../../src/match/index.ts';
import { renderComparisonHtml, type NoticeReportInput } from '../../src/notices/index.ts';
import { makeText } from '../match/match-helpers.ts';
import { makeReport } from './notice-fixtures.ts';

type Doc = ReturnType<typeof cheerio.load>;

/** Passage n's highlighted text in a column: its <mark> pieces, in order. */
function readMarkedText($: Doc, column: string, n: number): string {
  return $(`${column} mark`)
    .filter((_, el) => ($(el).attr('data-p') ?? '').split(' ').includes(String(n)))
    .map((_, el) => $(el).text())
    .get()
    .join('');
}

/** A column's text without the passage numbers: what the reader sees of the original text. */
function readColumnText($: Doc, column: string): string {
  const copy = $(column).clone();
  copy.find('a.num').remove();
  return copy.text();
}

/** Checks numbering, two-way links and exact highlights of every passage of `r`. */
function expectPassagesMarked($: Doc, r: NoticeReportInput): void {
  const ordered = [...r.passages].sort((a, b) => a.pageStart - b.pageStart || a.articleStart - b.articleStart);
  expect($('#article-text a.num')).toHaveLength(ordered.length);
  expect($('#page-text a.num')).toHaveLength(ordered.length);
  ordered.forEach((p, i) => {
    const n = i + 1;
    expect($(`#article-text #a-${n}`).attr('href')).toBe(`#p-${n}`);
    expect($(`#page-text #p-${n}`).attr('href')).toBe(`#a-${n}`);
    expect($(`#a-${n}`).text()).toBe(String(n));
    expect(readMarkedText($, '#page-text', n)).toBe(r.page.text.slice(p.pageStart, p.pageEnd));
    expect(readMarkedText($, '#article-text', n)).toBe(r.article.text.slice(p.articleStart, p.articleEnd));
  });
  expect(readColumnText($, '#article-text')).toBe(r.article.text);
  expect(readColumnText($, '#page-text')).toBe(r.page.text);
}

/** Every link target in the document: in-page anchors or the two documents' own URLs. */
function expectOnlyOwnLinks($: Doc, r: NoticeReportInput): void {
  const allowed = new Set([r.article.url, r.page.url]);
  $('[href]').each((_, el) => {
    const href = $(el).attr('href')!;
    if (!/^#[ap]-\d+$/.test(href)) expect(allowed.has(href), `unexpected href ${href}`).toBe(true);
  });
  expect($('[src], script, img, iframe, object, embed, link, base, form, svg, math')).toHaveLength(0);
  $('*').each((_, el) => {
    for (const name of Object.keys((el as { attribs?: Record<string, string> }).attribs ?? {})) expect(name.startsWith('on'), `attribute ${name}`).toBe(false);
  });
}

describe('renderComparisonHtml', () => {
  it('numbers the passages in page order and links each number both ways', () => {
    const r = makeReport();
    const $ = cheerio.load(renderComparisonHtml(r));
    expectPassagesMarked($, r);
    expect($('mark')).toHaveLength(4);
    // Header: id, URLs, figures, decision, explanation, capture hashes.
    const header = $('table.facts').text();
    for (const fact of ['https://dailyledger.example/news/riverside-park', 'https://copycat.example/2025/03/park-story', '44.1%', '30 copied words', 'excerpt', 'unlicensed', 'no consent covers the page', 'a'.repeat(64), 'b'.repeat(64)]) {
      expect(header).toContain(fact);
    }
    expect($('h1').text()).toContain('report 41');
    expect($('a[href="https://copycat.example/2025/03/park-story"]')).toHaveLength(1);
    expectOnlyOwnLinks($, r);
  });

  it('marks overlapping passages piece by piece, each passage still exactly its text', () => {
    const r = makeReport();
    const [first, second] = r.passages;
    // A third page passage mapped onto the middle of the first passage's article words.
    r.page.text += ' adds four hectares';
    const extraStart = r.page.text.length - 'adds four hectares'.length;
    const articleStart = r.article.text.indexOf('adds four hectares');
    r.passages = [second, first, { pageStart: extraStart, pageEnd: r.page.text.length, articleStart, articleEnd: articleStart + 18 }];
    const $ = cheerio.load(renderComparisonHtml(r));
    expectPassagesMarked($, r);
    expect($('#article-text mark[data-p="1 3"]').text()).toBe('adds four hectares');
  });

  it('accepts the match engine\'s passages as they come', () => {
    const config = loadConfig().match;
    const body = makeText(7, 400);
    const paragraphs = body.split('\n\n');
    const pageText = `Nav Home\n\n${paragraphs[1]}\n\nAdvert here today\n\n${paragraphs[3]}\n\n${paragraphs[4]}\n\nFooter`;
    const [m] = verifyCandidates(pageText, [{ key: 1, id: 'art-1', title: 'T', body }], config);
    expect(m.passages.length).toBeGreaterThan(1);
    const r = makeReport({ pieces: [] });
    r.article.text = body;
    r.page.text = pageText;
    r.passages = m.passages;
    const $ = cheerio.load(renderComparisonHtml(r));
    expectPassagesMarked($, r);
  });

  it('escapes hostile page text, URLs and article fields so nothing in them is markup', () => {
    const payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><a href=javascript:alert(2)>x</a>", '</td></tr></table><iframe src=//evil.example>', '&amp; &lt;b&gt;'];
    const pageText = `Intro ${payloads.join(' ')} The plan, first proposed in 2019, adds four hectares of green space along the eastern bank. ${payloads[1]}`;
    const r = makeReport({ pageText, pieces: ['The plan, first proposed in 2019, adds four hectares of green space along the eastern bank.'] });
    r.page.url = 'javascript:alert(3)//"><script>alert(4)</script>';
    r.page.host = '<b>host</b>';
    r.article.title = '<script>alert(5)</script> Park';
    r.decision.explanation = ['<img src=x onerror=alert(6)>'];
    r.captures[0].sha256 = '"><script>alert(7)</script>';
    const html = renderComparisonHtml(r);
    expect(html).not.toMatch(/<(script|img|iframe|a href=javascript)/i);
    const $ = cheerio.load(html);
    expectOnlyOwnLinks($, r);
    // The hostile text is all there, as text.
    expect(readColumnText($, '#page-text')).toBe(pageText);
    expect($('table.facts').text()).toContain('<script>alert(5)</script> Park');
    expect($('table.facts').text()).toContain('javascript:alert(3)//"><script>alert(4)</script>');
    // A non-http(s) page URL is shown, never linked.
    expect($('a[href^="javascript"]')).toHaveLength(0);
    expectPassagesMarked($, r);
  });

  it('refuses passages outside the texts, naming the report', () => {
    const r = makeReport();
    r.passages[1].articleEnd = r.article.text.length + 1;
    expect(() => renderComparisonHtml(r)).toThrow(/report 41: passage 1 article span/);
  });

  it('renders a 50,000-word page with a thousand passages quickly', () => {
    const words = Array.from({ length: 50_000 }, (_, i) => `w${i}`);
    const pageText = words.join(' ');
    const r = makeReport({ pageText, pieces: [] });
    r.article.text = pageText.slice(0, 200_000);
    // Every 50th word starts a 10-word passage, mapped onto the same span of the article text.
    const starts: number[] = [];
    for (let i = 0, at = 0; i < words.length; at += words[i].length + 1, i++) if (i % 50 === 0) starts.push(at);
    r.passages = starts
      .map((start) => ({ start, end: pageText.indexOf(' ', pageText.indexOf(' ', start) + 40) }))
      .filter((s) => s.end > 0 && s.end <= r.article.text.length)
      .map((s) => ({ pageStart: s.start, pageEnd: s.end, articleStart: s.start, articleEnd: s.end }));
    expect(r.passages.length).toBeGreaterThan(500);
    const t0 = performance.now();
    const html = renderComparisonHtml(r);
    const elapsed = performance.now() - t0;
    // Linear work is ~10 ms here; a quadratic sweep over 1,000 passages and 400 kB would take seconds.
    expect(elapsed).toBeLessThan(1000);
    expect(html.length).toBeGreaterThan(pageText.length + r.article.text.length);
    const $ = cheerio.load(html);
    expect($('#page-text mark')).toHaveLength(r.passages.length);
    expect(readMarkedText($, '#page-text', r.passages.length)).toBe(pageText.slice(r.passages.at(-1)!.pageStart, r.passages.at(-1)!.pageEnd));
  });
});
