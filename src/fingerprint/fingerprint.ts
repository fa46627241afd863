import type { Config } from '../../config/index.ts';
import { toBigInt } from '../text/hash64.ts';
import { tokenize, type Tokens } from '../text/tokenize.ts';
import { fingerprintTokensRaw, type FingerprintConfig, type RawFingerprints } from './passages.ts';

/**
 * Bump when the method changes (features, cut points, hash), so stored fingerprints are rebuilt.
 * v1: 64-bit simhash of word bigrams (FNV-1a 64 + SplitMix64 mix); passages cut at local minima.
 */
export const FINGERPRINT_VERSION = 1;

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
}

/**
 * Everything stored fingerprints depend on: the method version and the passage settings. Store it
 * next to the blobs; when it changes (new version, or COPYHOUND_MATCH_ANCHOR_RADIUS /
 * _MIN_PASSAGE_WORDS / _MAX_PASSAGE_WORDS edited), re-fingerprint the owned articles.
 */
export function describeFingerprintMethod(config: FingerprintConfig): string {
  return `v${FINGERPRINT_VERSION}:r${config.anchorRadius}:p${config.minPassageWords}-${config.maxPassageWords}`;
}

export function toTextFingerprints(raw: RawFingerprints): TextFingerprints {
  const passages: PassageFingerprint[] = [];
  for (let i = 0; i < raw.count; i++) passages.push({ hash: toBigInt(raw.hi[i], raw.lo[i]), start: raw.start[i], end: raw.end[i] });
  return { version: FINGERPRINT_VERSION, doc: toBigInt(raw.docHi, raw.docLo), passages };
}

export function fingerprintTokens(tokens: Tokens, config: FingerprintConfig): TextFingerprints {
  return toTextFingerprints(fingerprintTokensRaw(tokens, config));
}

/** One fingerprint for the whole text and one per passage (content-defined word windows). */
export function fingerprintText(text: string, config: Config['match']): TextFingerprints {
  return fingerprintTokens(tokenize(text), config);
}
