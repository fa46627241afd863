import { describe, expect, it } from 'vitest';
import { decideMatch, type DecisionOutcome } from '../../src/rights/decide.ts';
import { BREACH_REASONS } from '../../src/rights/types.ts';
import {
  ARTICLE_CANONICAL, ARTICLE_PUBLISHED, VALID_FROM, VALID_UNTIL, OTHER_LICENSEE_ID,
  breach, decisionInput, licensed, scope, unlicensed, type Given, type Want,
} from './decision-helpers.ts';

/**
 * The rights decision as a table: one row per case, each changing the baseline world of
 * decision-helpers.ts (consent 1 of Partner Post licenses its copy of the article) in one way.
 */
interface Row { name: string; given: Given; want: Want }

// Article published 2026-02-01T08:00Z; a 24-hour hold-back lets the copy appear from this instant.
const HOLD_BACK_HOURS = 24;
const HOLD_BACK_ENDS = '2026-02-02T08:00:00Z';
const holdBack = { holdBackHours: HOLD_BACK_HOURS };
const firstSeenAt = (iso: string) => ({ page: { firstSeenAt: iso } });
const ID = 'dn-2026-0201-vote';

const OWNER_AND_QUOTATION: Row[] = [
  { name: 'owner site place covers the page', given: { page: { url: 'https://amp.daily-news.example/vote' } }, want: { decision: 'owner_site', reasons: [], consentId: null } },
  { name: 'page is the article URL (http, no www, trailing slash)', given: { ownerSites: [], page: { url: 'http://daily-news.example/politics/2026/02/01/vote/' } }, want: { decision: 'owner_site' } },
  { name: 'page is the article canonical URL (with www)', given: { ownerSites: [], page: { url: 'https://www.daily-news.example/p/vote' } }, want: { decision: 'owner_site' } },
  { name: 'owner site wins over a quotation', given: { page: { url: 'https://daily-news.example/x' }, match: { kind: 'quotation' } }, want: { decision: 'owner_site' } },
  { name: 'owner site wins over a consent place covering it', given: { page: { url: 'https://daily-news.example/x' }, consent: { places: ['daily-news.example'] } }, want: { decision: 'owner_site' } },
  { name: 'another page on the article host is not the article', given: { ownerSites: [], page: { url: 'https://daily-news.example/politics/2026/02/01/vote-live' } }, want: unlicensed() },
  { name: 'quotation on a licensee page (consent revoked)', given: { match: { kind: 'quotation', copiedWords: 25 }, consent: { status: 'revoked' } }, want: { decision: 'allowed_quotation', reasons: [], consentId: null } },
  { name: 'quotation on an unknown site', given: { match: { kind: 'quotation' }, page: { url: 'https://copycat.example/x' } }, want: { decision: 'allowed_quotation' } },
];

const CONCERNS_AND_LICENSED: Row[] = [
  { name: 'consent place covers the page', given: {}, want: licensed(1) },
  { name: 'consent place covers the page, licensee lists no site', given: { licensees: [] }, want: licensed(1) },
  { name: 'consent wildcard place covers a sub-domain page', given: { consent: { places: ['*.partnerpost.example'] }, page: { url: 'https://m.partnerpost.example/x' } }, want: licensed(1) },
  { name: 'several licensing consents: lowest id', given: { consents: [{ id: 7 }, { id: 3 }, { id: 5 }] }, want: licensed(3) },
  { name: 'licensing consent beats a lower-id broken one', given: { consents: [{ id: 1, status: 'revoked' }, { id: 2 }] }, want: licensed(2) },
  { name: 'only the licensee site covers the page', given: { consent: { places: ['https://partner-post.example/syndication/'] } }, want: breach(['place_not_covered']) },
  { name: 'consent of a licensee with no site there', given: { consent: { licenseeId: OTHER_LICENSEE_ID, places: ['other-gazette.example'] } }, want: unlicensed() },
  { name: 'page on no consent place and no licensee site', given: { page: { url: 'https://copycat.example/vote' } }, want: unlicensed() },
  { name: 'no consents at all', given: { consents: [] }, want: unlicensed() },
];

