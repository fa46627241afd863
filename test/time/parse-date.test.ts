import { describe, expect, it } from 'vitest';
import {
  formatAsWritten,
  formatUtcIso,
  millisOfIso,
  millisOfStoredUtc,
  parseAnyDate,
  parseFreeTextDate,
  parseHttpDate,
  parseIsoDate,
  parseRfc2822Date,
  type DateReading,
} from '../../src/time/parse-date.ts';

const utc = (r: DateReading) => (r.ok ? formatUtcIso(r.date) : `refused:${r.reason}`);
const written = (r: DateReading) => (r.ok ? formatAsWritten(r.date) : `refused:${r.reason}`);
const CET = { zonelessOffsetMinutes: 60 };

describe('parseIsoDate', () => {
  it('reads zone-less values as UTC by default, or in the given offset', () => {
    expect(utc(parseIsoDate('2016-02-12'))).toBe('2016-02-12T00:00:00.000Z');
    expect(utc(parseIsoDate('2016-02-12T10:30'))).toBe('2016-02-12T10:30:00.000Z');
    expect(utc(parseIsoDate('2016-02-12 10:30'))).toBe('2016-02-12T10:30:00.000Z');
    expect(utc(parseIsoDate('2016-02-12T10:30', CET))).toBe('2016-02-12T09:30:00.000Z');
  });

  it('keeps the offset the text names', () => {
    expect(utc(parseIsoDate('2016-02-12T10:30:00+01:00'))).toBe('2016-02-12T09:30:00.000Z');
    expect(written(parseIsoDate('2016-02-12T10:30:00.5+0200', CET))).toBe('2016-02-12T10:30:00.500+02:00');
    expect(written(parseIsoDate('2016-02-12T10:30:00Z', CET))).toBe('2016-02-12T10:30:00Z');
    expect(written(parseIsoDate('2016-02-12'))).toBe('2016-02-12');
  });

  it('refuses impossible dates and times with the field that does not exist', () => {
    const feb30 = parseIsoDate('2024-02-30');
    expect(feb30).toEqual({ ok: false, reason: 'impossible', message: '"2024-02-30" is not a real date or time: February 2024 has no day 30' });
    expect(parseIsoDate('2023-02-29')).toMatchObject({ reason: 'impossible', message: expect.stringContaining('February 2023 has no day 29') });
    expect(utc(parseIsoDate('2024-02-29'))).toBe('2024-02-29T00:00:00.000Z');
    expect(parseIsoDate('2016-13-01')).toMatchObject({ reason: 'impossible', message: expect.stringContaining('month 13 does not exist') });
    expect(parseIsoDate('2016-02-12T25:00Z')).toMatchObject({ reason: 'impossible', message: expect.stringContaining('hour 25 does not exist') });
    expect(parseIsoDate('yesterday')).toMatchObject({ ok: false, reason: 'unreadable' });
  });
});

describe('parseRfc2822Date', () => {
  it('reads feed dates with a zone, an offset, or (as UTC / the given offset) none', () => {
    expect(utc(parseRfc2822Date('Tue, 10 Jun 2025 04:00:00 GMT'))).toBe('2025-06-10T04:00:00.000Z');
    expect(utc(parseRfc2822Date('Wed, 11 Jun 2025 09:30:00 +0200'))).toBe('2025-06-11T07:30:00.000Z');
    expect(utc(parseRfc2822Date('Wed, 11 Jun 2025 09:30:00 +02:00'))).toBe('2025-06-11T07:30:00.000Z');
    expect(utc(parseRfc2822Date('Tue, 10 Jun 2025 04:00 EST'))).toBe('2025-06-10T09:00:00.000Z');
    expect(utc(parseRfc2822Date('Tue, 10 Jun 2025 04:00:00 UTC'))).toBe('2025-06-10T04:00:00.000Z');
    expect(utc(parseRfc2822Date('Tue, 10 Jun 2025 04:00:00'))).toBe('2025-06-10T04:00:00.000Z');
    expect(utc(parseRfc2822Date('Tue, 10 Jun 2025 04:00:00', CET))).toBe('2025-06-10T03:00:00.000Z');
    expect(utc(parseRfc2822Date('10 Jun 25 04:00:00 GMT'))).toBe('2025-06-10T04:00:00.000Z');
  });

  it('ignores a wrong weekday name but refuses a day the month does not have', () => {
    expect(utc(parseRfc2822Date('Mon, 10 Jun 2025 04:00:00 GMT'))).toBe('2025-06-10T04:00:00.000Z');
    expect(parseRfc2822Date('Fri, 30 Feb 2016 14:30:00 GMT')).toMatchObject({ reason: 'impossible', message: expect.stringContaining('February 2016 has no day 30') });
    expect(parseRfc2822Date('not a date')).toMatchObject({ reason: 'unreadable' });
  });
});

