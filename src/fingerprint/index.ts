export { FINGERPRINT_VERSION, describeFingerprintMethod, fingerprintText, fingerprintTokens, toTextFingerprints, type PassageFingerprint, type TextFingerprints, type TextFingerprintConfig } from './fingerprint.ts';
export { winnowTokens, queryKgrams, hashKgrams, type WinnowConfig } from './winnow.ts';
export { fingerprintTokensRaw, fingerprintDocumentRaw, type RawFingerprints, type FingerprintConfig } from './passages.ts';
export { encodeFingerprints, decodeFingerprints, decodeFingerprintHashes, type PackedHashes } from './codec.ts';
export { countBits, majorityBits, simhashReference } from './simhash.ts';
