import { z } from 'zod';
import { ConfigError } from './config-error.ts';
import type { Section, SectionValues, Setting } from './define.ts';
import { dataSettings, dbSettings, logSettings, serverSettings } from './core.ts';
import { matchSettings } from './match.ts';
import { fetchSettings } from './fetch.ts';
import { extractSettings } from './extract.ts';
import { crawlSettings } from './crawl.ts';
import { importSettings } from './import.ts';
import { rightsSettings } from './rights.ts';
import { authSettings } from './auth.ts';
import { evidenceSettings } from './evidence.ts';
import { noticeSettings } from './notices.ts';
import { alertSettings } from './alerts.ts';
import { queueSettings } from './queue.ts';

export const settings = {
  db: dbSettings,
  server: serverSettings,
  log: logSettings,
  data: dataSettings,
  match: matchSettings,
  fetch: fetchSettings,
  extract: extractSettings,
  crawl: crawlSettings,
  import: importSettings,
  rights: rightsSettings,
  auth: authSettings,
  evidence: evidenceSettings,
  notices: noticeSettings,
  alerts: alertSettings,
  queue: queueSettings,
} satisfies Record<string, Section>;

type Settings = typeof settings;
export type Config = { [S in keyof Settings]: SectionValues<Settings[S]> };
export type ConfigOverrides = { [S in keyof Config]?: Partial<Config[S]> };

export { ConfigError };

function describeIssue(setting: Setting<unknown>, raw: unknown, error: z.ZodError): string {
  const why = error.issues.map((i) => i.message).join('; ');
  return `${setting.env}=${JSON.stringify(raw)} is not valid: ${why} (${setting.description})`;
}

/**
 * Builds the whole configuration: defaults, then environment variables, then explicit overrides
 * (CLI flags). Every bad value is reported at once, each naming its variable.
 */
export function loadConfig(env: Record<string, string | undefined> = {}, overrides: ConfigOverrides = {}): Config {
  const problems: string[] = [];
  const result: Record<string, Record<string, unknown>> = {};
  for (const [sectionName, section] of Object.entries(settings) as [keyof Config, Section][]) {
    const values: Record<string, unknown> = {};
    for (const [key, setting] of Object.entries(section)) {
      const override = (overrides[sectionName] as Record<string, unknown> | undefined)?.[key];
      const raw = override !== undefined ? override : env[setting.env];
      if (raw === undefined || raw === '') {
        values[key] = setting.default;
        continue;
      }
      const parsed = setting.schema.safeParse(raw);
      if (parsed.success) values[key] = parsed.data;
      else problems.push(describeIssue(setting, raw, parsed.error));
    }
    result[sectionName] = values;
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return result as Config;
}

/** Rows for `copyhound config` and the README: every variable, its default and meaning. */
export function listSettings(): { name: string; env: string; default: unknown; description: string }[] {
  const rows = [];
  for (const [sectionName, section] of Object.entries(settings) as [string, Section][]) {
    for (const [key, setting] of Object.entries(section)) {
      rows.push({ name: `${sectionName}.${key}`, env: setting.env, default: setting.default, description: setting.description });
    }
  }
  return rows;
}
