import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/extract/extract-article.ts';

const page = `<html><body>
<nav><a href="/home">Home</a> <a href="/news">News</a></nav>
<article>
  <p>The report, first published by <a href="https://owner.example/story/123">Owner Daily</a>, was confirmed on Monday by officials in the capital.</p>
  <p>Officials pointed to <a href="../docs/report.pdf">the full report</a> and <a href="javascript:void(0)">a popup</a> and <a href="mailto:desk@example.com">the desk</a>, saying more details would follow.</p>
  <p>A second mention of <a href="https://owner.example/story/123">Owner Daily</a> came later in a long paragraph of text.</p>
</article>
<footer><a href="https://social.example/share">Share</a></footer>
</body></html>`;

describe('links in the main content', () => {
  it('lists http(s) links in the article, absolute, de-duplicated, nav/footer excluded', () => {
    const a = extractArticle(page, { url: 'https://copy.example/news/2024/item.html' });
    expect(a.links).toEqual([
      { href: 'https://owner.example/story/123', text: 'Owner Daily' },
      { href: 'https://copy.example/news/docs/report.pdf', text: 'the full report' },
    ]);
  });

  it('drops relative links when the page URL is unknown (they cannot be made absolute)', () => {
    const a = extractArticle(page);
    expect(a.links).toEqual([{ href: 'https://owner.example/story/123', text: 'Owner Daily' }]);
  });
});
