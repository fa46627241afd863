/** The value at share `p` (0..1) of an ascending list: nearest rank, as the benches report it. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