describe('parseHttpDate', () => {
  it('reads the three HTTP-date forms as UTC', () => {
    expect(utc(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'))).toBe('1994-11-06T08:49:37.000Z');
    expect(utc(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'))).toBe('1994-11-06T08:49:37.000Z');
    expect(utc(parseHttpDate('Sun Nov  6 08:49:37 1994'))).toBe('1994-11-06T08:49:37.000Z');
  });

  it('refuses numbers, words and zone-less RFC 2822 text', () => {
    expect(parseHttpDate('-5').ok).toBe(false);
    expect(parseHttpDate('soon').ok).toBe(false);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37').ok).toBe(false);
  });
});

describe('parseFreeTextDate', () => {
  it('reads English spellings as calendar days, never shifted by a zone', () => {
    expect(written(parseFreeTextDate('February 12, 2016'))).toBe('2016-02-12');
    expect(written(parseFreeTextDate('February 12, 2016', CET))).toBe('2016-02-12');
    expect(written(parseFreeTextDate('12 February 2016'))).toBe('2016-02-12');
    expect(written(parseFreeTextDate('Friday, Feb. 12th, 2016'))).toBe('2016-02-12');
    expect(written(parseFreeTextDate('12 Sept 2016'))).toBe('2016-09-12');
  });

  it('reads times, 12-hour clocks and zones', () => {
    expect(written(parseFreeTextDate('February 12, 2016 10:30 AM EST'))).toBe('2016-02-12T10:30:00-05:00');
    expect(written(parseFreeTextDate('February 12, 2016 12:05 am'))).toBe('2016-02-12T00:05:00');
    expect(written(parseFreeTextDate('12 Feb 2016 at 2:30 p.m. GMT+1'))).toBe('2016-02-12T14:30:00+01:00');
    expect(utc(parseFreeTextDate('12 February 2016, 14:30', CET))).toBe('2016-02-12T13:30:00.000Z');
  });

  it('refuses impossible dates and text it cannot read', () => {
    expect(parseFreeTextDate('February 30, 2016')).toMatchObject({ reason: 'impossible', message: expect.stringContaining('February 2016 has no day 30') });
    expect(parseFreeTextDate('Feb 1, 2016 13:00 PM')).toMatchObject({ reason: 'impossible' });
    expect(parseFreeTextDate('Feb 1, 2016 10:30 CEST')).toMatchObject({ reason: 'unreadable' });
    expect(parseFreeTextDate('March 2016')).toMatchObject({ reason: 'unreadable' });
    expect(parseFreeTextDate('12 Ma 2016')).toMatchObject({ reason: 'unreadable' });
  });
});

describe('parseAnyDate', () => {
  it('tries ISO, RFC 2822, then free text; an impossible date stops the search', () => {
    expect(utc(parseAnyDate('2025-06-10T06:00:00+02:00'))).toBe('2025-06-10T04:00:00.000Z');
    expect(utc(parseAnyDate('Tue, 10 Jun 2025 04:00:00 GMT'))).toBe('2025-06-10T04:00:00.000Z');
    expect(utc(parseAnyDate('10 June 2025'))).toBe('2025-06-10T00:00:00.000Z');
    expect(parseAnyDate('2025-02-30')).toMatchObject({ reason: 'impossible' });
    expect(parseAnyDate('yesterday')).toMatchObject({ reason: 'unreadable' });
  });
});

describe('millisOfStoredUtc (the fast path for our own timestamps)', () => {
  it('agrees with the general parser on stored timestamps, with or without milliseconds', () => {
    for (const text of ['2016-02-12T09:30:00.000Z', '2024-02-29T23:59:59.999Z', '1999-12-31T00:00:00Z', '2026-12-01T08:48:16.123Z']) {
      const general = parseIsoDate(text);
      expect(general.ok).toBe(true);
      expect(millisOfStoredUtc(text), text).toBe(general.ok ? general.date.dateTime.toMillis() : NaN);
      expect(millisOfIso(text), text).toBe(millisOfStoredUtc(text));
    }
  });

  it('leaves any other form, and impossible days and times, to the general parser', () => {
    for (const text of ['2016-02-12', '2016-02-12T09:30:00+01:00', '2016-02-12T09:30:00', ' 2016-02-12T09:30:00Z', '2023-02-29T00:00:00Z', '2016-04-31T00:00:00.000Z', '2016-13-01T00:00:00Z', '2016-02-12T24:00:00Z', '2016-02-12T09:60:00Z']) {
      expect(millisOfStoredUtc(text), text).toBeNull();
    }
    // Still read (and refused) by the general parser, as before.
    expect(millisOfIso('2016-02-12T09:30:00+01:00')).toBe(Date.UTC(2016, 1, 12, 8, 30));
    expect(millisOfIso('2023-02-29T00:00:00Z')).toBeNull();
  });
});
