import type { Config } from '../../config/index.ts';
import { ValidationError } from '../errors.ts';
import type { RawFingerprints } from '../fingerprint/passages.ts';
import { decodeFingerprintHashes } from '../fingerprint/codec.ts';
import { FINGERPRINT_VERSION, type TextFingerprints } from '../fingerprint/fingerprint.ts';
import * as hash64 from '../text/hash64.ts';
import * as blocks from './block-tables.ts';
import type { BlockTables } from './block-tables.ts';

// Module-level copies: imported bindings may compile to getters, too slow in the probe loop.
const fromBigInt = hash64.fromBigInt;
const popcount32 = hash64.popcount32;
const extractBits = blocks.extractBits;
const buildBlockTables = blocks.buildBlockTables;
const tableBytes = blocks.tableBytes;

export type IndexConfig = Pick<Config['match'], 'maxDistance' | 'maxCandidates' | 'maxArticlesPerPassage'>;

// New entries are scanned linearly until there are this many; then they get block tables.
const LINEAR_PENDING_LIMIT = 4096;
// Removed entries are dropped (arrays rebuilt) once they are this share of all entries.
const COMPACT_DEAD_SHARE = 0.25;
// Article keys index typed arrays directly: DB row keys are small; this bounds the array.
const MAX_ARTICLE_KEY = 2 ** 31 - 1;
// Growth factor of the entry arrays: 1.5 wastes at most a third while keeping appends amortised O(1).
const GROWTH = 1.5;

function grow<T extends Uint32Array | Int32Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, Math.ceil(a.length * GROWTH), 64));
  b.set(a);
  return b;
}

/**
 * In-memory Hamming index over document and passage fingerprints of owned articles.
 * Entries live in flat typed arrays (8 bytes of hash each) in insertion order, one contiguous
 * run per article; log-structured segments of block tables (see block-tables.ts) cover them.
 * Removal marks the article dead; space is reclaimed by compaction.
 */
export class FingerprintIndex {
  private readonly maxDistance: number;
  private readonly config: IndexConfig;
  private fpHi = new Uint32Array(0);
  private fpLo = new Uint32Array(0);
  private entries = 0;
  /** Article slots in entry order: key, first entry, alive flag. */
  private slotKey = new Int32Array(0);
  private slotStart = new Uint32Array(0);
  private slotAlive = new Uint8Array(0);
  private slots = 0;
  /** key -> slot + 1 (0: absent). */
  private keySlot = new Int32Array(0);
  private live = 0;
  private deadEntries = 0;
  private segments: BlockTables[] = [];
  /** Entries from here on are not in any segment yet. */
  private pendingFrom = 0;

  /** False: only each article's document fingerprint is indexed (passage simhashes are left out). */
  private readonly passages: boolean;

  constructor(config: IndexConfig, options: { passages?: boolean } = {}) {
    this.config = config;
    this.maxDistance = config.maxDistance;
    this.passages = options.passages ?? true;
  }

  get size(): number {
    return this.live;
  }

  has(articleKey: number): boolean {
    return articleKey > 0 && articleKey < this.keySlot.length && this.keySlot[articleKey] > 0;
  }

  /** Pre-sizes the arrays for a bulk load (optional). */
  reserve(entries: number, articles: number): void {
    this.fpHi = grow(this.fpHi, entries);
    this.fpLo = grow(this.fpLo, entries);
    this.slotKey = grow(this.slotKey, articles);
    this.slotStart = grow(this.slotStart, articles + 1);
    this.slotAlive = grow(this.slotAlive, articles);
  }

  /** Indexes an article's fingerprints (replacing any it had). Throws on another method version. */
  add(articleKey: number, fp: TextFingerprints): void {
    if (fp.version !== FINGERPRINT_VERSION) {
      throw new ValidationError(`fingerprints of version ${fp.version}; this index needs version ${FINGERPRINT_VERSION} (re-fingerprint the article)`, { articleKey, version: fp.version });
    }
    const n = fp.passages.length + 1;
    const hi = new Uint32Array(n);
    const lo = new Uint32Array(n);
    const doc = fromBigInt(fp.doc);
    hi[0] = doc.hi;
    lo[0] = doc.lo;
    fp.passages.forEach((p, i) => {
      const v = fromBigInt(p.hash);
      hi[i + 1] = v.hi;
      lo[i + 1] = v.lo;
    });
    this.addHashes(articleKey, hi, lo, n);
  }

