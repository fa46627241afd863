import { millisOfStoredUtc } from '../../time/parse-date.ts';

/**
 * A report's decision in sentences a reviewer (or a licensee's lawyer) reads: which consent was
 * weighed, whose it is, how long it runs, and each broken term with what it asked for and what
 * the page showed. Built only from what the decision stored (its detail: the consents considered
 * with their broken terms, the page signals read, the notes) and the consent records as they
 * stand; nothing is decided again here.
 */

/** A consent's terms as the sentences need them (db consents row with its licensee's name). */
export interface ConsentTerms {
  id: number;
  uid: string;
  licenseeName: string;
  status: string;
  validFrom: string | null;
  validUntil: string | null;
  use: string;
  maxWords: number | null;
  maxPercent: number | null;
  holdBackHours: number | null;
  places: string[];
}

/** One consent as the decision evaluated it (src/rights ConsentEvaluation, as stored). */
export interface ConsideredConsent {
  consentId: number;
  uid: string;
  status: string;
  broken: string[];
  signals: { term: string; signal: string; value: string | null; met: boolean }[];
  notes: string[];
}

export interface DecisionFacts {
  decision: string;
  reasons: string[];
  consentId: number | null;
  kind: string;
  copiedWords: number;
  coverage: number;
  article: { url: string; canonicalUrl: string | null; credit: string | null; publishedAt: string | null };
  /** The stored decision detail, or null when the match was never decided (or is gone). */
  detail: { at?: string; explanation: string[]; considered: ConsideredConsent[]; pending: { consentId: number; uid: string; wouldLicense: boolean; broken: string[] }[] } | null;
  consents: ReadonlyMap<number, ConsentTerms>;
}

