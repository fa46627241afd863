export { FingerprintIndex, type IndexConfig } from './fingerprint-index.ts';
export { fingerprintPageText, matchText, verifyArticle, verifyCandidates, type OwnedText, type PageFingerprints, type CopiedPassage, type MatchResult, type MatchDeps } from './match-text.ts';
export { classifyMatch, type MatchKind, type KindSignals } from './classify.ts';
export { alignTokens, mergeRuns, type Alignment, type CopiedRun, type WordPassage } from './align.ts';
