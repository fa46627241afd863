import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildNewsPage, escapeHtml, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('copyhound extract', () => {
  const tempDir = useTempDir();
  const [nato] = readOwnedFixtures();

  it('prints one NDJSON object per input, in order, with an error line for a bad input', async () => {
    const dir = tempDir();
    const page = join(dir, 'copy.html.gz');
    writeFileSync(
      page,
      gzipSync(
        buildNewsPage({
          site: 'Newstime News',
          headline: 'Jens Stoltenberg - NATO',
          paragraphsHtml: [...paragraphsOf(nato).map(escapeHtml), 'Source: <a href="https://www.aa.com.tr/en/world/nato">Anadolu Agency</a>'],
          footer: '© 2016, Newstime News. All rights reserved.',
        }),
      ),
    );
    const listing = join(dir, 'listing.html');
    writeFileSync(
      listing,
      `<html><body><h1>Latest</h1><ul>${Array.from({ length: 12 }, (_, i) => `<li><a href="/story/${i}">Headline number ${i} about the day's news</a></li>`).join('')}</ul></body></html>`,
    );
    const result = await runCliInProcess(['--db', join(dir, 'c.db'), 'extract', page, join(dir, 'missing.html'), listing, '--json', '--url', 'https://newstime.example/nato']);
    expect(result.code).toBe(1);
    const [copy, missing, empty] = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.keys(copy)).toEqual(
      expect.arrayContaining(['input', 'title', 'text', 'canonicalUrl', 'author', 'publishedAt', 'language', 'siteName', 'credits', 'links', 'rights']),
    );
    expect(copy).toMatchObject({ input: page, title: 'Jens Stoltenberg - NATO', language: 'en', siteName: 'Newstime News' });
    expect(copy.text).toContain('BRUSSELS (AA) – Russia’s ongoing airstrikes in Syria');
    expect(copy.text).not.toContain('Related stories');
    expect(copy.credits.join(' ')).toContain('BRUSSELS (AA)');
    expect(copy.links).toContainEqual(expect.objectContaining({ href: 'https://www.aa.com.tr/en/world/nato' }));
    expect(copy.rights.notices.join(' ')).toContain('Newstime News');
    expect(missing).toMatchObject({ input: join(dir, 'missing.html'), error: { message: expect.stringContaining('no such file') } });
    expect(empty).toMatchObject({ input: listing, text: '' });
  });
});
