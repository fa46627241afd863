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
      contactUrl: 'https://example.org/copyhound-bot',
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
});
