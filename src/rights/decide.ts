import { formatUtcIso, millisOfStoredUtc, parseIsoDate } from '../time/parse-date.ts';
import { findCoveringPlace, hostOfStoredPlace, isSameDocument, locatePage, type PageLocation } from './places.ts';
import { evaluateConsent, type ConsentEvaluation, type SignalUse } from './evaluate-consent.ts';
import type { BreachReason, Consent, Decision } from './types.ts';

export type { ConsentEvaluation, SignalUse } from './evaluate-consent.ts';

/** The owned article as the decision reads it. */
export interface DecisionArticle {
  id: string;
  url: string;
  canonicalUrl: string | null;
  publishedAt: string | null;
  section: string | null;
  tags: string[];
  credit: string | null;
}

/** What extraction read off the page (stored with the page, so a decision can be made again). */
export interface PageSignals {
  url: string;
  canonicalUrl: string | null;
  credits: string[];
  author: string | null;
  siteName: string | null;
  /** Link targets inside the article text. */
  links: string[];
  /** The page's own publication time, as written on it (any zone), or null. */
  publishedAt: string | null;
  /** When Copyhound first saw the copy (ISO UTC): the copy existed by then at the latest. */
  firstSeenAt: string;
}

export interface DecisionMatch {
  kind: 'reproduction' | 'excerpt' | 'quotation';
  copiedWords: number;
  /** Share of the article's words found on the page, 0..1. */
  coverage: number;
}

export interface LicenseeSites {
  id: number;
  name: string;
  places: string[];
}

export interface DecisionInput {
  match: DecisionMatch;
  article: DecisionArticle;
  page: PageSignals;
  ownerSites: readonly string[];
  licensees: readonly LicenseeSites[];
  /** Every consent; those that do not concern the page are skipped here. */
  consents: readonly Consent[];
  /** When the copy was observed (ISO UTC): validity is judged at this instant. */
  at: string;
}

export interface DecisionOutcome {
  decision: Decision;
  /** Broken terms of the consent named (licence_breach), in BREACH_REASONS order; else empty. */
  reasons: BreachReason[];
  /** The consent that licenses the copy, or the closest one it breaches. */
  consentId: number | null;
  /** One line per step, in words a reviewer can check. */
  explanation: string[];
  /** Every consent that concerns the page (place or licensee's sites), with its broken terms. */
  considered: ConsentEvaluation[];
  /** Pending consents that concern the page; `wouldLicense` when approving it would license the copy. */
  pending: { consentId: number; uid: string; wouldLicense: boolean; broken: BreachReason[] }[];
  /** Page signals read for duties and hold-back, and which value was found. */
  signals: SignalUse[];
  at: string;
}

function ownerStep(input: DecisionInput, at: PageLocation | null): string | null {
  const site = findCoveringPlace(input.ownerSites, at);
  if (site) return `the page is on the publisher's own site ${site}`;
  if (isSameDocument(input.page.url, input.article.url)) return `the page is the article's own URL ${input.article.url}`;
  if (input.article.canonicalUrl && isSameDocument(input.page.url, input.article.canonicalUrl)) {
    return `the page is the article's canonical URL ${input.article.canonicalUrl}`;
  }
  return null;
}

/** Licensees and consents by the hosts of their places: the few that could cover a page's host. */
interface PlaceIndex {
  licensees: readonly LicenseeSites[];
  byHost: Map<string, { licensees: Set<LicenseeSites>; consents: Set<Consent> }>;
}

// Built once per rights snapshot (the same arrays for every match of a re-decision): testing
// every place of every licensee and consent against each page was a fifth of a consent change.
const placeIndexes = new WeakMap<readonly Consent[], PlaceIndex>();

function placeIndexOf(input: DecisionInput): PlaceIndex {
  const cached = placeIndexes.get(input.consents);
  if (cached && cached.licensees === input.licensees) return cached;
  const byHost: PlaceIndex['byHost'] = new Map();
  const slot = (host: string) => {
    let s = byHost.get(host);
    if (!s) byHost.set(host, (s = { licensees: new Set(), consents: new Set() }));
    return s;
  };
  for (const l of input.licensees) for (const p of l.places) slot(hostOfStoredPlace(p)).licensees.add(l);
  for (const c of input.consents) for (const p of c.places) slot(hostOfStoredPlace(p)).consents.add(c);
  const index = { licensees: input.licensees, byHost };
  placeIndexes.set(input.consents, index);
  return index;
}

