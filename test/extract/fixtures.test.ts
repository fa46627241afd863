import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle, type ExtractedArticle } from '../../src/extract/extract-article.ts';

/**
 * One hand-made page per folder (mozilla/readability style): source.html plus expected.json with
 * the title, snippets that must / must not be in the text, and metadata.
 */
interface Expected {
  url?: string;
  title?: string;
  empty?: boolean;
  textIncludes?: string[];
  textExcludes?: string[];
  paragraphsAtLeast?: number;
  metadata?: Partial<Pick<ExtractedArticle, 'canonicalUrl' | 'author' | 'publishedAt' | 'modifiedAt' | 'language' | 'siteName' | 'publisher'>>;
  credits?: string[];
  links?: { href: string; text: string }[];
  linksExclude?: string[];
  rights?: { notices?: string[]; noticeIncludes?: string; holder?: string; license?: string };
}

const FIXTURES = join(import.meta.dirname, '../fixtures/extract');
const names = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('extractArticle on fixture pages', () => {
  it('has the fixture pages', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of names) {
    describe(name, () => {
      const html = readFileSync(join(FIXTURES, name, 'source.html'), 'utf8');
      const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected;
      const article = extractArticle(html, { url: expected.url });

      it('finds the title', () => {
        if (expected.title !== undefined) expect(article.title).toBe(expected.title);
      });

      it('extracts the main text and leaves boilerplate out', () => {
        if (expected.empty) {
          expect(article.text).toBe('');
          return;
        }
        expect(article.text.length).toBeGreaterThan(0);
        for (const snippet of expected.textIncludes ?? []) expect(article.text).toContain(snippet);
        for (const snippet of expected.textExcludes ?? []) expect(article.text).not.toContain(snippet);
        if (expected.paragraphsAtLeast) expect(article.text.split('\n\n').length).toBeGreaterThanOrEqual(expected.paragraphsAtLeast);
        expect(article.text).not.toMatch(/\n{3,}/);
        expect(article.text).toBe(article.text.trim());
      });

      it('reads the metadata', () => {
        for (const [key, value] of Object.entries(expected.metadata ?? {})) {
          expect(article[key as keyof ExtractedArticle], key).toEqual(value);
        }
      });

      it('finds credits, links and rights', () => {
        for (const credit of expected.credits ?? []) expect(article.credits).toContain(credit);
        for (const link of expected.links ?? []) expect(article.links).toContainEqual(link);
        for (const href of expected.linksExclude ?? []) expect(article.links.map((l) => l.href)).not.toContain(href);
        const rights = expected.rights;
        if (rights?.notices) for (const n of rights.notices) expect(article.rights.notices).toContain(n);
        if (rights?.noticeIncludes) expect(article.rights.notices.some((n) => n.includes(rights.noticeIncludes!))).toBe(true);
        if (rights?.holder) expect(article.rights.holder).toBe(rights.holder);
        if (rights?.license) expect(article.rights.license).toBe(rights.license);
      });
    });
  }
});
