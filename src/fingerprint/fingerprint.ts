import type { Config } from '../../config/index.ts';
import { toBigInt } from '../text/hash64.ts';
import { tokenize, type Tokens } from '../text/tokenize.ts';
import { fingerprintTokensRaw, type FingerprintConfig, type RawFingerprints } from './passages.ts';
import { winnowTokens, type WinnowConfig } from './winnow.ts';

/**
 * Bump when the method changes (features, cut points, hash), so stored fingerprints are rebuilt.
 * v1: 64-bit simhash of word bigrams (FNV-1a 64 + SplitMix64 mix); passages cut at local minima.
 * v2: v1 plus winnowed word k-grams (winnow.ts), the edit-tolerant candidate family.
 */
export const FINGERPRINT_VERSION = 2;

/** Settings the stored fingerprints depend on. */
export type TextFingerprintConfig = FingerprintConfig & WinnowConfig;

export interface PassageFingerprint {
  hash: bigint;
  /** Char offsets into the fingerprinted text. */
  start: number;
  end: number;
}

export interface TextFingerprints {
  version: number;
  doc: bigint;
  passages: PassageFingerprint[];
  /** Winnowed k-gram hashes, distinct and sorted. */
  winnow: Uint32Array;
}

/**
 * Everything stored fingerprints depend on: the method version and the passage settings. Store it
 * next to the blobs; when it changes (new version, or COPYHOUND_MATCH_ANCHOR_RADIUS /
 * _MIN_PASSAGE_WORDS / _MAX_PASSAGE_WORDS / _WINNOW_WORDS / _WINNOW_WINDOW edited), re-fingerprint the owned articles.
 */
export function describeFingerprintMethod(config: TextFingerprintConfig): string {
  return `v${FINGERPRINT_VERSION}:r${config.anchorRadius}:p${config.minPassageWords}-${config.maxPassageWords}:k${config.winnowWords}w${config.winnowWindow}`;
}

export function toTextFingerprints(raw: RawFingerprints, winnow: Uint32Array): TextFingerprints {
  const passages: PassageFingerprint[] = [];
  for (let i = 0; i < raw.count; i++) passages.push({ hash: toBigInt(raw.hi[i], raw.lo[i]), start: raw.start[i], end: raw.end[i] });
  return { version: FINGERPRINT_VERSION, doc: toBigInt(raw.docHi, raw.docLo), passages, winnow };
}

export function fingerprintTokens(tokens: Tokens, config: TextFingerprintConfig): TextFingerprints {
  return toTextFingerprints(fingerprintTokensRaw(tokens, config), winnowTokens(tokens, config));
}

/** One fingerprint for the whole text and one per passage (content-defined word windows). */
export function fingerprintText(text: string, config: Config['match']): TextFingerprints {
  return fingerprintTokens(tokenize(text), config);
}