const PENDING: Row[] = [
  { name: 'pending consent that would license', given: { consent: { status: 'pending' } }, want: unlicensed([{ consentId: 1, wouldLicense: true, broken: [] }]) },
  { name: 'pending consent that would be broken', given: { consent: { status: 'pending', duties: ['credit'] } }, want: unlicensed([{ consentId: 1, wouldLicense: false, broken: ['credit_missing'] }]) },
  { name: 'pending consent via licensee site only', given: { consent: { status: 'pending', places: ['https://partner-post.example/syndication/'] } }, want: unlicensed([{ consentId: 1, wouldLicense: false, broken: ['place_not_covered'] }]) },
  { name: 'pending listed beside a licensing consent', given: { consents: [{ id: 1, status: 'pending' }, { id: 2 }] }, want: licensed(2, { pending: [{ consentId: 1, wouldLicense: true, broken: [] }] }) },
  { name: 'pending is never the closest breach', given: { consents: [{ id: 1, status: 'pending' }, { id: 2, status: 'revoked' }] }, want: breach(['revoked'], 2, { pending: [{ consentId: 1, wouldLicense: true, broken: [] }] }) },
];

const CLOSEST_BREACH: Row[] = [
  { name: 'fewest broken terms wins', given: { consents: [{ id: 1, duties: ['credit', 'link'] }, { id: 2, duties: ['canonical'] }] }, want: breach(['canonical_missing'], 2) },
  { name: 'tie: active before expired', given: { consents: [{ id: 1, status: 'expired', validUntil: null }, { id: 2, duties: ['credit'] }] }, want: breach(['credit_missing'], 2) },
  { name: 'tie: expired before revoked', given: { consents: [{ id: 1, status: 'revoked' }, { id: 2, status: 'expired', validUntil: null }] }, want: breach(['expired'], 2) },
  { name: 'tie: active before revoked', given: { consents: [{ id: 1, status: 'revoked' }, { id: 3, duties: ['link'] }] }, want: breach(['link_back_missing'], 3) },
  { name: 'tie: active past validUntil before status expired', given: { at: VALID_UNTIL, consents: [{ id: 1, status: 'expired', validUntil: null }, { id: 2 }] }, want: breach(['expired'], 2) },
  { name: 'tie, same status: lowest id', given: { consents: [{ id: 4, duties: ['credit'] }, { id: 2, duties: ['link'] }] }, want: breach(['link_back_missing'], 2) },
  {
    name: 'every broken term named, in BREACH_REASONS order',
    given: {
      match: { kind: 'reproduction', copiedWords: 900, coverage: 0.95 },
      consent: {
        status: 'revoked', validUntil: '2026-02-05T00:00:00Z', scope: scope({ sections: ['Sport'] }), places: ['https://partner-post.example/syndication/'],
        use: 'excerpt', maxWords: 50, holdBackHours: 24 * 30, duties: ['canonical', 'link', 'credit'],
      },
    },
    want: breach(['expired', 'revoked', 'article_out_of_scope', 'place_not_covered', 'excerpt_over_limit', 'reproduction_not_permitted', 'published_before_hold_back', 'credit_missing', 'link_back_missing', 'canonical_missing']),
  },
  { name: 'revoked before its start: not_yet_valid then revoked', given: { at: '2026-01-15T00:00:00Z', consent: { status: 'revoked' } }, want: breach(['not_yet_valid', 'revoked']) },
];

