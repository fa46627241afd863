export { tokenize, tokenizeWithSegmenter, listWords, type Tokens } from './tokenize.ts';
export { normalizeWord, normalizeText } from './normalize.ts';
export { fnv1a64, mix64, mixOut, createSplitMix64, toBigInt, fromBigInt, popcount32, type U64 } from './hash64.ts';
export { markStopWords } from './stop-words.ts';
