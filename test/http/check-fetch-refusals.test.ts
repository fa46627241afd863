import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FETCH_FAILURE_REASONS } from '../../src/errors.ts';
import { statusOfFetchFailure } from '../../src/http/api-check.ts';
import { requestJson, startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/**
 * POST /api/check answers a page it could not fetch by whose fault it is: the caller's (a blocked
 * address, 400), the server's configuration (no COPYHOUND_FETCH_CONTACT_URL, 503: nothing is wrong
 * upstream), or the way to the page (502).
 */

// A public address literal: refused for want of a contact URL before any connection or DNS lookup.
const PUBLIC_PAGE = 'http://93.184.215.14/news/1';

const tempDir = useTempDir();
let running: Awaited<ReturnType<typeof startAppServer>>;

beforeAll(async () => {
  // No contact URL and nothing allow-listed: the public web may not be fetched, loopback is blocked.
  running = await startAppServer(tempDir(), { fetch: { contactUrl: '', allow: [] } });
});

afterAll(async () => {
  await running?.stop();
});

describe('POST /api/check fetch refusals', () => {
  it('contact_url_unset is 503 (the server is not configured to crawl), not 502', async () => {
    const answer = await requestJson(`${running.server.url}/api/check`, { body: { url: PUBLIC_PAGE } });
    expect(answer).toMatchObject({ status: 503, body: { error: { code: 'fetch_contact_url_unset', details: { reason: 'contact_url_unset', url: PUBLIC_PAGE } } } });
    expect(answer.body.error.message).toContain('COPYHOUND_FETCH_CONTACT_URL');
  });

  it('a blocked address is still 400', async () => {
    const answer = await requestJson(`${running.server.url}/api/check`, { body: { url: 'http://127.0.0.1:9/page' } });
    expect(answer).toMatchObject({ status: 400, body: { error: { details: { reason: 'blocked_address' } } } });
  });

  it('every other reason is 502', () => {
    const others = FETCH_FAILURE_REASONS.filter((r) => r !== 'blocked_address' && r !== 'contact_url_unset');
    expect(others.length).toBeGreaterThan(5);
    for (const reason of others) expect(statusOfFetchFailure(reason), reason).toBe(502);
  });
});
