import { createHash } from 'node:crypto';
import { hashChildren } from '../evidence-verify/verify-package.mjs';

/**
 * Merkle Tree Hash, audit paths and consistency proofs of RFC 6962 §2.1 (RFC 9162 §2.1), over a
 * log too large to hold in memory. Every left subtree the RFC's recursion visits is perfect and
 * aligned, so one of TILE leaves or more is built from stored tile hashes (each the root over
 * `tileLeaves` leaves) rather than from its leaves.
 */

/** Where the tree's hashes come from. Indexes are 0-based, ranges half-open. */
export interface TreeReader {
  tileLeaves: number;
  leafHashes(from: number, to: number): Promise<Buffer[]> | Buffer[];
  tileHashes(from: number, to: number): Promise<Buffer[]> | Buffer[];
}

const EMPTY_TREE_HASH = createHash('sha256').digest();

/** Largest power of two strictly below n (n ≥ 2): the RFC's split point. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** Root of a perfect tree over the given hashes (their count a power of two). */
function reducePerfect(hashes: Buffer[]): Buffer {
  let level = hashes;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hashChildren(level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

/** MTH(D[from:to]). */
export async function subtreeHash(reader: TreeReader, from: number, to: number): Promise<Buffer> {
  const n = to - from;
  if (n === 0) return EMPTY_TREE_HASH;
  const tile = reader.tileLeaves;
  if (n >= tile && isPowerOfTwo(n) && from % n === 0) {
    const tiles = await reader.tileHashes(from / tile, to / tile);
    if (tiles.length !== n / tile) throw new Error(`custody log: tiles ${from / tile}–${to / tile - 1} are missing (${tiles.length} of ${n / tile} stored)`);
    return reducePerfect(tiles);
  }
  if (n <= tile) {
    const leaves = await reader.leafHashes(from, to);
    if (leaves.length !== n) throw new Error(`custody log: entries ${from}–${to - 1} are missing (${leaves.length} of ${n} stored)`);
    return rootOfLeaves(leaves);
  }
  const k = splitPoint(n);
  return hashChildren(await subtreeHash(reader, from, from + k), await subtreeHash(reader, from + k, to));
}

/** MTH over leaf hashes held in memory. */
export function rootOfLeaves(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_TREE_HASH;
  // A perfect tree (a tile, for one) level by level, without the recursion's slices.
  if (isPowerOfTwo(leaves.length)) return reducePerfect(leaves);
  const k = splitPoint(leaves.length);
  return hashChildren(rootOfLeaves(leaves.slice(0, k)), rootOfLeaves(leaves.slice(k)));
}

/** The audit path of leaf `index` in the tree of the first `size` leaves (RFC 6962 PATH). */
export async function inclusionProof(reader: TreeReader, index: number, size: number): Promise<Buffer[]> {
  if (!(index >= 0 && index < size)) throw new RangeError(`custody log: entry ${index} is not in a tree of ${size} entries`);
  const path: Buffer[] = [];
  let from = 0;
  let to = size;
  // Walked from the root down; the RFC lists siblings from the leaf up, hence the reverse.
  while (to - from > 1) {
    const k = splitPoint(to - from);
    if (index < from + k) {
      path.push(await subtreeHash(reader, from + k, to));
      to = from + k;
    } else {
      path.push(await subtreeHash(reader, from, from + k));
      from += k;
    }
  }
  return path.reverse();
}

/** The consistency proof between the trees of the first `older` and `newer` leaves (RFC 6962 PROOF). */
export async function consistencyProof(reader: TreeReader, older: number, newer: number): Promise<Buffer[]> {
  if (!(older >= 0 && older <= newer)) throw new RangeError(`custody log: no consistency proof from ${older} to ${newer} entries`);
  if (older === 0 || older === newer) return [];
  const proof: Buffer[] = [];
  let m = older;
  let from = 0;
  let to = newer;
  let whole = true;
  // SUBPROOF(m, D[from:to], whole), unrolled; siblings collected root-down, returned leaf-up.
  for (;;) {
    const n = to - from;
    if (m === n) {
      if (!whole) proof.push(await subtreeHash(reader, from, to));
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      proof.push(await subtreeHash(reader, from + k, to));
      to = from + k;
    } else {
      proof.push(await subtreeHash(reader, from, from + k));
      m -= k;
      from += k;
      whole = false;
    }
  }
  return proof.reverse();
}