const VALIDITY: Row[] = [
  { name: 'validUntil: one millisecond before is valid', given: { at: '2026-02-28T23:59:59.999Z' }, want: licensed() },
  { name: 'validUntil: one second before is valid', given: { at: '2026-02-28T23:59:59Z' }, want: licensed() },
  { name: 'validUntil: exactly midnight UTC is expired', given: { at: VALID_UNTIL }, want: breach(['expired']) },
  { name: 'validUntil: same instant written at +01:00 is expired', given: { at: '2026-03-01T01:00:00+01:00' }, want: breach(['expired']) },
  { name: 'validUntil: later is expired', given: { at: '2026-06-01T00:00:00Z' }, want: breach(['expired']) },
  { name: 'validUntil open', given: { at: '2030-01-01T00:00:00Z', consent: { validUntil: null } }, want: licensed() },
  // Copyhound marks a consent expired once valid-until passes: what was observed before still counts as licensed.
  { name: 'status expired, observed before its validUntil', given: { consent: { status: 'expired' } }, want: licensed() },
  { name: 'status expired, observed at its validUntil', given: { at: VALID_UNTIL, consent: { status: 'expired' } }, want: breach(['expired']) },
  { name: 'status expired without validUntil', given: { consent: { status: 'expired', validUntil: null } }, want: breach(['expired']) },
  { name: 'validFrom: exactly at it is valid', given: { at: VALID_FROM }, want: licensed() },
  { name: 'validFrom: one millisecond before is not yet valid', given: { at: '2026-01-31T23:59:59.999Z' }, want: breach(['not_yet_valid']) },
  { name: 'validFrom open', given: { at: '2020-01-01T00:00:00Z', consent: { validFrom: null } }, want: licensed() },
  { name: 'revoked', given: { consent: { status: 'revoked' } }, want: breach(['revoked']) },
];

const SCOPE: Row[] = [
  { name: 'ids list contains the article', given: { consent: { scope: scope({ all: false, ids: ['dn-other', ID] }) } }, want: licensed() },
  { name: 'ids list lacks the article', given: { consent: { scope: scope({ all: false, ids: ['dn-other'] }) } }, want: breach(['article_out_of_scope']) },
  { name: 'section listed in other case', given: { consent: { scope: scope({ all: false, sections: ['POLITICS'] }) } }, want: licensed() },
  { name: 'section of the article in other case', given: { article: { section: 'pOlItIcS' }, consent: { scope: scope({ all: false, sections: ['politics'] }) } }, want: licensed() },
  { name: 'section not listed', given: { consent: { scope: scope({ all: false, sections: ['Sport', 'Culture'] }) } }, want: breach(['article_out_of_scope']) },
  { name: 'article without a section, sections listed', given: { article: { section: null }, consent: { scope: scope({ all: false, sections: ['Politics'] }) } }, want: breach(['article_out_of_scope']) },
  { name: 'id listed but its section is not', given: { consent: { scope: scope({ all: false, ids: [ID], sections: ['Sport'] }) } }, want: breach(['article_out_of_scope']) },
  { name: 'one of the tags listed', given: { consent: { scope: scope({ all: false, tags: ['sport', 'parliament'] }) } }, want: licensed() },
  { name: 'none of the tags listed', given: { consent: { scope: scope({ all: false, tags: ['sport'] }) } }, want: breach(['article_out_of_scope']) },
  { name: 'article without tags, tags listed', given: { article: { tags: [] }, consent: { scope: scope({ all: false, tags: ['election'] }) } }, want: breach(['article_out_of_scope']) },
  { name: 'window: published exactly at from', given: { consent: { scope: scope({ publishedFrom: ARTICLE_PUBLISHED, publishedUntil: '2026-03-01T00:00:00Z' }) } }, want: licensed() },
  { name: 'window: published one second before from', given: { consent: { scope: scope({ publishedFrom: '2026-02-01T08:00:01Z' }) } }, want: breach(['article_out_of_scope']) },
  { name: 'window: published one second before until', given: { consent: { scope: scope({ publishedUntil: '2026-02-01T08:00:01Z' }) } }, want: licensed() },
  { name: 'window: published exactly at until is out', given: { consent: { scope: scope({ publishedFrom: '2026-01-01T00:00:00Z', publishedUntil: ARTICLE_PUBLISHED }) } }, want: breach(['article_out_of_scope']) },
  { name: 'window: until written at +01:00, same instant, is out', given: { consent: { scope: scope({ publishedUntil: '2026-02-01T09:00:00+01:00' }) } }, want: breach(['article_out_of_scope']) },
  { name: 'window: article without publication date', given: { article: { publishedAt: null }, consent: { scope: scope({ publishedFrom: '2026-01-01T00:00:00Z' }) } }, want: breach(['article_out_of_scope']) },
];

