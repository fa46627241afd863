import { defineSetting, envInt, envNumber } from './define.ts';

/**
 * Settings of the match stage; see config/index.ts for how sections are loaded.
 * Figures quoted below come from `npm run eval:reuse -- --set /work/shared/datasets/reuse-dev`
 * and `npm run bench:match` (see the match engine's commit messages).
 */
export const matchSettings = {
  // Passages are cut at local minima of bigram hashes within this radius: ~2r+1 words each, so a
  // copied stretch of 60 words still holds 2-3 whole passages, and 1M articles fit in memory.
  anchorRadius: defineSetting('COPYHOUND_MATCH_ANCHOR_RADIUS', envInt(2, 32), 6, 'Passage cut points: local minimum of bigram hashes within this many words (passages ~2r+1 words).'),
  // A cap keeps simhash windows short enough that one edited word does not spoil a long run.
  maxPassageWords: defineSetting('COPYHOUND_MATCH_MAX_PASSAGE_WORDS', envInt(8, 1000), 40, 'Longest passage fingerprinted as one unit (words).'),
  // Shorter passages (text ends) are common phrases, not evidence of copying.
  minPassageWords: defineSetting('COPYHOUND_MATCH_MIN_PASSAGE_WORDS', envInt(2, 100), 6, 'Passages with fewer words are not indexed or queried.'),
  // test/eval/reuse-distance.ts on reuse-dev: content-defined passages hit exactly (edited copies:
  // 53.3 hits/pair at d=0, 53.6 at 2, 53.9 at 3; unrelated pairs 0 up to d=8). d=2 keeps a little
  // slack for near-identical passages with 3 tables of 21-bit blocks; d=3 needs 4 tables of 16-bit
  // blocks, ~10x more probes per lookup at 1M articles.
  maxDistance: defineSetting('COPYHOUND_MATCH_MAX_DISTANCE', envInt(0, 7), 2, 'Largest Hamming distance (of 64 bits) at which two fingerprints count as the same passage.'),
  // A few owned articles are ever copied onto one page; 24 leaves room for round-ups and noise.
  maxCandidates: defineSetting('COPYHOUND_MATCH_MAX_CANDIDATES', envInt(1, 10_000), 24, 'Most owned articles verified per page (best index hits first).'),
  // A passage found in this many articles is boilerplate ("All rights reserved"), not evidence.
  maxArticlesPerPassage: defineSetting('COPYHOUND_MATCH_MAX_ARTICLES_PER_PASSAGE', envInt(1, 100_000), 32, 'A page passage matching more owned articles than this is ignored as common text.'),
  // 5-word shingles: long enough to be rare by chance, short enough that a typo costs ~5 words.
  shingleWords: defineSetting('COPYHOUND_MATCH_SHINGLE_WORDS', envInt(2, 16), 5, 'Words per shingle compared exactly between page and article.'),
  // Independent reports share names and stock phrases of up to ~7 words; 8 words in a row do not happen by chance.
  minRunWords: defineSetting('COPYHOUND_MATCH_MIN_RUN_WORDS', envInt(4, 200), 8, 'Shortest run of identical words that counts as copied.'),
  // Gaps of a changed word or a short dropped clause still belong to one copied passage.
  maxGapWords: defineSetting('COPYHOUND_MATCH_MAX_GAP_WORDS', envInt(0, 200), 12, 'Copied runs this close (in both texts) are reported as one passage.'),
  // Full copies keep >= 0.8 of the words even after a copier's edits; excerpts are at most 0.8.
  reproductionCoverage: defineSetting('COPYHOUND_MATCH_REPRODUCTION_COVERAGE', envNumber(0, 1), 0.6, 'Coverage from which a match is a reproduction.'),
  // Dev set: excerpts copy >= 60 words (a paragraph), quotes and teasers <= 41; 45 sits between,
  // nearer the negatives because quoted and lead-only copies get the stricter limit below.
  minExcerptWords: defineSetting('COPYHOUND_MATCH_MIN_EXCERPT_WORDS', envInt(1, 10_000), 45, 'Copied words from which a match can be an excerpt (below: quotation).'),
  // An excerpt has at least one sizeable verbatim stretch, not only scattered phrases.
  minExcerptRunWords: defineSetting('COPYHOUND_MATCH_MIN_EXCERPT_RUN_WORDS', envInt(1, 10_000), 20, 'Longest copied run needed for an excerpt (words).'),
  // Fewer copied words than this is not worth reporting at all.
  minQuotationWords: defineSetting('COPYHOUND_MATCH_MIN_QUOTATION_WORDS', envInt(1, 10_000), 8, 'Copied words from which a quotation is reported.'),
  // When most copied words sit inside quotation marks on the page, the page quotes a speaker
  // (some excerpts are quote-heavy paragraphs too, hence the word limit below).
  quotedShare: defineSetting('COPYHOUND_MATCH_QUOTED_SHARE', envNumber(0, 1), 0.8, 'Share of copied words inside quotation marks that makes a match a quotation.'),
  // Teasers show the headline and the first sentence or two; 2 also covers bodies that begin with
  // their headline line. Only copies under maxQuotationWords are affected.
  leadSentences: defineSetting('COPYHOUND_MATCH_LEAD_SENTENCES', envInt(1, 20), 2, 'A copy of only this many opening sentences of an article counts as a teaser (quotation).'),
  // Quotes of 1-2 sentences and a lead sentence stay under ~41 words; 55 leaves a margin, and above
  // it (dev set: quote-heavy excerpts of 62+ words) the copy is an excerpt even in quotation marks.
  maxQuotationWords: defineSetting('COPYHOUND_MATCH_MAX_QUOTATION_WORDS', envInt(1, 10_000), 55, 'Most copied words a quotation (quoted or lead-only teaser) may have.'),
};
