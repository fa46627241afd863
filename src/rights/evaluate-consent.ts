import { millisOfStoredUtc, parseIsoDate } from '../time/parse-date.ts';
import { findCoveringPlace, isSameDocument, locatePage, type PageLocation } from './places.ts';
import { BREACH_REASONS, type BreachReason, type Consent } from './types.ts';
import type { DecisionInput } from './decide.ts';

/** Which page signal a term was checked against, and what was found (null: nothing). */
export interface SignalUse {
  term: 'credit' | 'link' | 'canonical' | 'hold_back';
  signal: string;
  value: string | null;
  met: boolean;
}

export interface ConsentEvaluation {
  consentId: number;
  uid: string;
  licenseeId: number;
  status: Consent['status'];
  /** Broken terms, in BREACH_REASONS order. */
  broken: BreachReason[];
  signals: SignalUse[];
  notes: string[];
}

// Floating shares (coverage 0.1 read as 10.000000000000002 %) must not tip a limit.
const PERCENT_TOLERANCE = 1e-9;
const HOUR_MS = 3_600_000;

// Re-deciding 10,000 matches reads the same few consent and article dates thousands of times;
// parsing each once keeps that in milliseconds. Bounded: cleared when it grows past this.
const MAX_CACHED_DATES = 50_000;
const dateCache = new Map<string, { millis: number; hasTime: boolean } | null>();

function readDate(iso: string): { millis: number; hasTime: boolean } | null {
  // Our own timestamps (a match's first and last sighting: a different one per match) skip the cache.
  const stored = millisOfStoredUtc(iso);
  if (stored !== null) return { millis: stored, hasTime: true };
  let cached = dateCache.get(iso);
  if (cached === undefined) {
    const reading = parseIsoDate(iso);
    cached = reading.ok ? { millis: reading.date.dateTime.toMillis(), hasTime: reading.date.hasTime } : null;
    if (dateCache.size >= MAX_CACHED_DATES) dateCache.clear();
    dateCache.set(iso, cached);
  }
  return cached;
}

function millisOf(iso: string | null): number | null {
  return iso ? (readDate(iso)?.millis ?? null) : null;
}

function hasFullTime(iso: string | null): boolean {
  return iso ? (readDate(iso)?.hasTime ?? false) : false;
}

function inScope(consent: Consent, article: DecisionInput['article']): { ok: boolean; why: string | null } {
  const s = consent.scope;
  if (s.ids.length > 0 && !s.ids.includes(article.id)) return { ok: false, why: `article ${article.id} is not in the consent's list` };
  if (s.sections.length > 0 && !(article.section && s.sections.some((x) => x.toLowerCase() === article.section!.toLowerCase()))) {
    return { ok: false, why: `article section ${article.section ?? '(none)'} is not one of ${s.sections.join(', ')}` };
  }
  if (s.tags.length > 0 && !article.tags.some((t) => s.tags.some((x) => x.toLowerCase() === t.toLowerCase()))) {
    return { ok: false, why: `article tags (${article.tags.join(', ') || 'none'}) include none of ${s.tags.join(', ')}` };
  }
  if (s.publishedFrom || s.publishedUntil) {
    const published = millisOf(article.publishedAt);
    if (published === null) return { ok: false, why: 'the article has no publication date, and the consent covers a publication window' };
    const from = millisOf(s.publishedFrom);
    const until = millisOf(s.publishedUntil);
    if ((from !== null && published < from) || (until !== null && published >= until)) {
      return { ok: false, why: `article published ${article.publishedAt}, outside the window ${s.publishedFrom ?? '…'} – ${s.publishedUntil ?? '…'}` };
    }
  }
  return { ok: true, why: null };
}

function normaliseForText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function checkCredit(input: DecisionInput): SignalUse {
  const credit = input.article.credit?.trim();
  if (!credit) return { term: 'credit', signal: 'article credit line', value: null, met: true };
  const wanted = normaliseForText(credit);
  const lines: [string, string][] = [
    ...input.page.credits.map((c, i): [string, string] => [`page credits[${i}]`, c]),
    ...(input.page.author ? [['page author', input.page.author] as [string, string]] : []),
  ];
  const found = lines.find(([, text]) => normaliseForText(text).includes(wanted));
  return found
    ? { term: 'credit', signal: found[0], value: found[1], met: true }
    : { term: 'credit', signal: `page credits and author (looked for "${credit}")`, value: null, met: false };
}

function targetsOf(article: DecisionInput['article']): string[] {
  return [article.url, ...(article.canonicalUrl ? [article.canonicalUrl] : [])];
}

