/**
 * A compact set of file paths: one 53-bit hash (8 bytes) per path instead of the string (~100
 * bytes with overhead), so a sweep over millions of captures stays a few MB. A collision makes an
 * unreferenced file look referenced: it is then kept, never wrongly removed.
 */

// Grows by doubling from here: a small store never allocates much.
const INITIAL_CAPACITY = 1024;

/** cyrb53: a fast, well-mixed 53-bit string hash (fits a double exactly). */
export function hashPath(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export class PathHashes {
  private values = new Float64Array(INITIAL_CAPACITY);
  private size = 0;
  private sorted = false;

  add(path: string): void {
    if (this.sorted) throw new Error('PathHashes: add after seal');
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = hashPath(path);
  }

  /** Hashes in the order added (before seal), with their index. */
  forEach(visit: (hash: number, index: number) => void): void {
    for (let i = 0; i < this.size; i++) visit(this.values[i], i);
  }

  /** Sorts for lookups; nothing can be added afterwards. */
  seal(): void {
    this.values = this.values.slice(0, this.size).sort();
    this.sorted = true;
  }

  has(path: string): boolean {
    return this.hasHash(hashPath(path));
  }

  hasHash(hash: number): boolean {
    if (!this.sorted) throw new Error('PathHashes: lookup before seal');
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.values[mid];
      if (value === hash) return true;
      if (value < hash) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
