import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.ts';

describe('fetch settings', () => {
  it('has safe defaults', () => {
    const { fetch } = loadConfig({});
    expect(fetch).toMatchObject({
      maxBodyBytes: 10 * 1024 * 1024,
      maxRedirects: 5,
      maxContentEncodings: 2,
      allow: [],
      // No placeholder: unset, the crawler fetches only allow-listed addresses (see contact-url tests).
      contactUrl: '',
    });
    expect(fetch.totalTimeoutMs).toBeGreaterThan(fetch.connectTimeoutMs);
  });

  it('reads COPYHOUND_FETCH_* variables, the allow-list comma-separated', () => {
    const { fetch } = loadConfig({
      COPYHOUND_FETCH_ALLOW: '127.0.0.1, 10.0.0.0/8,wiki.corp',
      COPYHOUND_FETCH_MAX_BODY_BYTES: '2048',
      COPYHOUND_FETCH_CONTACT_URL: 'https://publisher.example/bot',
    });
    expect(fetch.allow).toEqual(['127.0.0.1', '10.0.0.0/8', 'wiki.corp']);
    expect(fetch.maxBodyBytes).toBe(2048);
    expect(fetch.contactUrl).toBe('https://publisher.example/bot');
  });

  it('rejects nonsense with the variable named', () => {
    expect(() => loadConfig({ COPYHOUND_FETCH_MAX_REDIRECTS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ COPYHOUND_FETCH_CONTACT_URL: 'mailto:x@example.org' })).toThrow(/COPYHOUND_FETCH_CONTACT_URL/);
  });

  it('checks every allow-list entry is a CIDR, an IP or a host name, naming the variable and the entry', () => {
    expect(loadConfig({ COPYHOUND_FETCH_ALLOW: '10.0.0.0/8, [::1], fd00::/8, 192.168.1.5, news.intranet, localhost' }).fetch.allow).toHaveLength(6);
    for (const bad of ['10.0.0.0/33', '300.1.1.1', 'http://10.0.0.1/', 'two words', 'fd00::/200']) {
      expect(() => loadConfig({ COPYHOUND_FETCH_ALLOW: `127.0.0.1,${bad}` }), bad).toThrow(new RegExp(`COPYHOUND_FETCH_ALLOW=.*"${bad.replace(/[./[\]]/g, '\\$&')}" is`));
    }
    // Overrides (the demo passes an array) are checked the same way.
    expect(() => loadConfig({}, { fetch: { allow: ['10.0.0.0/99'] } })).toThrow(/COPYHOUND_FETCH_ALLOW/);
  });
});