const excerptOf = (limits: { maxWords?: number; maxPercent?: number }) => ({ consent: { use: 'excerpt' as const, ...limits } });
const EXCERPT_AND_REPRODUCTION: Row[] = [
  { name: 'maxWords N, copied N', given: { ...excerptOf({ maxWords: 120 }), match: { copiedWords: 120 } }, want: licensed() },
  { name: 'maxWords N, copied N+1', given: { ...excerptOf({ maxWords: 120 }), match: { copiedWords: 121 } }, want: breach(['excerpt_over_limit']) },
  { name: 'maxPercent 10, coverage 0.1 (10.000000000000002 in floating point)', given: { ...excerptOf({ maxPercent: 10 }), match: { coverage: 0.1 } }, want: licensed() },
  { name: 'maxPercent 7, coverage 0.07 (7.000000000000001 in floating point)', given: { ...excerptOf({ maxPercent: 7 }), match: { coverage: 0.07 } }, want: licensed() },
  { name: 'maxPercent 10, coverage 0.1001', given: { ...excerptOf({ maxPercent: 10 }), match: { coverage: 0.1001 } }, want: breach(['excerpt_over_limit']) },
  { name: 'maxPercent 10, coverage 0.10000001', given: { ...excerptOf({ maxPercent: 10 }), match: { coverage: 0.10000001 } }, want: breach(['excerpt_over_limit']) },
  { name: 'both limits: words within, share over', given: { ...excerptOf({ maxWords: 500, maxPercent: 15 }), match: { copiedWords: 120, coverage: 0.2 } }, want: breach(['excerpt_over_limit']) },
  { name: 'both limits: share within, words over', given: { ...excerptOf({ maxWords: 100, maxPercent: 25 }), match: { copiedWords: 120, coverage: 0.2 } }, want: breach(['excerpt_over_limit']) },
  { name: 'use full: excerpt limits do not apply', given: { consent: { use: 'full', maxWords: 10, maxPercent: 1 } }, want: licensed() },
  { name: 'use excerpt, match reproduction', given: { ...excerptOf({}), match: { kind: 'reproduction', copiedWords: 800, coverage: 0.9 } }, want: breach(['reproduction_not_permitted']) },
  { name: 'use excerpt, reproduction over the limit too', given: { ...excerptOf({ maxWords: 200 }), match: { kind: 'reproduction', copiedWords: 800, coverage: 0.9 } }, want: breach(['excerpt_over_limit', 'reproduction_not_permitted']) },
  { name: 'use full, match reproduction', given: { match: { kind: 'reproduction', copiedWords: 800, coverage: 0.9 } }, want: licensed() },
];

const HOLD_BACK: Row[] = [
  { name: 'first seen exactly at publication + H', given: { consent: holdBack, ...firstSeenAt(HOLD_BACK_ENDS) }, want: licensed(1, { signals: [{ term: 'hold_back', signal: 'first seen by Copyhound', value: HOLD_BACK_ENDS, met: true }] }) },
  { name: 'first seen one second earlier', given: { consent: holdBack, ...firstSeenAt('2026-02-02T07:59:59Z') }, want: breach(['published_before_hold_back'], 1, { signals: [{ term: 'hold_back', signal: 'first seen by Copyhound', met: false }] }) },
  {
    name: 'page time (earlier than first seen) one second early',
    given: { consent: holdBack, page: { publishedAt: '2026-02-02T07:59:59Z', firstSeenAt: '2026-02-05T00:00:00Z' } },
    want: breach(['published_before_hold_back'], 1, { signals: [{ term: 'hold_back', signal: 'page publication time', value: '2026-02-02T07:59:59Z', met: false }] }),
  },
  {
    name: 'page time exactly at publication + H, written at +02:00',
    given: { consent: holdBack, page: { publishedAt: '2026-02-02T10:00:00+02:00', firstSeenAt: '2026-02-05T00:00:00Z' } },
    want: licensed(1, { signals: [{ term: 'hold_back', signal: 'page publication time', value: '2026-02-02T10:00:00+02:00', met: true }] }),
  },
  {
    name: 'date-only page date is ignored for first seen',
    given: { consent: holdBack, page: { publishedAt: '2026-02-01', firstSeenAt: HOLD_BACK_ENDS } },
    want: licensed(1, { signals: [{ term: 'hold_back', signal: 'first seen by Copyhound', value: HOLD_BACK_ENDS, met: true }] }),
  },
  {
    name: 'page claiming a time after first seen: first seen decides',
    given: { consent: holdBack, page: { publishedAt: '2026-02-20T00:00:00Z', firstSeenAt: '2026-02-02T07:00:00Z' } },
    want: breach(['published_before_hold_back'], 1, { signals: [{ term: 'hold_back', signal: 'first seen by Copyhound', value: '2026-02-02T07:00:00Z', met: false }] }),
  },
];

