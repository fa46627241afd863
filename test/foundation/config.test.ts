import { describe, expect, it } from 'vitest';
import { ConfigError, listSettings, loadConfig } from '../../config/index.ts';

describe('loadConfig', () => {
  it('uses defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.db.path).toBe('./data/copyhound.db');
    expect(config.server.port).toBe(3000);
    expect(config.log.level).toBe('info');
  });

  it('reads environment variables and coerces their strings', () => {
    const config = loadConfig({ COPYHOUND_DB: '/tmp/x.db', PORT: '8080', LOG_LEVEL: 'debug' });
    expect(config.db.path).toBe('/tmp/x.db');
    expect(config.server.port).toBe(8080);
    expect(config.log.level).toBe('debug');
  });

  it('lets explicit overrides (CLI flags) win over the environment', () => {
    expect(loadConfig({ COPYHOUND_DB: '/tmp/env.db' }, { db: { path: '/tmp/flag.db' } }).db.path).toBe('/tmp/flag.db');
  });

  it('names the variable and the allowed values of a bad setting', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ LOG_LEVEL: 'loud', PORT: 'eighty' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('"debug"');
    expect(message).toContain('PORT="eighty"');
  });

  it('refuses out-of-range numbers', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT="70000"/);
  });

  it('documents every setting with a distinct variable', () => {
    const rows = listSettings();
    expect(rows.length).toBeGreaterThan(5);
    expect(new Set(rows.map((r) => r.env)).size).toBe(rows.length);
    for (const row of rows) expect(row.description.length).toBeGreaterThan(10);
  });
});
