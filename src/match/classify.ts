import type { Config } from '../../config/index.ts';

export type MatchKind = 'reproduction' | 'excerpt' | 'quotation';

export type KindConfig = Pick<
  Config['match'],
  'reproductionCoverage' | 'minExcerptWords' | 'minExcerptRunWords' | 'minQuotationWords' | 'minRunWords' | 'quotedShare' | 'maxQuotationWords'
>;

export interface KindSignals {
  coverage: number;
  copiedWords: number;
  longestRun: number;
  /** Share of the copied page words that sit inside quotation marks on the page. */
  quotedShare: number;
  /** All copied article words are in the article's first sentence (a teaser's lead). */
  leadOnly: boolean;
}

/**
 * What kind of reuse a verified match is, or null when too little is shared to report.
 * Quotations (speaker quotes, headline+lead teasers) are reported but never flagged.
 */
export function classifyMatch(s: KindSignals, config: KindConfig): MatchKind | null {
  if (s.copiedWords < config.minQuotationWords || s.longestRun < config.minRunWords) return null;
  const quotedOrLead = s.quotedShare >= config.quotedShare || s.leadOnly;
  if (quotedOrLead && s.copiedWords <= config.maxQuotationWords) return 'quotation';
  if (s.coverage >= config.reproductionCoverage) return 'reproduction';
  if (s.copiedWords >= config.minExcerptWords && s.longestRun >= config.minExcerptRunWords) return 'excerpt';
  return 'quotation';
}
