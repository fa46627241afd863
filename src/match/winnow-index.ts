import { ValidationError } from '../errors.ts';
import * as seg from './winnow-segment.ts';
import type { WinnowSegment } from './winnow-segment.ts';

// Module-level copies: imported bindings may compile to getters, too slow in the probe loop.
const findPostings = seg.findPostings;
const buildSegment = seg.buildSegment;
const mergeSegments = seg.mergeSegments;
const segmentBytes = seg.segmentBytes;

// Postings wait (8 bytes each) in a buffer until there are this many, then become a segment:
// 4M postings is ~30,000 articles, 32 MB; fewer, larger segments mean fewer merge rounds.
const PENDING_LIMIT = 1 << 22;
// Removed articles' postings are dropped (segments merged) once they are this share of all.
const COMPACT_DEAD_SHARE = 0.25;
// Article keys index typed arrays directly: DB row keys are small; this bounds the array.
const MAX_ARTICLE_KEY = 2 ** 31 - 1;
// Growth factor of the buffers: 1.5 wastes at most a third while keeping appends amortised O(1).
const GROWTH = 1.5;

function grow<T extends Uint32Array | Int32Array | Uint8Array | Uint16Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, Math.ceil(a.length * GROWTH), 64));
  b.set(a);
  return b;
}

/**
 * Inverted index from winnowed k-gram hashes to the owned articles holding them. Postings are
 * packed 32-bit words in log-structured segments (see winnow-segment.ts): new articles wait in a
 * small buffer, segments merge while the newest is at least half the size of the one before
 * (O(log n) segments). Removal marks the article's slot dead; merges drop dead postings.
 */
export class WinnowIndex {
  private segments: WinnowSegment[] = [];
  private pendingHash = new Uint32Array(0);
  private pendingSlot = new Uint32Array(0);
  /** Sort scratch for seal(), as long as the pending buffers. */
  private scratchHash = new Uint32Array(0);
  private scratchSlot = new Uint32Array(0);
  private pending = 0;
  private slotKey = new Int32Array(0);
  private slotAlive = new Uint8Array(0);
  private slotPostings = new Uint16Array(0);
  private slots = 0;
  /** key -> slot + 1 (0: absent). */
  private keySlot = new Int32Array(0);
  private live = 0;
  private postings = 0;
  private deadPostings = 0;
  private readonly hits = new Int32Array(1024);
  private readonly range = new Uint32Array(2);
  private readonly pendingLimit: number;

  /** `pendingLimit`: postings buffered before they become a segment (tests use small ones). */
  constructor(options: { pendingLimit?: number } = {}) {
    this.pendingLimit = options.pendingLimit ?? PENDING_LIMIT;
  }

  get size(): number {
    return this.live;
  }

  has(articleKey: number): boolean {
    return articleKey > 0 && articleKey < this.keySlot.length && this.keySlot[articleKey] > 0;
  }

  /** Indexes an article's winnowed hashes (distinct), replacing any it had. */
  add(articleKey: number, hashes: Uint32Array): void {
    if (!Number.isInteger(articleKey) || articleKey <= 0 || articleKey > MAX_ARTICLE_KEY) {
      throw new ValidationError('articleKey must be a positive 31-bit integer', { articleKey });
    }
    if (this.has(articleKey)) this.remove(articleKey);
    const slot = this.slots++;
    this.slotKey = grow(this.slotKey, this.slots);
    this.slotAlive = grow(this.slotAlive, this.slots);
    this.slotPostings = grow(this.slotPostings, this.slots);
    this.slotKey[slot] = articleKey;
    this.slotAlive[slot] = 1;
    // Over 65,535 distinct hashes is a book, not an article: the rest cannot add evidence.
    const n = Math.min(hashes.length, 0xffff);
    this.slotPostings[slot] = n;
    this.keySlot = grow(this.keySlot, articleKey + 1);
    this.keySlot[articleKey] = slot + 1;
    this.live++;
    this.pendingHash = grow(this.pendingHash, this.pending + n);
    this.pendingSlot = grow(this.pendingSlot, this.pending + n);
    this.pendingHash.set(hashes.subarray(0, n), this.pending);
    this.pendingSlot.fill(slot, this.pending, this.pending + n);
    this.pending += n;
    this.postings += n;
    if (this.pending >= this.pendingLimit) this.seal();
  }