const credit = { duties: ['credit' as const] };
const link = { duties: ['link' as const] };
const canonical = { duties: ['canonical' as const] };
const DUTIES: Row[] = [
  { name: 'credit in page credits[0], other case', given: { consent: credit, page: { credits: ['DAILY NEWS'] } }, want: licensed(1, { signals: [{ term: 'credit', signal: 'page credits[0]', value: 'DAILY NEWS', met: true }] }) },
  { name: 'credit inside page credits[1]', given: { consent: credit, page: { credits: ['Photo: Reuters', 'Source: daily news, Berlin'] } }, want: licensed(1, { signals: [{ term: 'credit', signal: 'page credits[1]', met: true }] }) },
  { name: 'credit in page author', given: { consent: credit, page: { credits: ['Photo: Reuters'], author: 'By Jane Roe, Daily News' } }, want: licensed(1, { signals: [{ term: 'credit', signal: 'page author', value: 'By Jane Roe, Daily News', met: true }] }) },
  { name: 'credit nowhere', given: { consent: credit, page: { credits: ['Photo: Reuters'], author: 'Jane Roe' } }, want: breach(['credit_missing'], 1, { signals: [{ term: 'credit', met: false, value: null }] }) },
  { name: 'article without credit line: duty not breakable', given: { consent: credit, article: { credit: null } }, want: licensed(1, { signals: [{ term: 'credit', met: true, value: null }] }) },
  { name: 'link to the article URL (http, no www, trailing slash)', given: { consent: link, page: { links: ['https://x.example/', 'http://daily-news.example/politics/2026/02/01/vote/'] } }, want: licensed(1, { signals: [{ term: 'link', signal: 'link in the article text', value: 'http://daily-news.example/politics/2026/02/01/vote/', met: true }] }) },
  { name: 'link to the canonical URL with www', given: { consent: link, page: { links: ['https://www.daily-news.example/p/vote'] } }, want: licensed() },
  { name: 'link to another article only', given: { consent: link, page: { links: ['https://daily-news.example/p/vote-2', 'https://daily-news.example/'] } }, want: breach(['link_back_missing'], 1, { signals: [{ term: 'link', met: false, value: null }] }) },
  { name: 'no links at all', given: { consent: link }, want: breach(['link_back_missing']) },
  { name: 'canonical = article URL (no www, trailing slash)', given: { consent: canonical, page: { canonicalUrl: 'https://daily-news.example/politics/2026/02/01/vote/' } }, want: licensed(1, { signals: [{ term: 'canonical', met: true }] }) },
  { name: 'canonical = article canonical URL', given: { consent: canonical, page: { canonicalUrl: 'http://daily-news.example/p/vote' } }, want: licensed() },
  { name: 'canonical = the copy itself', given: { consent: canonical, page: { canonicalUrl: 'https://partner-post.example/world/vote-copy' } }, want: breach(['canonical_missing']) },
  { name: 'no canonical', given: { consent: canonical }, want: breach(['canonical_missing'], 1, { signals: [{ term: 'canonical', met: false, value: null }] }) },
  { name: 'every duty met: one signal per duty, in duty order', given: { consent: { duties: ['credit', 'link', 'canonical'] }, page: { author: 'Daily News', links: [ARTICLE_CANONICAL], canonicalUrl: ARTICLE_CANONICAL } }, want: licensed(1, { signals: [{ term: 'credit', signal: 'page author', met: true }, { term: 'link', met: true }, { term: 'canonical', met: true }] }) },
];

