import type { Config } from '../../config/index.ts';

export type MatchKind = 'reproduction' | 'excerpt' | 'quotation';

export type KindConfig = Pick<
  Config['match'],
  | 'reproductionCoverage'
  | 'wholeCoverage'
  | 'minExcerptWords'
  | 'minExcerptRunWords'
  | 'relativeExcerptShare'
  | 'minRelativeExcerptWords'
  | 'minQuotationWords'
  | 'quotedShare'
  | 'maxQuotationWords'
>;

export interface KindSignals {
  coverage: number;
  copiedWords: number;
  /** Copied words of the largest passage (its runs and the agreeing words between them). */
  longestPassage: number;
  /** Share of the copied page words that sit inside quotation marks on the page. */
  quotedShare: number;
  /** All copied article words are in the article's lead (its opening sentences, never all of it). */
  leadOnly: boolean;
}

/** The rule that gave a match its kind, with the figures it compared. */
export interface KindRule {
  name: 'whole_article' | 'quoted_speech' | 'lead_teaser' | 'coverage' | 'absolute_excerpt' | 'relative_excerpt' | 'short_copy';
  why: string;
}

export interface KindDecision {
  kind: MatchKind;
  rule: KindRule;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/**
 * What kind of reuse a verified match is, and by which rule, or null when too little is shared
 * to report. Coverage comes first: an article taken (nearly) whole is a reproduction, however
 * short or quoted. Then quotations (speaker quotes, headline+lead teasers: reported, never
 * flagged), then the share of the article, then excerpts by absolute and by relative size.
 */
export function classifyMatch(s: KindSignals, config: KindConfig): KindDecision | null {
  if (s.copiedWords < config.minQuotationWords) return null;
  const words = `${s.copiedWords} words copied`;
  if (s.coverage >= config.wholeCoverage) {
    return { kind: 'reproduction', rule: { name: 'whole_article', why: `coverage ${pct(s.coverage)} ≥ ${pct(config.wholeCoverage)} (${words})` } };
  }
  if (s.quotedShare >= config.quotedShare && s.copiedWords <= config.maxQuotationWords) {
    return { kind: 'quotation', rule: { name: 'quoted_speech', why: `${pct(s.quotedShare)} of the copied words in quotation marks (≥ ${pct(config.quotedShare)}); ${words} ≤ ${config.maxQuotationWords}` } };
  }
  if (s.leadOnly && s.copiedWords <= config.maxQuotationWords) {
    return { kind: 'quotation', rule: { name: 'lead_teaser', why: `only the article's lead copied; ${words} ≤ ${config.maxQuotationWords}` } };
  }
  if (s.coverage >= config.reproductionCoverage) {
    return { kind: 'reproduction', rule: { name: 'coverage', why: `coverage ${pct(s.coverage)} ≥ ${pct(config.reproductionCoverage)} (${words})` } };
  }
  if (s.copiedWords >= config.minExcerptWords && s.longestPassage >= config.minExcerptRunWords) {
    return { kind: 'excerpt', rule: { name: 'absolute_excerpt', why: `${words} ≥ ${config.minExcerptWords}, largest passage ${s.longestPassage} ≥ ${config.minExcerptRunWords}` } };
  }
  if (s.coverage >= config.relativeExcerptShare && s.copiedWords >= config.minRelativeExcerptWords) {
    return { kind: 'excerpt', rule: { name: 'relative_excerpt', why: `coverage ${pct(s.coverage)} ≥ ${pct(config.relativeExcerptShare)}, ${words} ≥ ${config.minRelativeExcerptWords}` } };
  }
  return { kind: 'quotation', rule: { name: 'short_copy', why: `${words}, coverage ${pct(s.coverage)}: below every excerpt rule` } };
}
