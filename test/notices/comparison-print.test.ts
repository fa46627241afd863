import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderComparisonHtml } from '../../src/notices/index.ts';
import { makeText } from '../match/match-helpers.ts';
import { ARTICLE_TEXT, makeReport, locatePassages } from './notice-fixtures.ts';

// The comparison is printed to PDF by headless chromium; this checks it in the real thing. No
// chromium fails the suite (launch names the path): `.ci/run` installs Debian's package.
const CHROMIUM = process.env.COPYHOUND_CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Box {
  x: number;
  y: number;
  width: number;
}
interface Layout {
  article: Box;
  page: Box;
  scrollWidth: number;
  clientWidth: number;
  pwned: number | null;
  scripts: number;
}

describe('comparison page in chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('prints two side-by-side columns over several pages, loads nothing and runs nothing', async () => {
    const copied = 'The mayor said construction would begin in the spring and finish within two years.';
    const hostile = '<script>window.__pwned = 1</script> "><img src=x onerror="window.__pwned = 2"> ';
    // Long enough for several printed pages, with an unbroken token that must wrap, not overflow.
    const pageText = `${hostile}${'x'.repeat(3000)}\n\n${makeText(3, 6000)}\n\n${copied}`;
    const r = makeReport({ pageText, pieces: [copied] });
    r.page.url = `https://copycat.example/${'long-path/'.repeat(200)}`;
    r.passages = locatePassages(pageText, ARTICLE_TEXT, [copied]);
    const page = await browser.newPage({ viewport: { width: 800, height: 1100 } });
    const requests: string[] = [];
    page.on('request', (q) => requests.push(q.url()));
    await page.setContent(renderComparisonHtml(r), { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    // A string, evaluated in the page: the project's TypeScript has no DOM types.
    const layout: Layout = await page.evaluate(`(() => {
      const box = (id) => document.getElementById(id).getBoundingClientRect();
      const a = box('article-text');
      const p = box('page-text');
      return {
        article: { x: a.x, y: a.y, width: a.width },
        page: { x: p.x, y: p.y, width: p.width },
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        pwned: window.__pwned ?? null,
        scripts: document.querySelectorAll('script, img').length,
      };
    })()`);
    expect(layout.article.y).toBe(layout.page.y);
    expect(layout.article.x).toBeLessThan(layout.page.x);
    expect(Math.abs(layout.article.width - layout.page.width)).toBeLessThan(2);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
    expect(layout.pwned).toBeNull();
    expect(layout.scripts).toBe(0);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThan(3);
    expect(requests).toEqual([]);
    await page.close();
  });
});
