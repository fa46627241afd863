import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/errors.ts';
import { assertUrlAllowed, fetchPage, forbiddenRange, parseAllowList } from '../../src/fetch/index.ts';
import { fakeResolver, SERVER_HOST, startServer, startTcpServer, testFetchConfig, type TestServer } from './helpers.ts';

/**
 * The sentinels listen where a broken guard would land: 127.0.0.1 and ::1 on the same port. The
 * allowed test server lives on 127.0.0.2 (Linux routes all of 127/8 to lo), and the allow-list
 * opens only that address, so any connection a sentinel counts is an SSRF hole.
 */
describe('SSRF guard', () => {
  let sentinel4: Awaited<ReturnType<typeof startTcpServer>>;
  let sentinel6: Awaited<ReturnType<typeof startTcpServer>>;
  let server: TestServer;
  let serverHits = 0;
  let P: number;
  const config = testFetchConfig({ totalTimeoutMs: 5000 });
  const resolve = fakeResolver({
    'internal.test': ['127.0.0.1'],
    'mixed.test': [SERVER_HOST, '127.0.0.1'],
    'v6loop.test': ['::1'],
    'mapped.test': ['::ffff:127.0.0.1'],
    'zero.test': ['0.0.0.0'],
    'intranet.test': [SERVER_HOST],
  });

  beforeAll(async () => {
    sentinel4 = await startTcpServer((socket) => socket.destroy(), '127.0.0.1');
    P = sentinel4.port;
    sentinel6 = await startTcpServer((socket) => socket.destroy(), '::1', P);
    server = await startServer((req, res) => {
      serverHits++;
      const target = new URL(req.url!, 'http://x').searchParams.get('to');
      if (req.url!.startsWith('/go') && target) {
        res.writeHead(302, { location: target.replaceAll('{P}', String(P)) });
        res.end();
      } else if (req.url!.startsWith('/twice')) {
        res.writeHead(302, { location: `/go?to=${encodeURIComponent('http://0x7f000001:{P}/')}` });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      }
    });
  });

  afterAll(async () => {
    await Promise.all([sentinel4.close(), sentinel6.close(), server.close()]);
  });

  const direct = [
    'http://127.0.0.1:{P}/',
    'http://127.1:{P}/',
    'http://127.0.1:{P}/',
    'http://2130706433:{P}/',
    'http://0x7f000001:{P}/',
    'http://0x7f.0.0.1:{P}/',
    'http://0177.0.0.1:{P}/',
    'http://017700000001:{P}/',
    'http://127.0.0.1.:{P}/',
    'http://127.255.255.254:{P}/',
    'http://0.0.0.0:{P}/',
    'http://0:{P}/',
    'http://[::1]:{P}/',
    'http://[::]:{P}/',
    'http://[::ffff:127.0.0.1]:{P}/',
    'http://[::ffff:7f00:1]:{P}/',
    'http://[0:0:0:0:0:ffff:7f00:1]:{P}/',
    'http://[::127.0.0.1]:{P}/',
    'http://localhost:{P}/',
    'http://LocalHost.:{P}/',
    'http://a.b.localhost:{P}/',
    'http://internal.test:{P}/',
    'http://mixed.test:{P}/',
    'http://v6loop.test:{P}/',
    'http://mapped.test:{P}/',
    'http://zero.test:{P}/',
    'file:///etc/passwd',
    'ftp://127.0.0.1:{P}/',
    'gopher://127.0.0.1:{P}/_GET',
  ];
  const viaRedirect = [
    'http://127.0.0.1:{P}/',
    'http://localhost:{P}/',
    'http://[::ffff:7f00:1]:{P}/',
    'http://2130706433:{P}/',
    'http://internal.test:{P}/',
    'http://[::1]:{P}/',
    'file:///etc/passwd',
  ];

  async function expectBlocked(url: string): Promise<void> {
    const error = await fetchPage(url, { config, resolve }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, url).toBeInstanceOf(FetchError);
    expect((error as FetchError).reason, `${url}: ${(error as Error).message}`).toBe('blocked_address');
  }

  it('refuses every forbidden spelling and name directly', async () => {
    for (const template of direct) await expectBlocked(template.replaceAll('{P}', String(P)));
    expect(sentinel4.connections() + sentinel6.connections()).toBe(0);
  });

  it('refuses forbidden targets reached through redirects from an allowed server', async () => {
    const before = serverHits;
    for (const target of viaRedirect) await expectBlocked(server.url(`/go?to=${encodeURIComponent(target)}`));
    await expectBlocked(server.url('/twice'));
    expect(serverHits - before).toBe(viaRedirect.length + 2);
    expect(sentinel4.connections() + sentinel6.connections()).toBe(0);
  });

  it('refuses credentials and bad ports even on an allowed address, without connecting', async () => {
    const before = serverHits;
    await expectBlocked(`http://user:secret@${SERVER_HOST}:${server.port}/`);
    await expectBlocked(`http://${SERVER_HOST}:25/`);
    expect(serverHits).toBe(before);
  });

  it('pins the checked address: a second DNS answer pointing at loopback is refused, not connected', async () => {
    let calls = 0;
    // Same port on both addresses, so a rebinding that slipped through would hit the sentinel.
    let twinHits = 0;
    const twin = await startServer((req, res) => {
      twinHits++;
      res.writeHead(302, { location: '/again', connection: 'close' });
      res.end();
    }, SERVER_HOST, P);
    const rebinding = async () => (++calls === 1 ? [SERVER_HOST] : ['127.0.0.1']);
    const error = await fetchPage(`http://rebind.test:${P}/`, { config, resolve: rebinding }).catch((e: unknown) => e);
    await twin.close();
    expect((error as FetchError).reason).toBe('blocked_address');
    expect(twinHits).toBe(1);
    expect(calls).toBe(2);
    expect(sentinel4.connections()).toBe(0);
  });

  it('reaches allowed servers (the sentinels count nothing because of the guard, not a broken setup)', async () => {
    const page = await fetchPage(server.url('/plain'), { config, resolve });
    expect(page.text).toBe('ok');
    const named = await fetchPage(`http://intranet.test:${server.port}/`, { config: { ...config, allow: ['intranet.test'] }, resolve });
    expect(named.remoteAddress).toBe(SERVER_HOST);
    const opened = await fetchPage(`http://127.0.0.1:${P}/`, { config: { ...config, allow: ['127.0.0.0/8'] }, resolve }).catch((e: FetchError) => e);
    expect((opened as FetchError).reason).toBe('connection');
    expect(sentinel4.connections()).toBe(1);
  });
});

