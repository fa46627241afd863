import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** One configurable value: its environment variable sits next to its default. */
export interface Setting<T> {
  env: string;
  default: T;
  schema: z.ZodType<T>;
  description: string;
}

export function defineSetting<T>(env: string, schema: z.ZodType<T>, def: T, description: string): Setting<T> {
  return { env, schema, default: def, description };
}

export type Section = Record<string, Setting<any>>;
export type SectionValues<S extends Section> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Env vars are strings: these schemas accept the string spelling as well as the typed value. */
export const envInt = (min: number, max: number) =>
  z.coerce.number().int(`must be a whole number`).min(min).max(max);
export const envNumber = (min: number, max: number) => z.coerce.number().min(min).max(max);
export const envBool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes'),
]);
export const envList = z.union([
  z.array(z.string()),
  z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
]);

/** An absolute http(s) URL (the WHATWG parser decides; other schemes are refused). */
export const envHttpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });

// A DNS name: dot-separated labels of letters, digits and inner hyphens (a trailing dot allowed).
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
// Digits and dots only, or anything with a colon or slash, was meant as an address, not a name.
const LOOKS_LIKE_ADDRESS = /^[\d.]+$|[:/]/;

/** Why an allow-list entry is unusable (undefined when it is a CIDR, an IP or a host name). */
export function allowEntryProblem(entry: string): string | undefined {
  const bare = entry.trim().replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValidCIDR(bare) || ipaddr.isValid(bare)) return undefined;
  if (LOOKS_LIKE_ADDRESS.test(bare)) return `"${entry}" is not a valid IP address or CIDR (e.g. 10.0.0.0/8, 192.168.1.5, fd00::/8)`;
  if (!HOST_NAME.test(bare)) return `"${entry}" is neither a CIDR, an IP address nor a host name`;
  return undefined;
}

/** Comma-separated CIDRs, IPs and host names; every entry checked, each bad one named. */
export const envAllowList = envList.superRefine((entries, ctx) => {
  for (const entry of entries) {
    const problem = allowEntryProblem(entry);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }
});