function checkLink(input: DecisionInput): SignalUse {
  const targets = targetsOf(input.article);
  const found = input.page.links.find((href) => targets.some((t) => isSameDocument(href, t)));
  return found
    ? { term: 'link', signal: 'link in the article text', value: found, met: true }
    : { term: 'link', signal: `links in the article text (${input.page.links.length} read; looked for ${targets.join(' or ')})`, value: null, met: false };
}

function checkCanonical(input: DecisionInput): SignalUse {
  const canonical = input.page.canonicalUrl;
  const met = canonical !== null && targetsOf(input.article).some((t) => isSameDocument(canonical, t));
  return { term: 'canonical', signal: 'page canonical URL (link rel=canonical / og:url)', value: canonical, met };
}

/**
 * When the copy appeared at the latest: the earlier of the page's own publication time (when it
 * gives a time of day) and Copyhound's first sighting. A copier can post-date its page, never
 * make Copyhound see it before it existed.
 */
function copyAppearedAt(page: DecisionInput['page']): { millis: number | null; signal: string; value: string | null } {
  const seen = millisOf(page.firstSeenAt);
  const own = hasFullTime(page.publishedAt) ? millisOf(page.publishedAt) : null;
  if (own !== null && (seen === null || own <= seen)) return { millis: own, signal: 'page publication time', value: page.publishedAt };
  return { millis: seen, signal: 'first seen by Copyhound', value: page.firstSeenAt };
}

/** The terms of one consent checked against one match; nothing here depends on other consents. */
export function evaluateConsent(consent: Consent, input: DecisionInput, location: PageLocation | null = locatePage(input.page.url)): ConsentEvaluation {
  const broken = new Set<BreachReason>();
  const signals: SignalUse[] = [];
  const notes: string[] = [];
  const at = millisOf(input.at);

  if (consent.status === 'revoked') broken.add('revoked');
  const from = millisOf(consent.validFrom);
  const until = millisOf(consent.validUntil);
  // A consent marked expired (Copyhound marks it once valid-until passes) still licensed what was
  // observed before that instant; one without a valid-until is expired whenever observed.
  const pastUntil = until !== null && at !== null && at >= until;
  if (pastUntil || (consent.status === 'expired' && until === null)) broken.add('expired');
  if (from !== null && at !== null && at < from) broken.add('not_yet_valid');

  const scope = inScope(consent, input.article);
  if (!scope.ok) {
    broken.add('article_out_of_scope');
    notes.push(scope.why!);
  }
  const place = findCoveringPlace(consent.places, location);
  if (place === null) {
    broken.add('place_not_covered');
    notes.push(`the page is on the licensee's site but outside the consent's places (${consent.places.join(', ')})`);
  }

  if (consent.use === 'excerpt') {
    if (input.match.kind === 'reproduction') broken.add('reproduction_not_permitted');
    const percent = input.match.coverage * 100;
    const overWords = consent.maxWords !== null && input.match.copiedWords > consent.maxWords;
    const overPercent = consent.maxPercent !== null && percent > consent.maxPercent + PERCENT_TOLERANCE;
    if (overWords || overPercent) {
      broken.add('excerpt_over_limit');
      notes.push(`copied ${input.match.copiedWords} words (${percent.toFixed(1)} % of the article); limit ${[consent.maxWords !== null ? `${consent.maxWords} words` : null, consent.maxPercent !== null ? `${consent.maxPercent} %` : null].filter(Boolean).join(' and ')}`);
    }
  }

  if (consent.holdBackHours !== null) {
    const published = millisOf(input.article.publishedAt);
    const appeared = copyAppearedAt(input.page);
    if (published === null || appeared.millis === null) {
      notes.push('hold-back not checked: the article has no publication time');
    } else {
      const met = appeared.millis >= published + consent.holdBackHours * HOUR_MS;
      signals.push({ term: 'hold_back', signal: appeared.signal, value: appeared.value, met });
      if (!met) broken.add('published_before_hold_back');
    }
  }

  const duties: Record<Consent['duties'][number], [() => SignalUse, BreachReason]> = {
    credit: [() => checkCredit(input), 'credit_missing'],
    link: [() => checkLink(input), 'link_back_missing'],
    canonical: [() => checkCanonical(input), 'canonical_missing'],
  };
  for (const duty of consent.duties) {
    const [check, reason] = duties[duty];
    const use = check();
    signals.push(use);
    if (!use.met) broken.add(reason);
    else if (duty === 'credit' && use.value === null) notes.push('credit duty not checkable: the article has no credit line');
  }

  return {
    consentId: consent.id,
    uid: consent.uid,
    licenseeId: consent.licenseeId,
    status: consent.status,
    broken: BREACH_REASONS.filter((r) => broken.has(r)),
    signals,
    notes,
  };
}
