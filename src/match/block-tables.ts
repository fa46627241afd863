import { radixSortPairs } from './radix-sort.ts';

/**
 * Permuted-block tables (Manku, Jain & Das Sarma 2007) over a contiguous range of index entries.
 * With d allowed differing bits, the 64 bits are cut into d+1 blocks: any fingerprint within
 * distance d agrees exactly on at least one block (pigeonhole). Table t groups the entries by
 * the top bits of block t (counting sort into a directory), so a query probes d+1 buckets.
 */

/** Directory size cap: 2^22 slots (16 MB) per table is enough for ~4M entries per bucket bit. */
const MAX_DIRECTORY_BITS = 22;
const MIN_DIRECTORY_BITS = 4;

export interface BlockLayout {
  /** First bit (from the least significant) of each key: the top `keyBits` bits of block t. */
  keyFrom: number[];
  keyBits: number;
}

/** Bits [from, from + width) of the 64-bit value hi:lo, width 1..32. */
export function extractBits(hi: number, lo: number, from: number, width: number): number {
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  let v: number;
  if (from >= 32) v = hi >>> (from - 32);
  else if (from + width <= 32) v = lo >>> from;
  else v = (lo >>> from) | (hi << (32 - from));
  return (v & mask) >>> 0;
}

export function planBlocks(maxDistance: number, entries: number): BlockLayout {
  const blocks = maxDistance + 1;
  let minWidth = 64;
  const ends: number[] = [];
  for (let t = 0; t < blocks; t++) {
    const from = Math.floor((64 * t) / blocks);
    const to = Math.floor((64 * (t + 1)) / blocks);
    ends.push(to);
    minWidth = Math.min(minWidth, to - from);
  }
  // About one entry per bucket when the block is long enough; never more bits than the block has.
  const wanted = Math.ceil(Math.log2(Math.max(2, entries)));
  const keyBits = Math.max(1, Math.min(minWidth, MAX_DIRECTORY_BITS, Math.max(MIN_DIRECTORY_BITS, wanted)));
  return { keyFrom: ends.map((to) => to - keyBits), keyBits };
}

export interface BlockTables {
  /** Entry range [lo, hi) of the shared fingerprint arrays. */
  lo: number;
  hi: number;
  layout: BlockLayout;
  /** Per table: bucket offsets (2^keyBits + 1) and entry ids sorted by bucket. */
  directory: Uint32Array[];
  ids: Uint32Array[];
}

// Entries are sorted by key with src/match/radix-sort.ts (11-bit digits: two passes cover the
// largest, 22-bit, keys). A direct counting sort over 2^21 buckets scatters writes across memory
// and was ~10x slower.

interface Scratch {
  keys: Uint32Array<ArrayBuffer>;
  keys2: Uint32Array<ArrayBuffer>;
  ids2: Uint32Array<ArrayBuffer>;
}

/**
 * Entry ids lo..hi-1 sorted by key (stable LSD radix sort), plus the bucket directory.
 * `scratch` buffers are shared by the tables of one build to bound its transient memory.
 */
function sortByKey(scratch: Scratch, lo: number, keyBits: number): { ids: Uint32Array; dir: Uint32Array } {
  const n = scratch.keys.length;
  let ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = lo + i;
  const inputIds = ids;
  const sorted = radixSortPairs(scratch.keys, ids, scratch.keys2, scratch.ids2, n, keyBits);
  const k = sorted.keys;
  ids = sorted.values;
  const dir = new Uint32Array(2 ** keyBits + 1);
  for (let i = 0; i < n; i++) dir[k[i] + 1]++;
  for (let s = 0; s < dir.length - 1; s++) dir[s + 1] += dir[s];
  // After an odd number of passes the result sits in the scratch buffer: keep it, hand back the other.
  if (ids === scratch.ids2) {
    scratch.ids2 = inputIds;
  }
  if (k !== scratch.keys) {
    scratch.keys2 = scratch.keys;
    scratch.keys = k;
  }
  return { ids, dir };
}

export function buildBlockTables(fpHi: Uint32Array, fpLo: Uint32Array, lo: number, hi: number, maxDistance: number): BlockTables {
  const layout = planBlocks(maxDistance, hi - lo);
  const directory: Uint32Array[] = [];
  const ids: Uint32Array[] = [];
  const n = hi - lo;
  const scratch: Scratch = { keys: new Uint32Array(n), keys2: new Uint32Array(n), ids2: new Uint32Array(n) };
  for (const from of layout.keyFrom) {
    const keys = scratch.keys;
    for (let e = lo; e < hi; e++) keys[e - lo] = extractBits(fpHi[e], fpLo[e], from, layout.keyBits);
    const sorted = sortByKey(scratch, lo, layout.keyBits);
    directory.push(sorted.dir);
    ids.push(sorted.ids);
  }
  return { lo, hi, layout, directory, ids };
}

export function tableBytes(t: BlockTables): number {
  let n = 0;
  for (const d of t.directory) n += d.byteLength;
  for (const i of t.ids) n += i.byteLength;
  return n;
}
