import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PROBE = fileURLToPath(new URL('./date-zone-probe.ts', import.meta.url));

/** Runs every date reader in a child process whose TZ is set; this process's own zone is left alone. */
async function probe(tz: string) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', PROBE], { env: { ...process.env, TZ: tz } });
  return JSON.parse(stdout) as Record<string, unknown> & { offsetMinutes: number };
}

// What every reader must give in any zone: zone-less text is UTC (or kept zone-less for page
// metadata), offsets are honoured, and 2024-02-30 is refused by the article's publishedAt field.
const EXPECTED = {
  page: ['2016-02-12', '2016-02-12', '2016-02-12', '2016-02-12T00:30:00Z', '2016-02-12T00:30:00', '2016-02-12T00:30:00'],
  article: ['2016-02-12T00:00:00.000Z', '2016-02-12T00:30:00.000Z', '2016-02-11T15:30:00.000Z', 'publishedAt'],
  feed: ['2016-02-12T00:30:00.000Z', '2016-02-11T23:30:00.000Z', '2016-02-12T00:00:00.000Z'],
  sitemap: ['2016-02-12T00:00:00.000Z', '2016-02-12T00:30:00.000Z', '2016-02-11T15:30:00.000Z'],
  retryAfter: [60_000, 60_000, 60_000, 60_000],
};

describe('dates do not depend on the server time zone', () => {
  it.each([
    ['Asia/Tokyo', -540],
    ['America/Los_Angeles', 480],
    ['Europe/Berlin', -60],
  ])('under TZ=%s every reader gives the same dates', async (tz, offsetMinutes) => {
    const { offsetMinutes: actualOffset, ...result } = await probe(tz);
    expect(actualOffset).toBe(offsetMinutes); // the child really ran in that zone
    expect(result).toEqual(EXPECTED);
  });
});
