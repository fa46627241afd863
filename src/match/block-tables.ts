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

export function buildBlockTables(fpHi: Uint32Array, fpLo: Uint32Array, lo: number, hi: number, maxDistance: number): BlockTables {
  const layout = planBlocks(maxDistance, hi - lo);
  const slots = 2 ** layout.keyBits;
  const directory: Uint32Array[] = [];
  const ids: Uint32Array[] = [];
  for (const from of layout.keyFrom) {
    const dir = new Uint32Array(slots + 1);
    for (let e = lo; e < hi; e++) dir[extractBits(fpHi[e], fpLo[e], from, layout.keyBits) + 1]++;
    for (let s = 0; s < slots; s++) dir[s + 1] += dir[s];
    const fill = dir.slice(0, slots);
    const out = new Uint32Array(hi - lo);
    for (let e = lo; e < hi; e++) out[fill[extractBits(fpHi[e], fpLo[e], from, layout.keyBits)]++] = e;
    directory.push(dir);
    ids.push(out);
  }
  return { lo, hi, layout, directory, ids };
}

export function tableBytes(t: BlockTables): number {
  let n = 0;
  for (const d of t.directory) n += d.byteLength;
  for (const i of t.ids) n += i.byteLength;
  return n;
}
