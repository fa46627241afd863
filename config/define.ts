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
