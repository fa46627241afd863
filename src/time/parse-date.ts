/**
 * Date parsing with an explicit zone rule, independent of the server's time zone.
 *
 * `Date.parse` reads zone-less text in the process's local zone ("February 12, 2016" becomes
 * 2016-02-11T23:00Z under TZ=Europe/Berlin) and rolls impossible dates over (2024-02-30 becomes
 * 1 March). Every parser here instead takes a zone rule for text that names no zone (UTC unless
 * told otherwise, e.g. a page's own offset), builds the value with luxon in that fixed zone, and
 * refuses dates and times that do not exist. Nothing here reads or depends on process TZ.
 */
import { DateTime, FixedOffsetZone } from 'luxon';

/** What to assume when the text names no zone or offset. */
export interface ZoneRule {
  /** Offset from UTC in minutes for zone-less text; 0 (UTC) when not given. */
  zonelessOffsetMinutes?: number;
}

export interface ParsedDate {
  /** The value, in the text's own offset when it named one, else in the rule's offset. */
  dateTime: DateTime;
  /** False when the text named only a calendar day. */
  hasTime: boolean;
  /** False when the text named no zone, so the zone rule decided the instant. */
  hasZone: boolean;
}

export type DateRefusalReason = 'unreadable' | 'impossible';

export type DateReading = { ok: true; date: ParsedDate } | { ok: false; reason: DateRefusalReason; message: string };

