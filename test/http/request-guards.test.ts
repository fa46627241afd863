import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigOverrides } from '../../config/index.ts';
import { isLoopbackAddress, isWildcardAddress, resolveAllowedHosts } from '../../src/http/host-names.ts';
import { startAppServer } from '../helpers/start-app-server.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { rawRequest, requestWithoutHost } from './raw-request.ts';

const JSON_TYPE = { 'content-type': 'application/json' };
const article = (id: string) => JSON.stringify({ id, url: `https://wire.example/${id}`, title: `Headline ${id}`, body: `Body of ${id}.` });

describe('request guards on a real server', () => {
  const tempDir = useTempDir();
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function start(overrides: ConfigOverrides = {}) {
    const running = await startAppServer(tempDir(), overrides);
    stop = running.stop;
    const port = running.server.port;
    const own = `127.0.0.1:${port}`;
    // rawRequest bypasses the patched fetch, so it carries the admin key itself: every refusal
    // here must come from the guard under test, not from a missing identity.
    const auth = { authorization: `Bearer ${running.apiKey}` };
    return { port, own, auth };
  }

  describe('Host check (DNS rebinding)', () => {
    it('answers the loopback names on any port and refuses other names with 421 host_not_allowed', async () => {
      const { port, auth } = await start();
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST', 'localhost.:80']) {
        expect((await rawRequest(port, 'GET', '/api/articles', { ...auth, host })).status, host).toBe(200);
      }
      for (const host of [`evil.example:${port}`, 'evil.example', '127.0.0.1.evil.example', `localhost@evil.example`]) {
        const answer = await rawRequest(port, 'GET', '/api/articles', { ...auth, host });
        expect(answer.status, host).toBe(421);
        expect(answer.body.error).toMatchObject({ code: 'host_not_allowed', details: { host } });
      }
    });

    it('refuses a write under a foreign Host before doing it', async () => {
      const { port, own, auth } = await start();
      const refused = await rawRequest(port, 'POST', '/api/articles', { ...auth, ...JSON_TYPE, host: 'rebound.example' }, article('r1'));
      expect(refused.status).toBe(421);
      expect((await rawRequest(port, 'GET', '/api/articles/r1', { ...auth, host: own })).status).toBe(404);
    });

    it('refuses a request with no Host header at all', async () => {
      const { port } = await start();
      const answer = await requestWithoutHost(port, '/api/articles');
      expect(answer.status).toBe(421);
      expect(answer.text).toContain('host_not_allowed');
    });

    it('serves /healthz whatever the Host (orchestrator probes use the container address)', async () => {
      const { port } = await start();
      expect((await rawRequest(port, 'GET', '/healthz', { host: '10.1.2.3:3000' })).status).toBe(200);
    });

    it('COPYHOUND_ALLOWED_HOSTS replaces the default list; "*" turns the check off', async () => {
      const { port, auth } = await start({ server: { allowedHosts: ['copyhound.example', 'Copyhound.Internal:8443'] } });
      expect((await rawRequest(port, 'GET', '/api/articles', { ...auth, host: 'copyhound.example' })).status).toBe(200);
      expect((await rawRequest(port, 'GET', '/api/articles', { ...auth, host: 'copyhound.internal' })).status).toBe(200);
      expect((await rawRequest(port, 'GET', '/api/articles', { ...auth, host: `localhost:${port}` })).status).toBe(421);
      await stop!();
      const open = await start({ server: { allowedHosts: ['*'] } });
      expect((await rawRequest(open.port, 'GET', '/api/articles', { ...open.auth, host: 'anything.example' })).status).toBe(200);
    });

    it('default names: loopback plus HOST when it names one address, never a wildcard', () => {
      expect([...resolveAllowedHosts({ host: '127.0.0.1', allowedHosts: [] })].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost']);
      expect(resolveAllowedHosts({ host: '192.168.1.20', allowedHosts: [] }).has('192.168.1.20')).toBe(true);
      expect(resolveAllowedHosts({ host: 'fd00::5', allowedHosts: [] }).has('[fd00::5]')).toBe(true);
      expect([...resolveAllowedHosts({ host: '0.0.0.0', allowedHosts: [] })].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost']);
      expect([...resolveAllowedHosts({ host: '::', allowedHosts: [] })].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost']);
      expect(() => resolveAllowedHosts({ host: '127.0.0.1', allowedHosts: ['bad host/'] })).toThrow(/COPYHOUND_ALLOWED_HOSTS entry "bad host\/"/);
    });

    it('tells loopback from exposed addresses', () => {
      for (const a of ['127.0.0.1', '127.3.4.5', '::1', '::ffff:127.0.0.1', 'localhost']) expect(isLoopbackAddress(a), a).toBe(true);
      for (const a of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'fe80::1', 'copyhound.example']) expect(isLoopbackAddress(a), a).toBe(false);
      expect(isWildcardAddress('0.0.0.0') && isWildcardAddress('::') && !isWildcardAddress('127.0.0.1')).toBe(true);
    });
  });

  describe('cross-site writes (CSRF of simple requests)', () => {
    it('refuses bodies that are not JSON with 415 unsupported_media_type and stores nothing', async () => {
      const { port, own, auth } = await start();
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const answer = await rawRequest(port, 'POST', '/api/articles', { ...auth, host: own, 'content-type': type }, article('t1'));
        expect(answer.status, type).toBe(415);
        expect(answer.body.error).toMatchObject({ code: 'unsupported_media_type', details: { contentType: type } });
      }
      expect((await rawRequest(port, 'GET', '/api/articles/t1', { ...auth, host: own })).status).toBe(404);
      const json = await rawRequest(port, 'POST', '/api/articles', { ...auth, host: own, 'content-type': 'application/json; charset=utf-8' }, article('t1'));
      expect(json.status).toBe(201);
    });

    it('refuses a foreign or opaque Origin with 403 foreign_origin, for POST and for a bodiless DELETE', async () => {
      const { port, own, auth } = await start();
      expect((await rawRequest(port, 'POST', '/api/articles', { ...auth, host: own, ...JSON_TYPE }, article('o1'))).status).toBe(201);
      for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, `http://localhost:${port}`, 'null']) {
        const post = await rawRequest(port, 'POST', '/api/articles', { ...auth, host: own, origin, ...JSON_TYPE }, article('o2'));
        expect(post.status, origin).toBe(403);
        expect(post.body.error).toMatchObject({ code: 'foreign_origin', details: { origin } });
        expect((await rawRequest(port, 'DELETE', '/api/articles/o1', { ...auth, host: own, origin })).status, origin).toBe(403);
      }
      expect((await rawRequest(port, 'GET', '/api/articles/o1', { ...auth, host: own })).status).toBe(200);
      expect((await rawRequest(port, 'GET', '/api/articles/o2', { ...auth, host: own })).status).toBe(404);
      // Same origin (http or, behind a TLS proxy, https on the same host and port) is fine.
      expect((await rawRequest(port, 'POST', '/api/articles', { ...auth, host: own, origin: `http://${own}`, ...JSON_TYPE }, article('o2'))).status).toBe(201);
      expect((await rawRequest(port, 'DELETE', '/api/articles/o1', { ...auth, host: own, origin: `https://${own}` })).status).toBe(204);
      // A plain DELETE without body or Origin (curl, scripts) is fine.
      expect((await rawRequest(port, 'DELETE', '/api/articles/o2', { ...auth, host: own })).status).toBe(204);
    });

    it('refuses Sec-Fetch-Site cross-site and same-site writes; reads from anywhere are answered', async () => {
      const { port, own, auth } = await start();
      for (const site of ['cross-site', 'same-site']) {
        const answer = await rawRequest(port, 'POST', '/api/articles', { ...auth, host: own, 'sec-fetch-site': site, ...JSON_TYPE }, article('s1'));
        expect(answer.status, site).toBe(403);
        expect(answer.body.error).toMatchObject({ code: 'foreign_origin', details: { secFetchSite: site } });
      }
      expect((await rawRequest(port, 'POST', '/api/articles', { ...auth, host: own, 'sec-fetch-site': 'same-origin', ...JSON_TYPE }, article('s1'))).status).toBe(201);
      // Without CORS headers the browser will not hand a cross-site read to the page.
      const read = await rawRequest(port, 'GET', '/api/articles/s1', { ...auth, host: own, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' });
      expect(read.status).toBe(200);
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('a POST with no body needs no Content-Type', async () => {
      const { port, own, auth } = await start();
      const answer = await rawRequest(port, 'POST', '/api/matches/99/flag', { ...auth, host: own, 'content-length': '0' });
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('not_found');
    });
  });
});