  /**
   * add() straight from a stored blob (encodeFingerprints): the fast path for loading a large
   * corpus, with no bigint per passage.
   */
  addEncoded(articleKey: number, blob: Uint8Array): void {
    const packed = decodeFingerprintHashes(blob);
    if (packed.version !== FINGERPRINT_VERSION) {
      throw new ValidationError(`fingerprints of version ${packed.version}; this index needs version ${FINGERPRINT_VERSION} (re-fingerprint the article)`, { articleKey, version: packed.version });
    }
    this.addHashes(articleKey, packed.hi, packed.lo, packed.count);
  }

  /** Same as add() from typed arrays (bulk loads, benchmarks): no bigint per passage. */
  addRaw(articleKey: number, raw: RawFingerprints): void {
    const hi = new Uint32Array(raw.count + 1);
    const lo = new Uint32Array(raw.count + 1);
    hi[0] = raw.docHi;
    lo[0] = raw.docLo;
    hi.set(raw.hi.subarray(0, raw.count), 1);
    lo.set(raw.lo.subarray(0, raw.count), 1);
    this.addHashes(articleKey, hi, lo, raw.count + 1);
  }

  /** Bulk form: hi/lo[0] is the document fingerprint, then the passages (n in all). */
  addHashes(articleKey: number, hi: Uint32Array, lo: Uint32Array, n: number): void {
    if (!Number.isInteger(articleKey) || articleKey <= 0 || articleKey > MAX_ARTICLE_KEY) {
      throw new ValidationError('articleKey must be a positive 31-bit integer', { articleKey });
    }
    if (this.has(articleKey)) this.remove(articleKey);
    if (!this.passages) n = Math.min(n, 1);
    this.fpHi = grow(this.fpHi, this.entries + n);
    this.fpLo = grow(this.fpLo, this.entries + n);
    this.fpHi.set(hi.subarray(0, n), this.entries);
    this.fpLo.set(lo.subarray(0, n), this.entries);
    this.slotKey = grow(this.slotKey, this.slots + 1);
    this.slotStart = grow(this.slotStart, this.slots + 2);
    this.slotAlive = grow(this.slotAlive, this.slots + 1);
    const slot = this.slots++;
    this.slotKey[slot] = articleKey;
    this.slotStart[slot] = this.entries;
    this.slotAlive[slot] = 1;
    this.entries += n;
    this.slotStart[this.slots] = this.entries;
    this.keySlot = grow(this.keySlot, articleKey + 1);
    this.keySlot[articleKey] = slot + 1;
    this.live++;
    // No tables yet: a bulk import builds them once, at the first query or seal().
  }

  remove(articleKey: number): void {
    if (!this.has(articleKey)) return;
    const slot = this.keySlot[articleKey] - 1;
    this.keySlot[articleKey] = 0;
    this.slotAlive[slot] = 0;
    this.live--;
    this.deadEntries += this.slotStart[slot + 1] - this.slotStart[slot];
    if (this.deadEntries > COMPACT_DEAD_SHARE * this.entries) this.compact();
  }

  /** Bytes held by the index (typed arrays; JS object overhead is a few kB). */
  memoryBytes(): number {
    let n = this.fpHi.byteLength + this.fpLo.byteLength + this.slotKey.byteLength + this.slotStart.byteLength;
    n += this.slotAlive.byteLength + this.keySlot.byteLength;
    for (const s of this.segments) n += tableBytes(s);
    return n;
  }

  /** Fingerprints (documents + passages) stored, dead ones included until compaction. */
  get entryCount(): number {
    return this.entries;
  }

  /** Builds tables for everything added so far (called by queries; call after a bulk load). */
  seal(): void {
    if (this.pendingFrom < this.entries) this.sealPending();
  }

  private sealPending(): void {
    this.segments.push(buildBlockTables(this.fpHi, this.fpLo, this.pendingFrom, this.entries, this.maxDistance));
    this.pendingFrom = this.entries;
    // Merge while the newest segment is at least half the size of the one before: O(log n) segments.
    while (this.segments.length >= 2) {
      const a = this.segments[this.segments.length - 2];
      const b = this.segments[this.segments.length - 1];
      if (a.hi - a.lo > 2 * (b.hi - b.lo)) break;
      this.segments.splice(-2, 2, buildBlockTables(this.fpHi, this.fpLo, a.lo, b.hi, this.maxDistance));
    }
  }

