export { FingerprintIndex, type IndexConfig } from './fingerprint-index.ts';
export { CandidateIndex, DEFAULT_FAMILIES, type CandidateFamilies, type CandidateConfig, type PageFingerprints } from './candidate-index.ts';
export { WinnowIndex } from './winnow-index.ts';
export { fingerprintPageText, fingerprintPageTokens, matchText, matchTextLoading, verifyArticle, verifyCandidates, type OwnedText, type CopiedPassage, type PassageEdit, type MatchResult, type MatchDeps } from './match-text.ts';
export { classifyMatch, type MatchKind, type KindSignals, type KindRule, type KindDecision } from './classify.ts';
export { alignTokens, type Alignment, type CopiedRun, type WordPassage, type WordEdit } from './align.ts';
