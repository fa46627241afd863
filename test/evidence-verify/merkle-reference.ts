import { createHash } from 'node:crypto';

/*
 * RFC 6962 §2.1 written out plainly (recursive MTH, PATH and PROOF), independent of the verifier,
 * so tests can build trees and proofs the verifier has never seen.
 */

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function leafHashOf(data: Uint8Array | string): Buffer {
  return sha256(Buffer.from([0]), typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}

function nodeHashOf(left: Buffer, right: Buffer): Buffer {
  return sha256(Buffer.from([1]), left, right);
}

/** The largest power of two smaller than n (n > 1). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over leaf hashes. */
export function treeHashOf(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0];
  const k = splitPoint(leaves.length);
  return nodeHashOf(treeHashOf(leaves.slice(0, k)), treeHashOf(leaves.slice(k)));
}

/** PATH(m, D[n]): the audit path of leaf m, leaf to root. */
export function inclusionPathOf(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = splitPoint(leaves.length);
  if (m < k) return [...inclusionPathOf(m, leaves.slice(0, k)), treeHashOf(leaves.slice(k))];
  return [...inclusionPathOf(m - k, leaves.slice(k)), treeHashOf(leaves.slice(0, k))];
}

function subproofOf(m: number, leaves: Buffer[], complete: boolean): Buffer[] {
  if (m === leaves.length) return complete ? [] : [treeHashOf(leaves)];
  const k = splitPoint(leaves.length);
  if (m <= k) return [...subproofOf(m, leaves.slice(0, k), complete), treeHashOf(leaves.slice(k))];
  return [...subproofOf(m - k, leaves.slice(k), false), treeHashOf(leaves.slice(0, k))];
}

/** PROOF(m, D[n]) for 0 < m <= n. */
export function consistencyProofOf(m: number, leaves: Buffer[]): Buffer[] {
  return subproofOf(m, leaves, true);
}