export interface DecisionSentences {
  /** The decision in one sentence, e.g. "Licensed to Example Daily until 31 Dec 2026, but the credit line 'Anadolu Agency' is missing." */
  headline: string;
  /** One sentence per reason (broken term, or why no licence is needed or given). */
  reasons: string[];
  /** Other consents that concern the page, and pending ones. */
  others: string[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;

/** "31 Dec 2026" (UTC) for a stored timestamp; the text as it is when it is not one. */
export function formatLongDay(iso: string, dayBefore = false): string {
  const millis = millisOfStoredUtc(iso);
  if (millis === null) return iso;
  const d = new Date(millis - (dayBefore ? DAY_MS : 0));
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function formatMoment(iso: string): string {
  const millis = millisOfStoredUtc(iso);
  if (millis === null) return iso;
  const time = iso.slice(11, 16);
  return time === '00:00' ? formatLongDay(iso) : `${formatLongDay(iso)} ${time} UTC`;
}

/** "until 31 Dec 2026": valid-until is exclusive, so a midnight end reads as the day before. */
function untilPhrase(validUntil: string): string {
  const millis = millisOfStoredUtc(validUntil);
  if (millis !== null && millis % DAY_MS === 0) return `until ${formatLongDay(validUntil, true)}`;
  return `until ${formatMoment(validUntil)} (exclusive)`;
}

function validityPhrase(c: ConsentTerms): string {
  if (c.validFrom && c.validUntil) return `from ${formatMoment(c.validFrom)} ${untilPhrase(c.validUntil)}`;
  if (c.validUntil) return untilPhrase(c.validUntil);
  if (c.validFrom) return `from ${formatMoment(c.validFrom)}, with no end date`;
  return 'with no end date';
}

const quote = (text: string) => `'${text}'`;

function signalOf(c: ConsideredConsent | undefined, term: string) {
  return c?.signals.find((s) => s.term === term);
}

/** One broken term as a clause: what the consent asked for, and what the page showed. */
function brokenClause(reason: string, f: DecisionFacts, terms: ConsentTerms | undefined, evaluated: ConsideredConsent | undefined): string {
  const percent = `${(f.coverage * 100).toFixed(1)} %`;
  switch (reason) {
    case 'expired':
      return terms?.validUntil ? `the consent ended ${untilPhrase(terms.validUntil).replace(/^until /, 'on ')}, before the copy was seen${f.detail?.at ? ` (${formatMoment(f.detail.at)})` : ''}` : 'the consent is marked expired';
    case 'not_yet_valid':
      return `the consent only starts on ${terms?.validFrom ? formatMoment(terms.validFrom) : 'a later date'}, after the copy was seen${f.detail?.at ? ` (${formatMoment(f.detail.at)})` : ''}`;
    case 'revoked':
      return 'the consent was revoked';
    case 'article_out_of_scope': {
      const why = evaluated?.notes.find((n) => /article|section|tags|publication/.test(n));
      return `the article is outside the consent's scope${why ? ` (${why})` : ''}`;
    }
    case 'place_not_covered':
      return `the page is on the licensee's site but outside the places the consent names${terms ? ` (${terms.places.join(', ')})` : ''}`;
    case 'excerpt_over_limit': {
      const limits = [terms?.maxWords != null ? `${terms.maxWords} words` : null, terms?.maxPercent != null ? `${terms.maxPercent} % of the article` : null].filter(Boolean).join(' and ');
      return `the excerpt is over the limit: ${f.copiedWords} words (${percent}) were copied${limits ? `, the consent allows ${limits}` : ''}`;
    }
    case 'reproduction_not_permitted':
      return `the consent allows excerpts only, and the page reproduces the article (${percent} of it)`;
    case 'published_before_hold_back': {
      const s = signalOf(evaluated, 'hold_back');
      const appeared = s?.value ? `${formatMoment(s.value)} (${s.signal})` : 'too early';
      return `the copy appeared ${appeared}, within the ${terms?.holdBackHours ?? '?'}-hour hold-back after the article's publication${f.article.publishedAt ? ` (${formatMoment(f.article.publishedAt)})` : ''}`;
    }
    case 'credit_missing':
      return f.article.credit ? `the credit line ${quote(f.article.credit)} is missing` : 'the required credit line is missing';
    case 'link_back_missing':
      return `there is no link back to the article (${f.article.url})`;
    case 'canonical_missing': {
      const s = signalOf(evaluated, 'canonical');
      return `the page's canonical URL is ${s?.value ? s.value : 'not set'}, not the article's (${f.article.canonicalUrl ?? f.article.url})`;
    }
    default:
      return reason.replace(/_/g, ' ');
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function licensedTo(terms: ConsentTerms | undefined, consentId: number | null): string {
  if (!terms) return consentId !== null ? `Licensed under consent ${consentId}` : 'Licensed';
  return `Licensed to ${terms.licenseeName} ${validityPhrase(terms)}`;
}

/** What a met duty showed, e.g. "the credit line 'Anadolu Agency' is shown (page credits[0]: 'Source: Anadolu Agency')". */
function metClause(s: ConsideredConsent['signals'][number], f: DecisionFacts): string {
  if (s.term === 'credit') return s.value === null ? 'the credit duty could not be checked (the article has no credit line)' : `the credit line ${quote(f.article.credit ?? '')} is shown (${s.signal}: ${quote(s.value)})`;
  if (s.term === 'link') return `the page links back to the article (${s.value ?? ''})`;
  if (s.term === 'canonical') return `the page's canonical URL points to the article (${s.value ?? ''})`;
  return `the copy appeared after the hold-back (${s.value ? formatMoment(s.value) : ''}, ${s.signal})`;
}

export function describeDecision(f: DecisionFacts): DecisionSentences {
  const considered = f.detail?.considered ?? [];
  const chosen = considered.find((c) => c.consentId === f.consentId);
  const terms = f.consentId !== null ? f.consents.get(f.consentId) : undefined;
  const others: string[] = [];
  for (const c of considered) {
    if (c.consentId === f.consentId || c.status === 'pending') continue;
    const t = f.consents.get(c.consentId);
    others.push(`Consent ${c.uid}${t ? ` (${t.licenseeName}, ${c.status})` : ''} also concerns the page${c.broken.length > 0 ? `, but ${c.broken.map((r) => brokenClause(r, f, t, c)).join('; ')}` : ''}.`);
  }
  for (const p of f.detail?.pending ?? []) {
    const t = f.consents.get(p.consentId);
    const whose = t ? ` of ${t.licenseeName}` : '';
    others.push(p.wouldLicense ? `Consent ${p.uid}${whose} is pending: approving it would license this copy.` : `Consent ${p.uid}${whose} is pending and would not license this copy: ${p.broken.map((r) => brokenClause(r, f, t, undefined)).join('; ')}.`);
  }

  switch (f.decision) {
    case 'licence_breach': {
      const clauses = f.reasons.map((r) => brokenClause(r, f, terms, chosen));
      const headline = `${licensedTo(terms, f.consentId)}, but ${clauses.length > 0 ? clauses.join(', and ') : 'a term is broken'}.`;
      return { headline, reasons: clauses.map((c) => `${capitalise(c)}.`), others };
    }
    case 'licensed': {
      const met = (chosen?.signals ?? []).filter((s) => s.met).map((s) => metClause(s, f));
      return { headline: `${licensedTo(terms, f.consentId)}, and every term is met.`, reasons: met.map((m) => `${capitalise(m)}.`), others };
    }
    case 'unlicensed': {
      const reasons = [considered.filter((c) => c.status !== 'pending').length === 0 ? 'No consent covers this page.' : 'No consent that covers this page licenses this copy.'];
      return { headline: `Not licensed: no consent covers this copy (${f.kind}, ${f.copiedWords} words, ${(f.coverage * 100).toFixed(1)} % of the article).`, reasons, others };
    }
    case 'owner_site': {
      const why = f.detail?.explanation[0];
      return { headline: "The publisher's own page: no licence is needed.", reasons: why ? [`${capitalise(why)}.`] : [], others };
    }
    case 'allowed_quotation':
      return { headline: `An allowed quotation: ${f.copiedWords} words quoted, no licence is needed.`, reasons: [], others };
    default:
      return { headline: capitalise(f.decision.replace(/_/g, ' ')), reasons: f.reasons.map((r) => `${capitalise(r.replace(/_/g, ' '))}.`), others };
  }
}
