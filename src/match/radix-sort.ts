// 11-bit digits: three passes sort a 32-bit key, and a 2,048-entry count table stays in L1.
const DIGIT_BITS = 11;

/**
 * Stable LSD radix sort of the first n (key, value) pairs by the low `keyBits` bits of the key,
 * ping-ponging between the given arrays and their scratch twins (each at least n long; nothing is
 * allocated but the count table, since a bulk load sorts hundreds of times). Returns the pair of
 * arrays that holds the result: the inputs or the scratch ones.
 */
export function radixSortPairs<A extends Uint32Array>(keys: A, values: A, scratchKeys: A, scratchValues: A, n: number, keyBits = 32): { keys: A; values: A } {
  let k = keys;
  let v = values;
  let k2 = scratchKeys;
  let v2 = scratchValues;
  const counts = new Uint32Array(1 << DIGIT_BITS);
  for (let shift = 0; shift < keyBits; shift += DIGIT_BITS) {
    const mask = (1 << Math.min(DIGIT_BITS, keyBits - shift)) - 1;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(k[i] >>> shift) & mask]++;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(k[i] >>> shift) & mask]++;
      k2[at] = k[i];
      v2[at] = v[i];
    }
    [k, k2] = [k2, k];
    [v, v2] = [v2, v];
  }
  return { keys: k, values: v };
}
