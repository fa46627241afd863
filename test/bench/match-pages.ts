/**
 * Synthetic pages for the end-to-end benchmark: boilerplate + the page's own (unowned) text,
 * some holding copies of owned articles (full, two paragraphs, round-ups) or a short quotation.
 */
import { generateArticle, renderArticle, type Vocabulary } from './match-synth.ts';

export interface SynthPage {
  text: string;
  /** Owned article keys placed on the page as reproduction or excerpt (should be flagged). */
  copied: number[];
  kind: 'unrelated' | 'full' | 'partial' | 'roundup' | 'quote';
}

// Keys of unowned page text start here, far above any owned key.
const UNOWNED_KEY_BASE = 50_000_000;
const BOILERPLATE_TOP = 'Home News World Business Sport Culture Opinion Subscribe Sign in\n\nMost read this week';
const BOILERPLATE_BOTTOM = 'About us Contact Careers Advertise Privacy policy Cookie settings Terms of use\n\n© 2026 Example Media Group. All rights reserved.';

function paragraphs(text: string): string[] {
  return text.split('\n\n');
}

export function generatePages(vocab: Vocabulary, count: number, ownedCount: number, seed = 1): SynthPage[] {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const owned = (): number => 1 + (next() % ownedCount);
  const own = (i: number) => renderArticle(vocab, generateArticle(vocab, UNOWNED_KEY_BASE + i, 500, 900));
  const pages: SynthPage[] = [];
  for (let i = 0; i < count; i++) {
    const r = next() % 100;
    const mine = paragraphs(own(i));
    let body: string[];
    let copied: number[] = [];
    let kind: SynthPage['kind'];
    if (r < 40) {
      kind = 'unrelated';
      body = mine;
    } else if (r < 60) {
      kind = 'full';
      const k = owned();
      copied = [k];
      body = paragraphs(renderArticle(vocab, generateArticle(vocab, k)));
    } else if (r < 80) {
      kind = 'partial';
      const k = owned();
      copied = [k];
      const src = paragraphs(renderArticle(vocab, generateArticle(vocab, k)));
      const at = next() % Math.max(1, src.length - 1);
      body = [...mine.slice(0, 2), ...src.slice(at, at + 2), ...mine.slice(2)];
    } else if (r < 90) {
      kind = 'roundup';
      copied = [owned(), owned(), owned()].filter((k, j, a) => a.indexOf(k) === j);
      body = [...mine.slice(0, 2)];
      // Each excerpt: whole paragraphs from the second on, at least 60 words (as in reuse-dev).
      for (const k of copied) {
        const src = paragraphs(renderArticle(vocab, generateArticle(vocab, k)));
        const taken: string[] = [];
        for (let j = 1; j < src.length && taken.join(' ').split(' ').length < 60; j++) taken.push(src[j]);
        body.push(`Headline ${k}`, ...taken);
      }
    } else {
      kind = 'quote';
      const words = renderArticle(vocab, generateArticle(vocab, owned())).split(' ');
      body = [...mine.slice(0, 2), `“${words.slice(40, 65).join(' ')},” a spokesperson said.`, ...mine.slice(2)];
    }
    pages.push({ text: [BOILERPLATE_TOP, ...body, BOILERPLATE_BOTTOM].join('\n\n'), copied, kind });
  }
  return pages;
}
