/**
 * Synthetic owned articles for the match benchmark: words drawn from a Zipf-like (s = 1)
 * vocabulary of 60k made-up words, sentences of 8-28 words, paragraphs of 3-5 sentences.
 * Each article is a pure function of its key, so bodies can be regenerated on demand
 * (the benchmark, like production, does not keep bodies in memory).
 */
import { fnv1a64, mix64, mixOut } from '../../src/text/hash64.ts';
import { normalizeWord } from '../../src/text/normalize.ts';
import type { Tokens } from '../../src/text/tokenize.ts';

const VOCABULARY = 60_000;
const LOG_VOCABULARY = Math.log(VOCABULARY + 1);
const SYLLABLES = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'vu', 'we', 'za', 'do', 'fe', 'gi', 'ho', 'ju', 'be', 'ce', 'ny', 'qa'];

export interface Vocabulary {
  words: string[];
  lengths: Uint8Array;
  hashLo: Uint32Array;
  hashHi: Uint32Array;
}

function wordOf(i: number): string {
  let s = '';
  let n = i + SYLLABLES.length; // at least two syllables
  while (n > 0) {
    s += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return s;
}

export function createVocabulary(): Vocabulary {
  const words = Array.from({ length: VOCABULARY }, (_, i) => wordOf(i));
  const hashLo = new Uint32Array(VOCABULARY);
  const hashHi = new Uint32Array(VOCABULARY);
  words.forEach((w, i) => {
    const h = fnv1a64(normalizeWord(w));
    mix64(h.hi, h.lo);
    hashHi[i] = mixOut[0];
    hashLo[i] = mixOut[1];
  });
  const lengths = Uint8Array.from(words, (w) => w.length);
  return { words, lengths, hashLo, hashHi };
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * xorshift128 seeded from the article key. A 32-bit generator would not do: all seeds share one
 * cycle of 2^32, so two articles' word streams would overlap (turning "unrelated" text into copies).
 */
function rng(seed: number): () => number {
  let x = fmix32(seed * 4 + 1) | 1;
  let y = fmix32(seed * 4 + 2);
  let z = fmix32(seed * 4 + 3);
  let w = fmix32(seed * 4 + 4);
  return () => {
    const t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w;
  };
}

/** Word ids of the article, with sentence ends (after word i) and paragraph ends flagged. */
export interface SynthArticle {
  ids: Uint32Array;
  /** 1: sentence ends after this word; 2: paragraph ends after it. */
  breaks: Uint8Array;
}

export function generateArticle(_vocab: Vocabulary, key: number, minWords = 500, maxWords = 700): SynthArticle {
  const next = rng(key);
  const n = minWords + (next() % (maxWords - minWords + 1));
  const ids = new Uint32Array(n);
  const breaks = new Uint8Array(n);
  let sentenceLeft = 8 + (next() % 21);
  let paragraphLeft = 3 + (next() % 3);
  for (let i = 0; i < n; i++) {
    // Zipf-like (s = 1): rank = (V+1)^u - 1 has P(rank r) ~ 1/r (continuous inverse CDF).
    ids[i] = Math.floor(Math.exp((next() / 2 ** 32) * LOG_VOCABULARY)) - 1;
    if (--sentenceLeft === 0 || i === n - 1) {
      sentenceLeft = 8 + (next() % 21);
      breaks[i] = --paragraphLeft === 0 ? 2 : 1;
      if (paragraphLeft === 0) paragraphLeft = 3 + (next() % 3);
    }
  }
  return { ids, breaks };
}

/** Text of the article: capitalised sentences ending in ".", blank lines between paragraphs. */
export function renderArticle(vocab: Vocabulary, a: SynthArticle): string {
  let out = '';
  let capital = true;
  for (let i = 0; i < a.ids.length; i++) {
    const w = vocab.words[a.ids[i]];
    out += capital ? w[0].toUpperCase() + w.slice(1) : w;
    capital = a.breaks[i] > 0;
    if (i === a.ids.length - 1) out += '.';
    else out += a.breaks[i] === 2 ? '.\n\n' : a.breaks[i] === 1 ? '. ' : ' ';
  }
  return out;
}

/** The tokens tokenize(renderArticle(a)) would give, without building the string. */
export function articleTokens(vocab: Vocabulary, a: SynthArticle): Tokens {
  const n = a.ids.length;
  const t: Tokens = { count: n, hashLo: new Uint32Array(n), hashHi: new Uint32Array(n), start: new Uint32Array(n), end: new Uint32Array(n) };
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const id = a.ids[i];
    t.hashLo[i] = vocab.hashLo[id];
    t.hashHi[i] = vocab.hashHi[id];
    t.start[i] = pos;
    pos += vocab.lengths[id];
    t.end[i] = pos;
    pos += a.breaks[i] === 2 ? 3 : a.breaks[i] === 1 ? 2 : 1;
  }
  return t;
}
