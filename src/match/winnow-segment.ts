import { radixSortPairs } from './radix-sort.ts';
/**
 * One immutable segment of the winnow index: postings (article slots) grouped by hash. A hash's
 * top `dirBits` bits pick a bucket of the directory; each posting is one 32-bit word holding the
 * next `checkBits` bits of the hash above the slot number, and a bucket is sorted by those, so a
 * lookup is a binary search. 4 bytes per posting, plus the directory (~1 byte per posting).
 */
export interface WinnowSegment {
  dirBits: number;
  slotBits: number;
  checkBits: number;
  /** Bucket b's postings are post[dir[b] .. dir[b+1]). */
  dir: Uint32Array;
  post: Uint32Array;
}

// Directory of 2^22 slots (16 MB) at most: ~36 postings per bucket at 150M postings.
const MAX_DIR_BITS = 22;
// A small segment still gets 64 buckets (260 bytes): below that the directory saves nothing.
const MIN_DIR_BITS = 6;

/** Layout for a segment: ~4 postings per bucket, and as many hash check bits as the slot numbers leave. */
export function planSegment(postings: number, maxSlot: number): { dirBits: number; slotBits: number; checkBits: number } {
  const dirBits = Math.max(MIN_DIR_BITS, Math.min(MAX_DIR_BITS, Math.ceil(Math.log2(Math.max(2, postings))) - 2));
  const slotBits = Math.max(1, Math.ceil(Math.log2(maxSlot + 1)));
  const checkBits = Math.min(32 - slotBits, 32 - dirBits);
  if (checkBits < 1) throw new Error(`winnow index: ${maxSlot} article slots leave no hash bits in a posting`);
  return { dirBits, slotBits, checkBits };
}

/** Bucket and check bits of a hash under a layout. */
export function bucketOf(hash: number, dirBits: number): number {
  return hash >>> (32 - dirBits);
}
export function checkOf(hash: number, dirBits: number, checkBits: number): number {
  return ((hash << dirBits) >>> 0) >>> (32 - checkBits);
}

/** Buffers a build sorts in: pending postings and their scratch twins (at least n long each). */
export interface SortBuffers {
  hashes: Uint32Array;
  slots: Uint32Array;
  scratchHashes: Uint32Array;
  scratchSlots: Uint32Array;
}

/**
 * Stable LSD radix sort of the first n (hash, slot) pairs by hash, in the given buffers (no
 * allocation: a bulk load builds hundreds of segments); returns the pair holding the result.
 */
function radixSort(buf: SortBuffers, n: number): { keys: Uint32Array; values: Uint32Array } {
  return radixSortPairs(buf.hashes, buf.slots, buf.scratchHashes, buf.scratchSlots, n);
}

/** A segment from the first n raw (hash, slot) pairs (the buffers are overwritten); `alive` filters out removed articles. */
export function buildSegment(buf: SortBuffers, n: number, maxSlot: number, alive: Uint8Array): WinnowSegment {
  const sorted = radixSort(buf, n);
  let live = 0;
  for (let i = 0; i < n; i++) live += alive[sorted.values[i]];
  const layout = planSegment(live, maxSlot);
  const dir = new Uint32Array((1 << layout.dirBits) + 1);
  const post = new Uint32Array(live);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const slot = sorted.values[i];
    if (!alive[slot]) continue;
    const h = sorted.keys[i];
    dir[bucketOf(h, layout.dirBits) + 1]++;
    post[o++] = ((checkOf(h, layout.dirBits, layout.checkBits) << layout.slotBits) | slot) >>> 0;
  }
  for (let b = 0; b + 1 < dir.length; b++) dir[b + 1] += dir[b];
  return { ...layout, dir, post };
}

