import { describe, expect, it } from 'vitest';
import { parseRetryAfter as schedulerRetryAfter } from '../../crawlers/host-scheduler.ts';
import { parseRetryAfter as fetchRetryAfter } from '../../src/fetch/index.ts';

const NOW = Date.UTC(1994, 10, 6, 8, 49, 0); // Sun, 06 Nov 1994 08:49:00 GMT

describe.each([
  ['host scheduler', schedulerRetryAfter],
  ['fetchPage', fetchRetryAfter],
])('Retry-After HTTP-date (%s)', (_name, parseRetryAfter) => {
  it('reads IMF-fixdate, RFC 850 and asctime forms as GMT', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(37_000);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(37_000);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', NOW)).toBe(37_000);
  });

  it('reads an offset some servers send, and a past date as 0', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 09:50:00 +0100', NOW)).toBe(60_000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:00:00 GMT', NOW)).toBe(0);
  });

  it('refuses a date without zone rather than reading it in the server zone, and impossible dates', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37', NOW)).toBeUndefined();
    expect(parseRetryAfter('Thu, 31 Nov 1994 08:49:37 GMT', NOW)).toBeUndefined();
    expect(parseRetryAfter('-5', NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
  });
});
