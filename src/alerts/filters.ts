/** Which reports an alert (a webhook target or a user's digest) is about. */
export interface AlertFilter {
  /** Report decisions to alert on (e.g. unlicensed, licence_breach). */
  decisions: readonly string[];
  /** Smallest share of the article copied (0..1). */
  minCoverage: number;
}

export function matchesAlertFilter(report: { decision: string; coverage: number }, filter: AlertFilter): boolean {
  return filter.decisions.includes(report.decision) && report.coverage >= filter.minCoverage;
}

/** Splits a list into consecutive chunks of at most `size` items. */
export function chunkList<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a whole number ≥ 1, not ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
