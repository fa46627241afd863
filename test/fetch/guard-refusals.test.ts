import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.ts';
import { fetchPage } from '../../src/fetch/index.ts';
import { fakeResolver, SERVER_HOST, startServer, testFetchConfig, type TestServer } from './helpers.ts';

// Public addresses (documentation ranges are not unicast, so these are real-looking public ones);
// every test here is refused before any connection, so nothing leaves the machine.
const PUBLIC_IP = '93.184.215.14';

async function failureOf(promise: Promise<unknown>): Promise<FetchError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(FetchError);
  return outcome as FetchError;
}

describe('refusals of the fetch guard say what to set', () => {
  let server: TestServer;
  let hits = 0;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hello</p>');
    });
  });
  afterAll(() => server.close());

  it('a loopback address not allow-listed is blocked_address, and the message names COPYHOUND_FETCH_ALLOW', async () => {
    const before = hits;
    const literal = await failureOf(fetchPage(server.url('/'), { config: testFetchConfig({ allow: [] }) }));
    expect(literal.reason).toBe('blocked_address');
    expect(literal.message).toMatch(/COPYHOUND_FETCH_ALLOW/);
    const named = await failureOf(
      fetchPage(`http://wire.test:${server.port}/`, { config: testFetchConfig({ allow: [] }), resolve: fakeResolver({ 'wire.test': [SERVER_HOST] }) }),
    );
    expect(named.reason).toBe('blocked_address');
    expect(named.message).toMatch(/wire\.test resolves to it.*COPYHOUND_FETCH_ALLOW/);
    expect(hits).toBe(before);
  });

  it('without COPYHOUND_FETCH_CONTACT_URL the public web is refused as contact_url_unset; allow-listed addresses still work', async () => {
    const anonymous = testFetchConfig({ contactUrl: '' });
    const literal = await failureOf(fetchPage(`http://${PUBLIC_IP}/news`, { config: anonymous }));
    expect(literal).toMatchObject({ reason: 'contact_url_unset', retryable: false });
    expect(literal.message).toMatch(/COPYHOUND_FETCH_CONTACT_URL is not set/);
    const named = await failureOf(fetchPage('http://news.example/a', { config: anonymous, resolve: fakeResolver({ 'news.example': [PUBLIC_IP] }) }));
    expect(named.reason).toBe('contact_url_unset');
    expect(named.message).toMatch(/news\.example resolves to it/);

    // The test server is allow-listed: fetched without a contact URL, the User-Agent the bare token.
    const page = await fetchPage(server.url('/'), { config: anonymous });
    expect(page.status).toBe(200);
  });

  it('with a contact URL set, a public address passes the guard (it fails later, at DNS here, never as a refusal)', async () => {
    const identified = testFetchConfig({ contactUrl: 'https://publisher.example/bot' });
    const failure = await failureOf(fetchPage('http://news.example/a', { config: identified, resolve: fakeResolver({}) }));
    expect(failure.reason).toBe('dns');
  });
});
