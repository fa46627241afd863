/** Normalises the date spellings pages use in metadata to ISO 8601 strings. */
import { formatAsWritten, parseFreeTextDate, parseIsoDate, parseRfc2822Date } from '../time/parse-date.ts';

const ISO_LIKE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$/;
const DOTTED = /^(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?/;
const SLASHED_YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
/** Years outside this range in metadata are typos or placeholders ("0000-00-00"). */
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

const pad = (n: number | string, width = 2) => String(n).padStart(width, '0');

function plausibleYear(y: number): boolean {
  return y >= MIN_YEAR && y <= MAX_YEAR;
}

function formatZone(zone: string | undefined): string {
  if (!zone) return '';
  if (/^(z|utc|gmt)$/i.test(zone)) return 'Z';
  const digits = zone.replace(':', '');
  const hh = digits.slice(1, 3);
  const mm = digits.length > 3 ? digits.slice(3, 5) : '00';
  return `${digits[0]}${hh}:${mm}`;
}

/** The canonical ISO spelling of the parts, or null when that day or time does not exist (30 February, 25:00). */
function build(y: string, mo: string, d: string, h?: string, mi?: string, s?: string, frac?: string, zone?: string): string | null {
  if (!plausibleYear(Number(y))) return null;
  const date = `${y}-${pad(mo)}-${pad(d)}`;
  const fraction = frac ? `.${frac.slice(0, 3).padEnd(3, '0')}` : '';
  const iso = h === undefined || mi === undefined ? date : `${date}T${pad(h)}:${mi}:${pad(s ?? '00')}${fraction}${formatZone(zone)}`;
  return parseIsoDate(iso).ok ? iso : null;
}

/**
 * ISO 8601 for a metadata date: keeps the page's own time zone (or none, when the page gives
 * none) rather than converting to UTC, so legal reports show what the page said. A date-only
 * value stays a date. Null if unreadable or impossible (30 February, 25:00). Never depends on
 * the server's time zone.
 */
export function normalizeDate(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const value = raw.trim();
  if (!value) return null;
  let m = ISO_LIKE.exec(value);
  if (m) return build(m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
  m = COMPACT.exec(value);
  if (m) return build(m[1], m[2], m[3], m[4], m[5], m[6]);
  m = DOTTED.exec(value);
  if (m) return build(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = SLASHED_YMD.exec(value);
  if (m) return build(m[1], m[2], m[3], m[4], m[5], m[6]);
  // RFC 2822 and English month names ("Fri, 12 Feb 2016 10:30:00 GMT", "February 12, 2016"):
  // read as written, never through the server's zone; a zone-less time stays zone-less.
  let reading = parseRfc2822Date(value);
  if (!reading.ok && reading.reason === 'unreadable') reading = parseFreeTextDate(value);
  if (!reading.ok || !plausibleYear(reading.date.dateTime.year)) return null;
  return formatAsWritten(reading.date);
}
