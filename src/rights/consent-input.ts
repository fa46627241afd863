import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';
import { normalisePlace } from './places.ts';
import { CONSENT_DUTIES, CONSENT_STATUSES, CONSENT_USES, type ConsentInput } from './types.ts';

/**
 * A consent as a user registers it (API body, CLI flags), validated into ConsentInput. Every
 * problem is named with its field, all at once.
 */

// Bounds on one record: a consent lists a contract's places and articles, not a catalogue.
const MAX_PLACES = 200;
const MAX_SCOPE_ITEMS = 10_000;
const MAX_TEXT = 2000;
// Ten years: a hold-back is hours or days after publication; more is a typo.
const MAX_HOLD_BACK_HOURS = 87_600;

const utcDate = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const reading = parseIsoDate(value);
    if (reading.ok) return formatUtcIso(reading.date);
    ctx.addIssue({ code: 'custom', message: `${reading.message} (expected ISO 8601, e.g. 2026-03-01 or 2026-03-01T00:00:00Z; a date without zone is UTC)` });
    return z.NEVER;
  });

/** A place (src/rights/places.ts) read and normalised; the refusal names what is wrong. */
export const placeSchema = z.string().transform((value, ctx) => {
  try {
    return normalisePlace(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const text = z.string().trim().min(1).max(MAX_TEXT);

export const consentInputSchema = z
  .strictObject({
    uid: z.string().trim().min(1).max(500).optional(),
    licensee: text,
    places: z.array(placeSchema).min(1, 'at least one place (domain or URL prefix) is required').max(MAX_PLACES),
    articles: z.union([z.literal('all'), z.array(text).min(1).max(MAX_SCOPE_ITEMS)]).default('all'),
    sections: z.array(text).max(MAX_SCOPE_ITEMS).default([]),
    tags: z.array(text).max(MAX_SCOPE_ITEMS).default([]),
    publishedFrom: utcDate.nullish(),
    publishedUntil: utcDate.nullish(),
    validFrom: utcDate.nullish(),
    validUntil: utcDate.nullish(),
    use: z.enum(CONSENT_USES).default('full'),
    maxWords: z.coerce.number().int().min(1).max(1_000_000).nullish(),
    maxPercent: z.coerce.number().gt(0).max(100).nullish(),
    holdBackHours: z.coerce.number().min(0).max(MAX_HOLD_BACK_HOURS).nullish(),
    duties: z.array(z.enum(CONSENT_DUTIES)).max(CONSENT_DUTIES.length).default([]),
    territory: text.nullish(),
    contractRef: text.nullish(),
    status: z.enum(CONSENT_STATUSES).default('active'),
  })
  .superRefine((c, ctx) => {
    if (c.use === 'full' && (c.maxWords != null || c.maxPercent != null)) {
      ctx.addIssue({ code: 'custom', path: ['use'], message: 'excerpt limits (maxWords, maxPercent) need use "excerpt"' });
    }
    if (c.validFrom && c.validUntil && c.validFrom >= c.validUntil) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: `must be after validFrom (${c.validFrom}); validUntil is exclusive` });
    }
    if (c.publishedFrom && c.publishedUntil && c.publishedFrom >= c.publishedUntil) {
      ctx.addIssue({ code: 'custom', path: ['publishedUntil'], message: `must be after publishedFrom (${c.publishedFrom})` });
    }
  });

export type ConsentRequest = z.input<typeof consentInputSchema>;

/** Validates a consent request; throws ValidationError naming every bad field. */
export function parseConsentRequest(value: unknown): ConsentInput & { licenseeName: string } {
  const parsed = consentInputSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(consent)', message: i.message }));
    throw new ValidationError(`Bad consent: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, { problems });
  }
  const c = parsed.data;
  const ids = c.articles === 'all' ? [] : [...new Set(c.articles)];
  return {
    ...(c.uid ? { uid: c.uid } : {}),
    licenseeName: c.licensee,
    scope: {
      all: c.articles === 'all' && c.sections.length === 0 && c.tags.length === 0 && !c.publishedFrom && !c.publishedUntil,
      ids,
      sections: [...new Set(c.sections)],
      tags: [...new Set(c.tags)],
      publishedFrom: c.publishedFrom ?? null,
      publishedUntil: c.publishedUntil ?? null,
    },
    places: [...new Set(c.places)],
    validFrom: c.validFrom ?? null,
    validUntil: c.validUntil ?? null,
    use: c.use,
    maxWords: c.maxWords ?? null,
    maxPercent: c.maxPercent ?? null,
    holdBackHours: c.holdBackHours ?? null,
    duties: CONSENT_DUTIES.filter((d) => c.duties.includes(d)),
    territory: c.territory ?? null,
    contractRef: c.contractRef ?? null,
    status: c.status,
  } as ConsentInput & { licenseeName: string };
}

/**
 * Runs a consent that arrived already structured (an ODRL import) through the same validator as
 * a typed-in one, so both kinds meet the same bounds; `where` names the record in messages.
 */
export function revalidateConsent(input: ConsentInput & { licenseeName: string }, where: string): ConsentInput & { licenseeName: string } {
  try {
    return parseConsentRequest(toConsentRequest(input));
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${where}: ${error.message}`, error.details);
    throw error;
  }
}

/** A stored or imported consent in the shape a user sends (the inverse of parseConsentRequest). */
export function toConsentRequest(input: ConsentInput & { licenseeName: string }): Record<string, unknown> {
  const s = input.scope;
  return {
    ...(input.uid ? { uid: input.uid } : {}),
    licensee: input.licenseeName,
    places: input.places,
    articles: s.ids.length > 0 ? s.ids : 'all',
    sections: s.sections,
    tags: s.tags,
    publishedFrom: s.publishedFrom,
    publishedUntil: s.publishedUntil,
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    use: input.use,
    maxWords: input.maxWords,
    maxPercent: input.maxPercent,
    holdBackHours: input.holdBackHours,
    duties: input.duties,
    territory: input.territory,
    contractRef: input.contractRef,
    status: input.status,
  };
}
