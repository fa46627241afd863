import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { classifyMatch, type KindSignals } from '../../src/match/index.ts';
import { countLeadWords, markQuotedWords } from '../../src/match/text-signals.ts';
import { tokenize } from '../../src/text/index.ts';

const config = loadConfig().match;
const base: KindSignals = { coverage: 0.1, copiedWords: 100, longestPassage: 100, quotedShare: 0, leadOnly: false };
const kind = (s: Partial<KindSignals>) => classifyMatch({ ...base, ...s }, config)?.kind ?? null;
const rule = (s: Partial<KindSignals>) => classifyMatch({ ...base, ...s }, config)?.rule.name ?? null;

describe('classifyMatch', () => {
  it('separates reproductions, excerpts and quotations', () => {
    expect(kind({ coverage: 0.9, copiedWords: 600 })).toBe('reproduction');
    expect(kind({})).toBe('excerpt');
    expect(kind({ copiedWords: 30, longestPassage: 30 })).toBe('quotation');
    expect(kind({ copiedWords: 50, longestPassage: 50, quotedShare: 1 })).toBe('quotation');
    expect(kind({ copiedWords: 50, longestPassage: 50, leadOnly: true })).toBe('quotation');
    // A long passage is an excerpt even inside quotation marks.
    expect(kind({ copiedWords: 200, longestPassage: 200, quotedShare: 1 })).toBe('excerpt');
    // Scattered short phrases are not an excerpt.
    expect(kind({ copiedWords: 60, longestPassage: 12 })).toBe('quotation');
    expect(kind({ copiedWords: 5, longestPassage: 5 })).toBeNull();
  });

  it('decides by coverage first: a brief taken whole is a reproduction, quoted or not', () => {
    expect(classifyMatch({ ...base, coverage: 1, copiedWords: 38, longestPassage: 38, leadOnly: false, quotedShare: 1 }, config)).toMatchObject({
      kind: 'reproduction',
      rule: { name: 'whole_article' },
    });
    // Part of a brief in quotation marks stays a quotation.
    expect(rule({ coverage: 25 / 38, copiedWords: 25, longestPassage: 25, quotedShare: 1 })).toBe('quoted_speech');
    expect(rule({ coverage: 19 / 38, copiedWords: 19, longestPassage: 19, leadOnly: true })).toBe('lead_teaser');
  });

  it('has a relative excerpt rule beside the absolute one, and says which rule decided with the figures', () => {
    // 30 words of a 100-word article: below the absolute word count, above the relative share.
    const d = classifyMatch({ ...base, coverage: 0.3, copiedWords: 30, longestPassage: 30 }, config)!;
    expect(d).toMatchObject({ kind: 'excerpt', rule: { name: 'relative_excerpt' } });
    expect(d.rule.why).toContain('30%');
    expect(d.rule.why).toContain('30 words');
    expect(rule({ coverage: 0.2, copiedWords: 30, longestPassage: 30 })).toBe('short_copy');
    expect(rule({ coverage: 0.7, copiedWords: 300 })).toBe('coverage');
    expect(rule({})).toBe('absolute_excerpt');
  });
});
describe('text signals', () => {
  it('marks words inside quotation marks, closing open quotes at the paragraph end', () => {
    const text = 'He said “we will win this” and left.\n\n"Straight quotes" too. «Guillemets» and „German“ ones.\n\n“Open paragraph\n\nNext';
    const t = tokenize(text);
    const words = Array.from({ length: t.count }, (_, i) => text.slice(t.start[i], t.end[i]));
    const q = markQuotedWords(text, t);
    expect(words.filter((_, i) => q[i])).toEqual(['we', 'will', 'win', 'this', 'Straight', 'quotes', 'Guillemets', 'German', 'Open', 'paragraph']);
  });

  it('counts the words of the first sentence, skipping abbreviations', () => {
    const text = 'Mr. Smith met U.S. officials on Monday. Then he left.';
    expect(countLeadWords(text, tokenize(text))).toBe(7);
    expect(countLeadWords(text, tokenize(text), 2)).toBe(10);
    const headed = 'Headline of the story\n\nFirst sentence here. Second one.';
    expect(countLeadWords(headed, tokenize(headed), 2)).toBe(7);
    const one = 'No full stop at all';
    expect(countLeadWords(one, tokenize(one), 3)).toBe(5);
  });
});
