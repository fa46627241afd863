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
  // 3 words: a copier who edits every few words still leaves runs this long between the edits;
  // runs of function words only ("one of the") are never counted.
  shingleWords: defineSetting('COPYHOUND_MATCH_SHINGLE_WORDS', envInt(2, 16), 3, 'Shortest run of identical words that is chained into a copied passage (words).'),
  // Winnowed word k-grams (the edit-tolerant candidate family): 3-word k-grams survive a copier
  // editing every 4th word; a window of 8 keeps ~2/9 of them (~130 per 600-word article) and
  // guarantees a hit for any shared run of 10 words (w + k - 1).
  winnowWords: defineSetting('COPYHOUND_MATCH_WINNOW_WORDS', envInt(2, 8), 3, 'Words per k-gram of the winnowed fingerprints (edit-tolerant candidate search).'),
  winnowWindow: defineSetting('COPYHOUND_MATCH_WINNOW_WINDOW', envInt(1, 64), 8, 'Winnowing window: one k-gram hash kept per this many; any shared run of window + k-gram - 1 words is found.'),
  // One shared k-gram is a coincidence (a name, a stock phrase); copies share dozens.
  minCandidateHits: defineSetting('COPYHOUND_MATCH_MIN_CANDIDATE_HITS', envInt(1, 1000), 3, 'Fewest shared winnowed k-grams that make an owned article a candidate for verification.'),
  // Independent reports share names and stock phrases of up to ~7 words; 8 copied words in one
  // passage (one run, or short runs close together in both texts) do not happen by chance.
  minRunWords: defineSetting('COPYHOUND_MATCH_MIN_RUN_WORDS', envInt(3, 200), 8, 'Fewest copied words in a passage (one run, or short runs chained) for it to count as copied.'),
  // Gaps of a changed word or a rewritten half-sentence (news and essay sentences run ~20-25
  // words) still belong to one copied passage; the runs on both sides must still agree in order.
  maxGapWords: defineSetting('COPYHOUND_MATCH_MAX_GAP_WORDS', envInt(0, 200), 16, 'Copied runs this close (in both texts) are reported as one passage.'),
  // Full copies keep >= 0.8 of the words even after a copier's edits; excerpts are at most 0.8.
  reproductionCoverage: defineSetting('COPYHOUND_MATCH_REPRODUCTION_COVERAGE', envNumber(0, 1), 0.6, 'Coverage from which a match is a reproduction.'),
  // Coverage first: an article taken (nearly) whole is a reproduction even when it is short (a
  // brief) or sits in quotation marks; 0.9 leaves room for a few changed words.
  wholeCoverage: defineSetting('COPYHOUND_MATCH_WHOLE_COVERAGE', envNumber(0, 1), 0.9, 'Coverage from which a match is a reproduction whatever its quotation marks or length.'),
  // A substantial share of a short article is an excerpt even below the absolute word count.
  relativeExcerptShare: defineSetting('COPYHOUND_MATCH_RELATIVE_EXCERPT_SHARE', envNumber(0, 1), 0.25, 'Coverage from which a match is an excerpt (with the word count below).'),
  // A quarter of a 60-word brief is 15 words, a sentence: 25 keeps single sentences quotations.
  minRelativeExcerptWords: defineSetting('COPYHOUND_MATCH_MIN_RELATIVE_EXCERPT_WORDS', envInt(1, 10_000), 25, 'Copied words needed with the relative excerpt share.'),
  // Quotes and teasers (up to ~41 words on the dev set) are told apart by their own rules first;
  // what is left at 35 words is two sentences' worth taken without quotation marks, which
  // independent texts on the same topic do not share (reuse-clough-dev: 0 chained words).
  minExcerptWords: defineSetting('COPYHOUND_MATCH_MIN_EXCERPT_WORDS', envInt(1, 10_000), 35, 'Copied words from which a match can be an excerpt (below: quotation).'),
  // An excerpt has at least one sizeable copied stretch (a sentence, edits allowed), not only
  // scattered phrases.
  minExcerptRunWords: defineSetting('COPYHOUND_MATCH_MIN_EXCERPT_RUN_WORDS', envInt(1, 10_000), 16, 'Most copied words in one passage (runs and the agreeing words between them) needed for an excerpt.'),
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