  private compact(): void {
    let e = 0;
    let s = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      if (!this.slotAlive[slot]) continue;
      const from = this.slotStart[slot];
      const to = this.slotStart[slot + 1];
      this.fpHi.copyWithin(e, from, to);
      this.fpLo.copyWithin(e, from, to);
      this.slotKey[s] = this.slotKey[slot];
      this.slotStart[s] = e;
      this.slotAlive[s] = 1;
      this.keySlot[this.slotKey[s]] = s + 1;
      e += to - from;
      s++;
    }
    this.slots = s;
    this.entries = e;
    this.slotStart[s] = e;
    this.deadEntries = 0;
    this.segments = [];
    this.pendingFrom = 0;
    if (e > 0) this.sealPending();
  }

  /** Slot of entry e (binary search over article starts). */
  private slotOf(e: number): number {
    let a = 0;
    let b = this.slots - 1;
    const starts = this.slotStart;
    while (a < b) {
      const m = (a + b + 1) >>> 1;
      if (starts[m] <= e) a = m;
      else b = m - 1;
    }
    return a;
  }

  /**
   * Calls visit(slot, distance) for every live entry within maxDistance of hi:lo. An article may
   * be visited once per matching entry.
   */
  search(hi: number, lo: number, visit: (slot: number, distance: number) => void): void {
    const maxD = this.maxDistance;
    if (this.entries - this.pendingFrom > LINEAR_PENDING_LIMIT) this.sealPending();
    const fh = this.fpHi;
    const fl = this.fpLo;
    for (const seg of this.segments) {
      const { keyFrom, keyBits } = seg.layout;
      const q = keyFrom.map((from) => extractBits(hi, lo, from, keyBits));
      for (let t = 0; t < keyFrom.length; t++) {
        const dir = seg.directory[t];
        const ids = seg.ids[t];
        for (let i = dir[q[t]], end = dir[q[t] + 1]; i < end; i++) {
          const e = ids[i];
          const d = popcount32(fh[e] ^ hi) + popcount32(fl[e] ^ lo);
          if (d > maxD) continue;
          // Found through an earlier table already when an earlier key also matches.
          let seen = false;
          for (let u = 0; u < t && !seen; u++) seen = extractBits(fh[e], fl[e], keyFrom[u], keyBits) === q[u];
          if (seen) continue;
          const slot = this.slotOf(e);
          if (this.slotAlive[slot]) visit(slot, d);
        }
      }
    }
    for (let e = this.pendingFrom; e < this.entries; e++) {
      const d = popcount32(fh[e] ^ hi) + popcount32(fl[e] ^ lo);
      if (d > maxD) continue;
      const slot = this.slotOf(e);
      if (this.slotAlive[slot]) visit(slot, d);
    }
  }

  /** Article keys with an entry within maxDistance of the fingerprint (tests, tools). */
  lookup(hash: bigint): number[] {
    const v = fromBigInt(hash);
    const keys = new Set<number>();
    this.search(v.hi, v.lo, (slot) => keys.add(this.slotKey[slot]));
    return [...keys];
  }

  /**
   * Owned articles sharing passages with the page, most shared passages first, at most
   * maxCandidates. A passage found in more than maxArticlesPerPassage articles is ignored
   * (boilerplate); the document fingerprint counts like one passage.
   */
  findCandidates(page: TextFingerprints): number[] {
    const hashes = [page.doc, ...page.passages.map((p) => p.hash)];
    const hi = new Uint32Array(hashes.length);
    const lo = new Uint32Array(hashes.length);
    hashes.forEach((h, i) => {
      const v = fromBigInt(h);
      hi[i] = v.hi;
      lo[i] = v.lo;
    });
    return this.findCandidatesRaw(hi, lo, hashes.length);
  }

  findCandidatesRaw(hi: Uint32Array, lo: Uint32Array, count: number): number[] {
    return [...this.scoreCandidatesRaw(hi, lo, count)]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, this.config.maxCandidates)
      .map(([key]) => key);
  }

  /** Article key -> number of the page's fingerprints (document first) it shares; no limit. */
  scoreCandidatesRaw(hi: Uint32Array, lo: Uint32Array, count: number): Map<number, number> {
    const score = new Map<number, number>();
    const found = new Set<number>();
    const limit = this.config.maxArticlesPerPassage;
    for (let i = 0; i < count; i++) {
      found.clear();
      this.search(hi[i], lo[i], (slot) => {
        found.add(slot);
      });
      if (found.size === 0 || found.size > limit) continue;
      for (const slot of found) score.set(slot, (score.get(slot) ?? 0) + 1);
    }
    const byKey = new Map<number, number>();
    for (const [slot, n] of score) byKey.set(this.slotKey[slot], n);
    return byKey;
  }
}