interface Parts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
// A month abbreviation shorter than this ("ma", "ju") names no month unambiguously.
const MIN_MONTH_ABBREVIATION = 3;
// RFC 822 §5.1 names these zones; their meaning there is fixed (US zones), so they are safe to read.
const NAMED_ZONE_OFFSETS: Record<string, number> = {
  z: 0, ut: 0, utc: 0, gmt: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
};
const WEEKDAY_PREFIX = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*/i;
const ZONE = String.raw`(z|utc|ut|gmt|est|edt|cst|cdt|mst|mdt|pst|pdt|(?:(?:utc|gmt)\s*)?[+-]\d{1,2}(?::?\d{2})?)`;
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([ap]\.?m\.?)?`;
const TAIL = new RegExp(String.raw`^(?:\s*(?:,|at|T|-|\|)?\s*${TIME}(?:\s*${ZONE})?)?\s*$`, 'i');
const DAY_MONTH_YEAR = /^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([a-z]+)\.?,?\s+(\d{4})\b/i;
const MONTH_DAY_YEAR = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/i;
const ISO_PARTS = /^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2})(?::?(\d{2}))?)?/;
const RFC2822_PARTS = /^(\d{1,2}) ([a-z]{3}) (\d{2,4}) (\d{2}):(\d{2})(?::(\d{2}))?/i;
// RFC 2822 §4.3: a two-digit year below this is 20xx, otherwise 19xx.
const TWO_DIGIT_YEAR_PIVOT = 50;

function zoneOf(rule: ZoneRule | undefined): FixedOffsetZone {
  return FixedOffsetZone.instance(rule?.zonelessOffsetMinutes ?? 0);
}

function unreadable(text: string, kind: string): DateReading {
  return { ok: false, reason: 'unreadable', message: `"${text}" is not a readable ${kind}` };
}

/** Says which field of a date that luxon refused does not exist, in words a user can act on. */
function impossible(text: string, parts: Parts | undefined, fallback: string | null): DateReading {
  let why = fallback ?? 'no such date or time';
  if (parts) {
    const { year, month, day, hour = 0, minute = 0, second = 0 } = parts;
    if (month < 1 || month > 12) why = `month ${month} does not exist`;
    else if (day < 1 || day > (DateTime.utc(year, month).daysInMonth ?? 31)) {
      why = `${MONTH_NAMES[month - 1][0].toUpperCase()}${MONTH_NAMES[month - 1].slice(1)} ${year} has no day ${day}`;
    } else if (hour > 24 || (hour === 24 && (minute > 0 || second > 0))) why = `hour ${hour} does not exist`;
    else if (minute > 59) why = `minute ${minute} does not exist`;
    else if (second > 59) why = `second ${second} does not exist`;
  }
  return { ok: false, reason: 'impossible', message: `"${text}" is not a real date or time: ${why}` };
}

function accept(dateTime: DateTime, hasTime: boolean, hasZone: boolean): DateReading {
  return { ok: true, date: { dateTime, hasTime, hasZone } };
}

/** "+0200", "-5", "+05:30", "GMT+1", "EST" → minutes east of UTC; undefined when not a zone. */
function offsetMinutesOf(zone: string): number | undefined {
  const z = zone.trim().toLowerCase();
  if (z in NAMED_ZONE_OFFSETS) return NAMED_ZONE_OFFSETS[z];
  const m = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (!m || Number(m[2]) > 23 || Number(m[3] ?? 0) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function monthNumber(name: string): number | undefined {
  const n = name.toLowerCase();
  if (n.length < MIN_MONTH_ABBREVIATION) return undefined;
  const index = MONTH_NAMES.findIndex((full) => full.startsWith(n));
  return index === -1 ? undefined : index + 1;
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/**
 * ISO 8601 / W3C datetime ("2016-02-12", "2016-02-12T10:30:00+01:00", "20160212T1030",
 * "2016-02-12 10:30" too). Zone-less values are read in the rule's offset.
 */
export function parseIsoDate(text: string, rule?: ZoneRule): DateReading {
  const value = text.trim().replace(/^(\d{4}-\d{2}-\d{2}) +(?=\d)/, '$1T');
  if (!/^[+-]?\d{4}/.test(value)) return unreadable(text, 'ISO 8601 date');
  const dateTime = DateTime.fromISO(value, { zone: zoneOf(rule), setZone: true });
  const timePart = value.includes('T') ? value.slice(value.indexOf('T')) : '';
  if (dateTime.isValid) return accept(dateTime, timePart !== '', /(?:z|[+-]\d{2}(?::?\d{2})?)$/i.test(timePart));
  if (dateTime.invalidReason !== 'unit out of range') return unreadable(text, 'ISO 8601 date');
  const m = ISO_PARTS.exec(value);
  const parts = m ? { year: +m[1], month: +m[2], day: +m[3], hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) } : undefined;
  return impossible(text, parts, dateTime.invalidExplanation);
}

/**
 * RFC 822/2822 dates as feeds write them ("Tue, 10 Jun 2025 04:00:00 GMT"), leniently: the
 * weekday name is ignored (feeds often get it wrong; the numbers decide), "UTC" and "+02:00"
 * are accepted, and a missing zone means the rule's offset. Full month names, single-digit hours
 * and other spellings go through parseFreeTextDate.
 */
export function parseRfc2822Date(text: string, rule?: ZoneRule): DateReading {
  let value = text.trim().replace(/\s+/g, ' ').replace(WEEKDAY_PREFIX, '');
  value = value.replace(/ (?:utc|ut)$/i, ' GMT').replace(/ ([+-]\d{2}):(\d{2})$/, ' $1$2');
  const hasZone = / (?:[a-z]{1,3}|[+-]\d{4})$/i.test(value);
  if (!hasZone) value = `${value} ${formatOffset(rule?.zonelessOffsetMinutes ?? 0)}`;
  const dateTime = DateTime.fromRFC2822(value, { setZone: true });
  if (dateTime.isValid) return accept(dateTime, true, hasZone);
  if (dateTime.invalidReason !== 'unit out of range') return unreadable(text, 'RFC 2822 date');
  const m = RFC2822_PARTS.exec(value);
  const month = m ? monthNumber(m[2]) : undefined;
  const year = m ? (m[3].length === 2 ? +m[3] + (+m[3] < TWO_DIGIT_YEAR_PIVOT ? 2000 : 1900) : +m[3]) : 0;
  const parts = m && month ? { year, month, day: +m[1], hour: +m[4], minute: +m[5], second: +(m[6] ?? 0) } : undefined;
  return impossible(text, parts, dateTime.invalidExplanation);
}

/**
 * HTTP-date (RFC 9110 §5.6.7: IMF-fixdate, RFC 850 or asctime; always UTC). Dates in RFC 2822
 * form with another offset are read too, since servers do send them.
 */
export function parseHttpDate(text: string): DateReading {
  const dateTime = DateTime.fromHTTP(text.trim(), { zone: 'utc', setZone: true });
  if (dateTime.isValid) return accept(dateTime, true, true);
  const lenient = parseRfc2822Date(text);
  return lenient.ok && lenient.date.hasZone ? lenient : unreadable(text, 'HTTP date');
}

/**
 * English free-text dates: "February 12, 2016", "12 February 2016", "Feb. 12th, 2016 10:30 AM
 * EST", "Friday, 12 Feb 2016 at 14:30 +01:00". Zone-less values are read in the rule's offset.
 */
export function parseFreeTextDate(text: string, rule?: ZoneRule): DateReading {
  const value = text.trim().replace(/\s+/g, ' ').replace(/\.$/, '').replace(WEEKDAY_PREFIX, '');
  let parts: Parts | undefined;
  let rest = '';
  const dmy = DAY_MONTH_YEAR.exec(value);
  const mdy = dmy ? null : MONTH_DAY_YEAR.exec(value);
  if (dmy) {
    const month = monthNumber(dmy[2]);
    if (month !== undefined) parts = { year: +dmy[3], month, day: +dmy[1] };
    rest = value.slice(dmy[0].length);
  } else if (mdy) {
    const month = monthNumber(mdy[1]);
    if (month !== undefined) parts = { year: +mdy[3], month, day: +mdy[2] };
    rest = value.slice(mdy[0].length);
  }
  const tail = parts ? TAIL.exec(rest) : null;
  if (!parts || !tail) return unreadable(text, 'date');
  const [, h, mi, s, frac, meridiem, zone] = tail;
  const hasTime = h !== undefined;
  if (hasTime) {
    let hour = +h;
    if (meridiem) {
      if (hour < 1 || hour > 12) return impossible(text, undefined, `hour ${hour} does not exist on a 12-hour clock`);
      hour = (hour % 12) + (/^p/i.test(meridiem) ? 12 : 0);
    }
    Object.assign(parts, { hour, minute: +mi, second: +(s ?? 0), millisecond: frac ? +frac.slice(0, 3).padEnd(3, '0') : 0 });
  }
  const offset = zone === undefined ? rule?.zonelessOffsetMinutes ?? 0 : offsetMinutesOf(zone);
  if (offset === undefined) return unreadable(text, 'date');
  const dateTime = DateTime.fromObject(parts, { zone: FixedOffsetZone.instance(offset) });
  if (!dateTime.isValid) return impossible(text, parts, dateTime.invalidExplanation);
  return accept(dateTime, hasTime, zone !== undefined);
}

/**
 * Any machine or human spelling we read: ISO 8601, then RFC 2822, then English free text. The
 * first reading that recognises the text decides; an impossible date is refused, not retried.
 */
export function parseAnyDate(text: string, rule?: ZoneRule): DateReading {
  let last: DateReading | undefined;
  for (const parse of [parseIsoDate, parseRfc2822Date, parseFreeTextDate]) {
    last = parse(text, rule);
    if (last.ok || last.reason === 'impossible') return last;
  }
  return unreadable(text, 'date');
}

// The form our own timestamps are stored in (toISOString's): "2016-02-12T09:30:00.000Z".
const STORED_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{3}))?Z$/;

/**
 * Milliseconds of a timestamp in the stored form (see STORED_UTC), or null for any other text
 * (which the general parser then reads). A re-decision reads 10,000 such timestamps, and the
 * general parser costs ~15 µs each where this costs well under one.
 */
export function millisOfStoredUtc(text: string): number | null {
  const m = STORED_UTC.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second, ms] = [+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], +(m[7] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const millis = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 April into 1 May: such a day is not this form's to read.
  return new Date(millis).getUTCDate() === day && year >= 1000 ? millis : null;
}

/**
 * Milliseconds since the epoch of an ISO 8601 value (zone-less: the rule's offset, UTC unless
 * told), or null when it is not a date: how stored timestamps are compared and subtracted.
 */
export function millisOfIso(text: string, rule?: ZoneRule): number | null {
  const stored = millisOfStoredUtc(text);
  if (stored !== null) return stored;
  const reading = parseIsoDate(text, rule);
  return reading.ok ? reading.date.dateTime.toMillis() : null;
}

/** "2016-02-12T09:30:00.000Z": the instant in UTC, the form stored timestamps use. */
export function formatUtcIso(date: ParsedDate): string {
  return date.dateTime.toUTC().toISO()!;
}

/**
 * ISO 8601 as the text gave it: a calendar day stays a day, a zone-less time stays zone-less,
 * an offset stays that offset (UTC as "Z"). Milliseconds only when present.
 */
export function formatAsWritten(date: ParsedDate): string {
  const dt = date.dateTime;
  if (!date.hasTime) return dt.toISODate()!;
  return dt.toISO({ suppressMilliseconds: true, includeOffset: date.hasZone })!;
}
