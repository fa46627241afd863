/** Small formatting helpers shared by the views: figures and times as a reviewer reads them. */

export function formatPercent(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

/** "2026-12-01 14:03 UTC": ISO UTC text as stored, shortened; reviewers in several zones read UTC. */
export function formatUtc(iso: string | null | undefined): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function formatDay(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** Words for stored codes: `licence_breach` → "licence breach". */
export function humanize(code: string): string {
  return code.replace(/_/g, ' ');
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}