/** Walks a segment's live postings in (bucket, check) order, as left-aligned hash prefixes. */
class Cursor {
  prefix = 0;
  slot = 0;
  done = false;
  private b = 0;
  private i = 0;
  private readonly mask: number;
  constructor(
    private readonly s: WinnowSegment,
    private readonly alive: Uint8Array,
  ) {
    this.mask = (2 ** s.slotBits - 1) >>> 0;
    this.next();
  }
  next(): void {
    const s = this.s;
    const dir = s.dir;
    const post = s.post;
    const buckets = dir.length - 1;
    let b = this.b;
    let i = this.i;
    let bucketEnd = b < buckets ? dir[b + 1] : 0;
    for (;;) {
      while (i >= bucketEnd) {
        if (++b >= buckets) {
          this.b = b;
          this.done = true;
          return;
        }
        bucketEnd = dir[b + 1];
      }
      const p = post[i++];
      const slot = (p & this.mask) >>> 0;
      if (!this.alive[slot]) continue;
      const low = s.checkBits === 0 ? 0 : (p >>> s.slotBits) << (32 - s.dirBits - s.checkBits);
      this.prefix = ((b << (32 - s.dirBits)) | low) >>> 0;
      this.slot = slot;
      this.b = b;
      this.i = i;
      return;
    }
  }
}

/**
 * Merges segments into one (dropping removed articles). Their postings come out sorted by hash
 * prefix, so the merge is linear; hash bits a new layout has no room for are dropped, which keeps
 * the order by check.
 */
export function mergeSegments(parts: WinnowSegment[], maxSlot: number, alive: Uint8Array): WinnowSegment {
  let live = 0;
  for (const s of parts) {
    const mask = (2 ** s.slotBits - 1) >>> 0;
    for (let i = 0; i < s.post.length; i++) live += alive[(s.post[i] & mask) >>> 0];
  }
  const layout = planSegment(live, maxSlot);
  // Bits known in every part: a coarser part's prefix cannot be split further.
  const known = Math.min(...parts.map((s) => s.dirBits + s.checkBits));
  const dirBits = Math.min(layout.dirBits, known);
  const checkBits = Math.max(0, Math.min(layout.checkBits, known - dirBits));
  const dir = new Uint32Array((1 << dirBits) + 1);
  const post = new Uint32Array(live);
  const cursors = parts.map((s) => new Cursor(s, alive));
  const slotBits = layout.slotBits;
  let o = 0;
  for (;;) {
    let pick: Cursor | null = null;
    for (let t = 0; t < cursors.length; t++) {
      const c = cursors[t];
      if (!c.done && (pick === null || c.prefix < pick.prefix)) pick = c;
    }
    if (pick === null) break;
    const prefix = pick.prefix;
    dir[bucketOf(prefix, dirBits) + 1]++;
    const check = checkBits === 0 ? 0 : checkOf(prefix, dirBits, checkBits);
    post[o++] = ((check << slotBits) | pick.slot) >>> 0;
    pick.next();
  }
  for (let b = 0; b + 1 < dir.length; b++) dir[b + 1] += dir[b];
  return { dirBits, slotBits, checkBits, dir, post };
}

/**
 * The range of a segment's postings that carry the hash (a bucket's run of its check bits),
 * written into out[0], out[1] (no object per lookup: a page makes ~1,000 of them).
 */
export function findPostings(s: WinnowSegment, hash: number, out: Uint32Array): void {
  const b = hash >>> (32 - s.dirBits);
  const lo = s.dir[b];
  const hi = s.dir[b + 1];
  if (s.checkBits === 0 || lo === hi) {
    out[0] = lo;
    out[1] = hi;
    return;
  }
  const c = ((hash << s.dirBits) >>> 0) >>> (32 - s.checkBits);
  const shift = s.slotBits;
  const post = s.post;
  // Lower bound of check c, then of c + 1.
  let a = lo;
  let z = hi;
  while (a < z) {
    const m = (a + z) >>> 1;
    if (post[m] >>> shift < c) a = m + 1;
    else z = m;
  }
  out[0] = a;
  z = hi;
  while (a < z) {
    const m = (a + z) >>> 1;
    if (post[m] >>> shift <= c) a = m + 1;
    else z = m;
  }
  out[1] = a;
}

export function segmentBytes(s: WinnowSegment): number {
  return s.dir.byteLength + s.post.byteLength;
}
