export { FingerprintIndex, type IndexConfig } from './fingerprint-index.ts';
