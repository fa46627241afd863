import { z } from 'zod';
import { CONSENT_DUTIES } from '../../rights/types.ts';
import type { ConsentFormValues } from '../../web/views/consent-form-view.ts';
import { parseForm } from './page-kit.ts';

/**
 * The consent form's fields (src/web/views/consent-form-view.ts) read into the shape of an API
 * consent request, which parseConsentRequest then validates exactly as POST /api/consents does.
 * Lists are typed one per line; an empty field is "not given".
 */

// A form field: one line of text, or a list of a consent's places, ids or sections.
const MAX_FIELD_CHARS = 2000;
// Article ids, sections and tags pasted one per line: the request schema allows 10,000 of each.
const MAX_LIST_CHARS = 400_000;

const line = z.string().max(MAX_FIELD_CHARS).optional();
const list = z.string().max(MAX_LIST_CHARS).optional();

export const consentFormSchema = z.object({
  licensee: line,
  uid: line,
  places: list,
  articleScope: z.enum(['all', 'ids']).optional(),
  articleIds: list,
  sections: list,
  tags: list,
  publishedFrom: line,
  publishedUntil: line,
  validFrom: line,
  validUntil: line,
  use: z.enum(['full', 'excerpt']).optional(),
  maxWords: line,
  maxPercent: line,
  holdBackHours: line,
  duties: z.union([z.enum(CONSENT_DUTIES), z.array(z.enum(CONSENT_DUTIES)).max(CONSENT_DUTIES.length)]).optional(),
  territory: line,
  contractRef: line,
  status: z.enum(['active', 'pending']).optional(),
});

export function emptyConsentForm(licensee = ''): ConsentFormValues {
  return {
    licensee, uid: '', places: '', articleScope: 'all', articleIds: '', sections: '', tags: '', publishedFrom: '', publishedUntil: '',
    validFrom: '', validUntil: '', use: 'full', maxWords: '', maxPercent: '', holdBackHours: '', duties: [], territory: '', contractRef: '', status: 'active',
  };
}

export function readConsentForm(body: unknown): ConsentFormValues {
  const f = parseForm(consentFormSchema, body, 'Consent form');
  const duties = f.duties === undefined ? [] : Array.isArray(f.duties) ? f.duties : [f.duties];
  return {
    licensee: f.licensee ?? '', uid: f.uid ?? '', places: f.places ?? '', articleScope: f.articleScope ?? 'all', articleIds: f.articleIds ?? '',
    sections: f.sections ?? '', tags: f.tags ?? '', publishedFrom: f.publishedFrom ?? '', publishedUntil: f.publishedUntil ?? '',
    validFrom: f.validFrom ?? '', validUntil: f.validUntil ?? '', use: f.use ?? 'full', maxWords: f.maxWords ?? '', maxPercent: f.maxPercent ?? '',
    holdBackHours: f.holdBackHours ?? '', duties, territory: f.territory ?? '', contractRef: f.contractRef ?? '', status: f.status ?? 'active',
  };
}

/** Non-empty trimmed lines of a textarea. */
export function linesOf(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

/** The form as an API consent request (numbers stay text: the request schema coerces and names bad ones). */
export function toConsentRequest(v: ConsentFormValues): Record<string, unknown> {
  const given = (text: string) => (text.trim() === '' ? undefined : text.trim());
  const request: Record<string, unknown> = {
    licensee: v.licensee.trim(),
    uid: given(v.uid),
    places: linesOf(v.places),
    articles: v.articleScope === 'ids' ? linesOf(v.articleIds) : 'all',
    sections: linesOf(v.sections),
    tags: linesOf(v.tags),
    publishedFrom: given(v.publishedFrom),
    publishedUntil: given(v.publishedUntil),
    validFrom: given(v.validFrom),
    validUntil: given(v.validUntil),
    use: v.use,
    maxWords: given(v.maxWords),
    maxPercent: given(v.maxPercent),
    holdBackHours: given(v.holdBackHours),
    duties: v.duties,
    territory: given(v.territory),
    contractRef: given(v.contractRef),
    status: v.status,
  };
  return Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
}
