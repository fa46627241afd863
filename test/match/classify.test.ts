import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { classifyMatch } from '../../src/match/index.ts';
import { countLeadWords, markQuotedWords } from '../../src/match/text-signals.ts';
import { tokenize } from '../../src/text/index.ts';

const config = loadConfig().match;
const base = { coverage: 0.1, copiedWords: 100, longestRun: 100, quotedShare: 0, leadOnly: false };

describe('classifyMatch', () => {
  it('separates reproductions, excerpts and quotations', () => {
    expect(classifyMatch({ ...base, coverage: 0.9, copiedWords: 600 }, config)).toBe('reproduction');
    expect(classifyMatch(base, config)).toBe('excerpt');
    expect(classifyMatch({ ...base, copiedWords: 30, longestRun: 30 }, config)).toBe('quotation');
    expect(classifyMatch({ ...base, copiedWords: 50, longestRun: 50, quotedShare: 1 }, config)).toBe('quotation');
    expect(classifyMatch({ ...base, copiedWords: 50, longestRun: 50, leadOnly: true }, config)).toBe('quotation');
    // A long passage is an excerpt even inside quotation marks.
    expect(classifyMatch({ ...base, copiedWords: 200, longestRun: 200, quotedShare: 1 }, config)).toBe('excerpt');
    // Scattered short phrases are not an excerpt.
    expect(classifyMatch({ ...base, copiedWords: 60, longestRun: 12 }, config)).toBe('quotation');
    expect(classifyMatch({ ...base, copiedWords: 5, longestRun: 5 }, config)).toBeNull();
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
