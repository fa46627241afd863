import { describe, expect, it } from 'vitest';
import { matchTextLoading } from '../../src/match/index.ts';
import { createEmptyArticle } from '../../src/extract/extract-article.ts';
import { matchArticleText } from '../../src/pipeline.ts';
import { paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestApp } from '../crawl/crawl-helpers.ts';

const WORDS = 'river market council season harbour winter garden station bridge museum village festival school farmer teacher doctor engineer painter morning evening'.split(' ');

/** About `chars` characters of filler paragraphs with two owned articles' text inside. */
function largePageText(chars: number): string {
  const [nato, strike] = readOwnedFixtures();
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const parts: string[] = [];
  for (let n = 0; n < chars; ) {
    const p = Array.from({ length: 60 }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ') + '.';
    parts.push(p);
    n += p.length + 2;
  }
  parts.splice(parts.length >> 2, 0, nato.body);
  parts.splice((parts.length * 3) >> 2, 0, ...paragraphsOf(strike).slice(0, 3));
  return parts.join('\n\n');
}

describe('matching a large page in a worker thread', () => {
  const tempDir = useTempDir();

  it('gives exactly what matching on this thread gives', async () => {
    const app = await openTestApp(tempDir());
    try {
      const text = largePageText(1_500_000);
      const owned = await app.getOwnedIndex();
      const here = await matchTextLoading(text, { index: owned.index, loadArticles: owned.loadArticles, config: app.config.match });
      const viaWorker = await matchArticleText(app, { ...createEmptyArticle(), text });
      expect(here.map((m) => m.articleId).sort()).toEqual(['aa-nato-syria', readOwnedFixtures()[1].id].sort());
      expect(viaWorker).toEqual(here.map(({ articleKey: _key, ...rest }) => rest));
    } finally {
      await app.close();
    }
  });
});