describe('address classification (no network)', () => {
  const forbidden = [
    '0.1.2.3', '10.0.0.1', '100.64.0.1', '127.0.0.1', '169.254.169.254', '172.16.0.1', '172.31.255.255',
    '192.0.0.8', '192.0.2.1', '192.88.99.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9',
    '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    '::', '::1', '::127.0.0.1', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', 'fec0::1', '2001:db8::1',
    '100::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::7f00:1', '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::a00:1', '2002:7f00:1::', '2002:a9fe:a9fe::1', '2001:0:4136:e378:8000:63bf:80ff:fffe',
  ];
  const allowed = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];

  it('flags every special-purpose range, including v4 embedded in v6', () => {
    for (const ip of forbidden) expect(forbiddenRange(ipaddr.parse(ip)), ip).toBeDefined();
    for (const ip of allowed) expect(forbiddenRange(ipaddr.parse(ip)), ip).toBeUndefined();
  });

  it('checks literals in every spelling before connecting, and honours the allow-list', () => {
    const none = parseAllowList([]);
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://0xa9fea9fe/', 'http://2852039166/', 'http://[::ffff:a9fe:a9fe]/', 'http://10.1/', 'http://[fd00::1]/']) {
      expect(() => assertUrlAllowed(new URL(url), none), url).toThrow(/refusing|not fetched/);
    }
    expect(() => assertUrlAllowed(new URL('http://8.8.8.8/'), none)).not.toThrow();
    const intranet = parseAllowList(['10.0.0.0/8', 'wiki.corp', '[fd00::1]']);
    expect(() => assertUrlAllowed(new URL('http://10.2.3.4/'), intranet)).not.toThrow();
    expect(() => assertUrlAllowed(new URL('http://[fd00::1]/'), intranet)).not.toThrow();
    expect(() => assertUrlAllowed(new URL('http://11.0.0.1/'), intranet)).not.toThrow();
    expect(() => assertUrlAllowed(new URL('http://192.168.0.1/'), intranet)).toThrow();
  });
});
