import type { Config } from '../../config/index.ts';
import { ValidationError } from '../errors.ts';
import { decodeFingerprintHashes } from '../fingerprint/codec.ts';
import { FINGERPRINT_VERSION, type TextFingerprints } from '../fingerprint/fingerprint.ts';
import { fromBigInt } from '../text/hash64.ts';
import { FingerprintIndex } from './fingerprint-index.ts';
import { WinnowIndex } from './winnow-index.ts';

export type CandidateConfig = Pick<Config['match'], 'maxDistance' | 'maxCandidates' | 'maxArticlesPerPassage' | 'minCandidateHits'>;

/** Which fingerprint families are searched (the benchmark compares them; production uses the defaults). */
export interface CandidateFamilies {
  /** Passage simhashes besides the document simhash (default false: see DEFAULT_FAMILIES). */
  simhashPassages?: boolean;
  /** Winnowed word k-grams (default true). */
  winnow?: boolean;
}

/**
 * Passage simhashes are left out of the in-memory index: with the winnowed k-grams beside them
 * they found nothing more (eval:reuse --families winnow|both: reuse-dev 342/342 pairs, 0 false
 * positives, coverage error 0.005 either way; reuse-clough-dev 17/20 copies, 0/18 false alarms
 * either way; simhash alone 10/20), while their tables cost ~925 MB at 1M articles (bench:match:
 * 945 MB for document + passage simhashes against 577 MB for document simhash + winnow). They
 * stay in the stored blob, so turning them back on needs no re-fingerprinting. The document
 * simhash stays: one entry per article finds whole near-duplicates at any edit rate.
 */
export const DEFAULT_FAMILIES: Required<CandidateFamilies> = { simhashPassages: false, winnow: true };

// A shared passage simhash is ~13 words of agreement: worth about as much as 3 shared k-grams.
const SIMHASH_HIT_WEIGHT = 3;

/** A page's fingerprints for a lookup: simhashes (document first) and its distinct k-gram hashes. */
export interface PageFingerprints {
  hi: Uint32Array;
  lo: Uint32Array;
  count: number;
  kgrams: Uint32Array;
}

/** The owned articles' candidate index: the 64-bit simhashes and the winnowed k-grams together. */
export class CandidateIndex {
  readonly simhash: FingerprintIndex;
  readonly winnow: WinnowIndex | null;
  /** Whether page lookups need passage simhashes (else the document simhash is enough). */
  readonly simhashPassages: boolean;
  private readonly config: CandidateConfig;

  constructor(config: CandidateConfig, families: CandidateFamilies = {}) {
    const f = { ...DEFAULT_FAMILIES, ...families };
    this.config = config;
    this.simhashPassages = f.simhashPassages;
    this.simhash = new FingerprintIndex(config, { passages: f.simhashPassages });
    this.winnow = f.winnow ? new WinnowIndex() : null;
  }

  get size(): number {
    return this.simhash.size;
  }

  has(articleKey: number): boolean {
    return this.simhash.has(articleKey);
  }

  add(articleKey: number, fp: TextFingerprints): void {
    this.simhash.add(articleKey, fp);
    this.winnow?.add(articleKey, fp.winnow);
  }

  /** add() straight from a stored blob: the fast path for loading a large corpus. */
  addEncoded(articleKey: number, blob: Uint8Array): void {
    const packed = decodeFingerprintHashes(blob);
    if (packed.version !== FINGERPRINT_VERSION) {
      throw new ValidationError(`fingerprints of version ${packed.version}; this index needs version ${FINGERPRINT_VERSION} (re-fingerprint the article)`, { articleKey, version: packed.version });
    }
    this.addHashes(articleKey, packed.hi, packed.lo, packed.count, packed.winnow);
  }

  /** Bulk form: hi/lo[0] is the document simhash, then the passages (n in all); winnow hashes distinct. */
  addHashes(articleKey: number, hi: Uint32Array, lo: Uint32Array, n: number, winnow: Uint32Array): void {
    this.simhash.addHashes(articleKey, hi, lo, n);
    this.winnow?.add(articleKey, winnow);
  }

  remove(articleKey: number): void {
    this.simhash.remove(articleKey);
    this.winnow?.remove(articleKey);
  }

  seal(): void {
    this.simhash.seal();
    this.winnow?.seal();
  }

  /** seal(), and the k-gram postings merged into one segment: call after a bulk load. */
  optimize(): void {
    this.simhash.seal();
    this.winnow?.optimize();
  }

  memoryBytes(): { simhash: number; winnow: number; total: number } {
    const simhash = this.simhash.memoryBytes();
    const winnow = this.winnow?.memoryBytes() ?? 0;
    return { simhash, winnow, total: simhash + winnow };
  }

  /**
   * Owned articles worth verifying against the page, best evidence first, at most maxCandidates:
   * any simhash hit (document or passage), or at least minCandidateHits shared k-grams.
   */
  findCandidates(page: PageFingerprints): number[] {
    const score = new Map<number, number>();
    for (const [key, hits] of this.simhash.scoreCandidatesRaw(page.hi, page.lo, page.count)) score.set(key, SIMHASH_HIT_WEIGHT * hits);
    if (this.winnow) {
      const found = this.winnow.countHits(page.kgrams, this.config.maxArticlesPerPassage, this.config.minCandidateHits);
      for (const [key, hits] of found) score.set(key, (score.get(key) ?? 0) + hits);
    }
    return [...score]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, this.config.maxCandidates)
      .map(([key]) => key);
  }

  /** Candidates for a page given as stored-form fingerprints (tests, tools). */
  findCandidatesFor(fp: TextFingerprints, kgrams: Uint32Array): number[] {
    const hashes = [fp.doc, ...fp.passages.map((p) => p.hash)];
    const hi = new Uint32Array(hashes.length);
    const lo = new Uint32Array(hashes.length);
    hashes.forEach((h, i) => {
      const v = fromBigInt(h);
      hi[i] = v.hi;
      lo[i] = v.lo;
    });
    return this.findCandidates({ hi, lo, count: hashes.length, kgrams });
  }
}