  remove(articleKey: number): void {
    if (!this.has(articleKey)) return;
    const slot = this.keySlot[articleKey] - 1;
    this.keySlot[articleKey] = 0;
    this.slotAlive[slot] = 0;
    this.live--;
    this.deadPostings += this.slotPostings[slot];
    if (this.deadPostings > COMPACT_DEAD_SHARE * this.postings) this.compact();
  }

  /** Moves buffered postings into a segment (queries call it; call it after a bulk load). */
  seal(): void {
    if (this.pending === 0) return;
    if (this.scratchHash.length < this.pending) {
      this.scratchHash = new Uint32Array(this.pendingHash.length);
      this.scratchSlot = new Uint32Array(this.pendingHash.length);
    }
    const buf = { hashes: this.pendingHash, slots: this.pendingSlot, scratchHashes: this.scratchHash, scratchSlots: this.scratchSlot };
    this.segments.push(buildSegment(buf, this.pending, this.slots, this.slotAlive));
    this.pending = 0;
    // One article with a huge hash list may have grown the buffers: do not keep them that large.
    if (this.pendingHash.length > 2 * this.pendingLimit) this.releaseBuffers();
    while (this.segments.length >= 2) {
      const a = this.segments[this.segments.length - 2];
      const b = this.segments[this.segments.length - 1];
      if (a.post.length > 2 * b.post.length) break;
      this.segments.splice(-2, 2, mergeSegments([a, b], this.slots, this.slotAlive));
    }
  }

  /**
   * Seals and merges every segment into one (after a bulk load: one probe per hash instead of one
   * per segment). Needs the postings' size again in passing.
   */
  optimize(): void {
    this.seal();
    if (this.segments.length > 1 || this.deadPostings > 0) this.compact();
    // A bulk load is over: the buffers are not needed until the next one.
    this.releaseBuffers();
  }

  private releaseBuffers(): void {
    this.pendingHash = new Uint32Array(0);
    this.pendingSlot = new Uint32Array(0);
    this.scratchHash = new Uint32Array(0);
    this.scratchSlot = new Uint32Array(0);
  }

  private compact(): void {
    this.seal();
    if (this.segments.length > 0) this.segments = [mergeSegments(this.segments, this.slots, this.slotAlive)];
    this.postings -= this.deadPostings;
    this.deadPostings = 0;
  }

  /** Bytes held (typed arrays; the pending buffer included). */
  memoryBytes(): number {
    let n = this.pendingHash.byteLength + this.pendingSlot.byteLength + this.scratchHash.byteLength + this.scratchSlot.byteLength + this.slotKey.byteLength;
    n += this.slotAlive.byteLength + this.slotPostings.byteLength + this.keySlot.byteLength;
    for (const s of this.segments) n += segmentBytes(s);
    return n;
  }

  /** Segments now (tests: merges keep it O(log n)). */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Postings stored, dead ones included until compaction. */
  get postingCount(): number {
    return this.postings;
  }

  /**
   * Article keys sharing at least minHits of the page's k-gram hashes (distinct), with their hit
   * counts. A hash held by more than maxArticles articles is a common phrase and counts for none.
   */
  countHits(hashes: Uint32Array, maxArticles: number, minHits: number): Map<number, number> {
    this.seal();
    const score = new Map<number, number>();
    const found = this.hits.length >= maxArticles + 1 ? this.hits : new Int32Array(maxArticles + 1);
    for (let q = 0; q < hashes.length; q++) {
      const h = hashes[q];
      let n = 0;
      const r = this.range;
      for (let t = 0; t < this.segments.length; t++) {
        const s = this.segments[t];
        findPostings(s, h, r);
        if (r[1] === r[0]) continue;
        const mask = (2 ** s.slotBits - 1) >>> 0;
        for (let i = r[0]; i < r[1] && n <= maxArticles; i++) found[n++] = (s.post[i] & mask) >>> 0;
        if (n > maxArticles) break;
      }
      if (n === 0 || n > maxArticles) continue;
      for (let i = 0; i < n; i++) {
        const slot = found[i];
        if (this.slotAlive[slot]) score.set(slot, (score.get(slot) ?? 0) + 1);
      }
    }
    const out = new Map<number, number>();
    for (const [slot, hits] of score) if (hits >= minHits) out.set(this.slotKey[slot], hits);
    return out;
  }
}
