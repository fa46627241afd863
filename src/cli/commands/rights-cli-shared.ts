import { InvalidArgumentError } from 'commander';
import type { App } from '../../app.ts';
import type { Redecided, RightsDeps } from '../../rights-admin.ts';
import { consentInputSchema } from '../../rights/consent-input.ts';
import { normalisePlace } from '../../rights/places.ts';
import type { Consent } from '../../rights/types.ts';
import { writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { showInline } from '../terminal-text.ts';

/** What the rights commands (owner-sites, licensees, consents) share: printing changes, reading flags. */

export type Globals = () => GlobalOptions;

export function depsOf(app: App): RightsDeps {
  return { db: app.database.db, config: app.config.rights };
}

export function describeRedecided(r: Redecided): string {
  return `re-decided ${r.matches} match(es): ${r.changed} decision(s) changed, ${r.reportsCreated} report(s) created, ${r.reportsChanged} report(s) changed`;
}

/** Prints a change: the JSON object, or the human line and what was re-decided. */
export function printChange<T extends { redecided: Redecided }>(io: CliIo, json: boolean | undefined, result: T, human: string): void {
  if (json) return writeLine(io.stdout, JSON.stringify(result));
  writeLine(io.stdout, human);
  writeLine(io.stdout, `  ${describeRedecided(result.redecided)}`);
}

export function parsePlaceArgument(value: string): string {
  try {
    return normalisePlace(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];
export const collectPlace = (value: string, previous: string[] = []) => [...previous, parsePlaceArgument(value)];

export function parseIdArgument(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value.trim())) throw new InvalidArgumentError('must be a consent id (a whole number ≥ 1)');
  return Number(value);
}

export type ConsentField = keyof typeof consentInputSchema.shape;

/** A flag's value checked by the consent schema's rule for that field (the request is re-read whole later). */
export function checkConsentFlag(field: ConsentField, read: (value: string, previous: unknown) => unknown = (value) => value) {
  return (value: string, previous: unknown) => {
    const candidate = read(value, previous);
    const parsed = consentInputSchema.shape[field].safeParse(candidate);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; '));
    return candidate;
  };
}
export const readList = (value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value];
export const readNumber = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
export const readArticles = (value: string) => (value.trim() === 'all' ? 'all' : value.split(',').map((id) => id.trim()).filter((id) => id !== ''));

export const formatSpan = (from: string | null, until: string | null) => `${from ?? 'open'} – ${until ?? 'open'}`;

/** One consent on one line (lists, `licensees show`, and the line printed after a change). */
export function describeConsent(c: Consent): string {
  return `#${c.id} ${c.status}  ${showInline(c.licenseeName)}  ${c.use}  ${c.places.map((p) => showInline(p)).join(', ')}  valid ${formatSpan(c.validFrom, c.validUntil)}`;
}
