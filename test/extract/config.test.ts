import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { extractArticle } from '../../src/extract/extract-article.ts';

const PAGE = `<html><body><article>
  <p>A first paragraph of the article, long enough to be found as prose by the extractor.</p>
  <p>A second paragraph with a <a href="https://elsewhere.example/x">link to elsewhere</a> and a few more words to make it count.</p>
</article></body></html>`;

describe('extract config', () => {
  it('reads its settings from the environment', () => {
    const config = loadConfig({ COPYHOUND_EXTRACT_MIN_ARTICLE_CHARS: '500', COPYHOUND_EXTRACT_MAX_BLOCK_LINK_DENSITY: '0.4' });
    expect(config.extract.minArticleChars).toBe(500);
    expect(config.extract.maxBlockLinkDensity).toBe(0.4);
    expect(() => loadConfig({ COPYHOUND_EXTRACT_MAX_PARAGRAPH_LINK_DENSITY: '2' })).toThrow(/COPYHOUND_EXTRACT_MAX_PARAGRAPH_LINK_DENSITY/);
  });

  it('reports "no article" below minArticleChars', () => {
    const defaults = loadConfig({}).extract;
    expect(extractArticle(PAGE, { config: defaults }).text).toContain('A first paragraph');
    const strict = extractArticle(PAGE, { config: { ...defaults, minArticleChars: 10_000 } });
    expect(strict.text).toBe('');
    expect(strict.links).toEqual([]);
  });

  it('drops a short link-heavy paragraph as a "read also" line, and keeps it when allowed', () => {
    const html = `<html><body><article><p>The first paragraph of the report is long enough to be found as the article text.</p><p>Read also: <a href="/a">Another story about something else entirely, told at length</a></p><p>The last paragraph closes the report with a quote and a number, 42.</p></article></body></html>`;
    expect(extractArticle(html).text).not.toContain('Read also');
    expect(extractArticle(html, { config: { maxParagraphLinkDensity: 1 } }).text).toContain('Read also');
  });
});