/** Sorted copies, so lists built from consents compare as sets whatever order consents came in. */
function byConsent(outcome: DecisionOutcome) {
  return {
    considered: [...outcome.considered].sort((a, b) => a.consentId - b.consentId),
    pending: [...outcome.pending].sort((a, b) => a.consentId - b.consentId),
  };
}

function checkRow({ given, want }: Row) {
  const outcome = decideMatch(decisionInput(given));
  expect(outcome.decision).toBe(want.decision);
  if (want.reasons) expect(outcome.reasons).toEqual(want.reasons);
  if (want.consentId !== undefined) expect(outcome.consentId).toBe(want.consentId);
  if (want.pending) expect(outcome.pending.map(({ consentId, wouldLicense, broken }) => ({ consentId, wouldLicense, broken }))).toEqual(want.pending);
  if (want.signals) expect(outcome.signals).toMatchObject(want.signals);

  // Invariants of every outcome.
  expect(outcome.reasons).toEqual(BREACH_REASONS.filter((r) => outcome.reasons.includes(r)));
  if (outcome.decision !== 'licence_breach') expect(outcome.reasons).toEqual([]);
  expect(outcome.explanation.length).toBeGreaterThan(0);
  for (const line of outcome.explanation) expect(line.trim()).not.toBe('');

  // Deterministic: the same input again, and the consents in other orders.
  expect(decideMatch(decisionInput(given))).toEqual(outcome);
  const consents = given.consents ?? [];
  const reorderings = [[...consents].reverse(), [...consents.slice(1), ...consents.slice(0, 1)]];
  for (const reordered of consents.length > 1 ? reorderings : []) {
    const again = decideMatch(decisionInput({ ...given, consents: reordered }));
    expect({ decision: again.decision, reasons: again.reasons, consentId: again.consentId, signals: again.signals }).toEqual({
      decision: outcome.decision, reasons: outcome.reasons, consentId: outcome.consentId, signals: outcome.signals,
    });
    expect(byConsent(again)).toEqual(byConsent(outcome));
  }
}

const TABLE: [string, Row[]][] = [
  ['owner site and quotation', OWNER_AND_QUOTATION],
  ['which consents concern the page; licensed', CONCERNS_AND_LICENSED],
  ['pending consents', PENDING],
  ['the closest breached consent', CLOSEST_BREACH],
  ['validity: expired, not_yet_valid, revoked', VALIDITY],
  ['article_out_of_scope', SCOPE],
  ['excerpt_over_limit and reproduction_not_permitted', EXCERPT_AND_REPRODUCTION],
  ['published_before_hold_back', HOLD_BACK],
  ['credit_missing, link_back_missing, canonical_missing', DUTIES],
];

for (const [group, rows] of TABLE) {
  describe(`decideMatch: ${group}`, () => {
    it.each(rows)('$name', (row) => checkRow(row));
  });
}

describe('decideMatch: the table itself', () => {
  it('has unique row names and covers every breach reason and decision', () => {
    const rows = TABLE.flatMap(([, r]) => r);
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    const reasons = new Set(rows.flatMap((r) => r.want.reasons ?? []));
    expect(BREACH_REASONS.filter((r) => !reasons.has(r))).toEqual([]);
    expect(new Set(rows.map((r) => r.want.decision))).toEqual(new Set(['owner_site', 'allowed_quotation', 'licensed', 'licence_breach', 'unlicensed']));
  });

  it('states the instant it judged, in UTC', () => {
    expect(decideMatch(decisionInput({ at: '2026-03-01T01:00:00+01:00' })).at).toBe('2026-03-01T00:00:00.000Z');
    expect(decideMatch(decisionInput()).at).toBe('2026-02-10T12:00:00.000Z');
  });
});