/** Consents that concern the page: a place of theirs covers it, or a site of their licensee does. */
function concerning(input: DecisionInput, at: PageLocation | null): Consent[] {
  if (!at) return [];
  // Only places on the page's host or a parent domain can cover it; each is then tested exactly.
  const licensees = new Set<LicenseeSites>();
  const consents = new Set<Consent>();
  const { byHost } = placeIndexOf(input);
  for (let host = at.host; ; ) {
    const s = byHost.get(host);
    if (s) {
      for (const l of s.licensees) licensees.add(l);
      for (const c of s.consents) consents.add(c);
    }
    const dot = host.indexOf('.');
    if (dot < 0) break;
    host = host.slice(dot + 1);
  }
  const licenseeHere = new Set([...licensees].filter((l) => findCoveringPlace(l.places, at) !== null).map((l) => l.id));
  return input.consents.filter((c) => licenseeHere.has(c.licenseeId) || (consents.has(c) && findCoveringPlace(c.places, at) !== null));
}

// Active consents before the others when equally close: a live contract is the likelier one meant.
const STATUS_RANK: Record<Consent['status'], number> = { active: 0, expired: 1, revoked: 2, pending: 3 };

// "2016-02-12T09:30:00.000Z": with milliseconds, as formatUtcIso writes it.
const STORED_UTC_LENGTH = 24;

function pickClosest(evaluations: ConsentEvaluation[]): ConsentEvaluation {
  return [...evaluations].sort((a, b) => a.broken.length - b.broken.length || STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.consentId - b.consentId)[0];
}

/** The instant as a stored UTC timestamp (already so when it came from the database). */
function storedUtcOf(at: string): string {
  if (millisOfStoredUtc(at) !== null && at.length === STORED_UTC_LENGTH) return at;
  const reading = parseIsoDate(at);
  return reading.ok ? formatUtcIso(reading.date) : at;
}

/**
 * The decision for one match: deterministic (same input, same output), explained step by step.
 * Order: the publisher's own page; a quotation; a consent that licenses the copy; the closest
 * consent it breaches; else unlicensed (naming pending consents that would cover it).
 */
export function decideMatch(input: DecisionInput): DecisionOutcome {
  const atIso = storedUtcOf(input.at);
  const base = { reasons: [] as BreachReason[], consentId: null, considered: [] as ConsentEvaluation[], pending: [] as DecisionOutcome['pending'], signals: [] as SignalUse[], at: atIso };
  // The page URL is read once: every owner site, licensee and consent place is tested against it.
  const location = locatePage(input.page.url);
  const owner = ownerStep(input, location);
  if (owner) return { ...base, decision: 'owner_site', explanation: [owner] };
  if (input.match.kind === 'quotation') {
    return { ...base, decision: 'allowed_quotation', explanation: [`the match is a quotation (${input.match.copiedWords} copied words)`] };
  }
  // In id order, so the stored details do not depend on the order consents were loaded in.
  const evaluations = concerning(input, location)
    .sort((a, b) => a.id - b.id)
    .map((c) => evaluateConsent(c, { ...input, at: atIso }, location));
  const pending = evaluations.filter((e) => e.status === 'pending');
  const decidable = evaluations.filter((e) => e.status !== 'pending');
  const pendingNotes = pending.map((e) => ({ consentId: e.consentId, uid: e.uid, wouldLicense: e.broken.length === 0, broken: e.broken }));
  const signalsOf = (e: ConsentEvaluation | undefined) => e?.signals ?? [];
  const licensing = decidable.filter((e) => e.broken.length === 0).sort((a, b) => a.consentId - b.consentId)[0];
  if (licensing) {
    return {
      ...base,
      decision: 'licensed',
      consentId: licensing.consentId,
      considered: evaluations,
      pending: pendingNotes,
      signals: signalsOf(licensing),
      explanation: [`consent ${licensing.consentId} (${licensing.uid}) covers the page and every term is met`, ...licensing.notes],
    };
  }
  if (decidable.length > 0) {
    const closest = pickClosest(decidable);
    return {
      ...base,
      decision: 'licence_breach',
      reasons: closest.broken,
      consentId: closest.consentId,
      considered: evaluations,
      pending: pendingNotes,
      signals: signalsOf(closest),
      explanation: [`closest consent ${closest.consentId} (${closest.uid}) is broken: ${closest.broken.join(', ')}`, ...closest.notes],
    };
  }
  const explanation = ['no consent covers the page'];
  for (const p of pendingNotes) {
    explanation.push(`pending consent ${p.consentId} (${p.uid}) ${p.wouldLicense ? 'would license the copy once approved' : `concerns the page but would be broken: ${p.broken.join(', ')}`}`);
  }
  return { ...base, decision: 'unlicensed', considered: evaluations, pending: pendingNotes, explanation };
}
