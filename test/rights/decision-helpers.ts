import type { DecisionArticle, DecisionInput, DecisionMatch, LicenseeSites, PageSignals, SignalUse } from '../../src/rights/decide.ts';
import type { ArticleScope, BreachReason, Consent, Decision } from '../../src/rights/types.ts';

/**
 * One baseline world for the decision table: the publisher "Daily News" owns *.daily-news.example,
 * its licensee "Partner Post" publishes on partner-post.example, and consent 1 lets Partner Post
 * republish everything there during February 2026 with no other terms. Each table row changes only
 * what it is about, so the row reads as the case it tests.
 */

export const ARTICLE_URL = 'https://www.daily-news.example/politics/2026/02/01/vote';
export const ARTICLE_CANONICAL = 'https://daily-news.example/p/vote';
export const ARTICLE_PUBLISHED = '2026-02-01T08:00:00Z';
export const PAGE_URL = 'https://partner-post.example/world/vote-copy';
export const AT = '2026-02-10T12:00:00Z';
export const VALID_FROM = '2026-02-01T00:00:00Z';
// Midnight UTC on purpose: validUntil is exclusive, so this instant is the first one outside.
export const VALID_UNTIL = '2026-03-01T00:00:00Z';
export const PARTNER_ID = 1;
export const OTHER_LICENSEE_ID = 2;

export const LICENSEES: LicenseeSites[] = [
  { id: PARTNER_ID, name: 'Partner Post', places: ['partner-post.example', '*.partnerpost.example'] },
  { id: OTHER_LICENSEE_ID, name: 'Other Gazette', places: ['other-gazette.example'] },
];

export function scope(overrides: Partial<ArticleScope> = {}): ArticleScope {
  return { all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null, ...overrides };
}

/** A consent of Partner Post that licenses the baseline copy; `overrides.id` also sets its uid. */
export function consent(overrides: Partial<Consent> = {}): Consent {
  const id = overrides.id ?? 1;
  return {
    id,
    uid: `urn:consent:${id}`,
    licenseeId: PARTNER_ID,
    licenseeName: 'Partner Post',
    scope: scope(),
    places: ['partner-post.example'],
    validFrom: VALID_FROM,
    validUntil: VALID_UNTIL,
    use: 'full',
    maxWords: null,
    maxPercent: null,
    holdBackHours: null,
    duties: [],
    territory: null,
    contractRef: null,
    status: 'active',
    createdBy: 'test',
    createdAt: '2026-01-15T00:00:00Z',
    updatedAt: '2026-01-15T00:00:00Z',
    ...overrides,
  };
}

/** What a table row may change; `consent` is shorthand for one consent built from these overrides. */
export interface Given {
  match?: Partial<DecisionMatch>;
  article?: Partial<DecisionArticle>;
  page?: Partial<PageSignals>;
  consent?: Partial<Consent>;
  consents?: Partial<Consent>[];
  ownerSites?: string[];
  licensees?: LicenseeSites[];
  at?: string;
}

export function decisionInput(given: Given = {}): DecisionInput {
  const consents = given.consents ?? [given.consent ?? {}];
  return {
    match: { kind: 'excerpt', copiedWords: 120, coverage: 0.2, ...given.match },
    article: {
      id: 'dn-2026-0201-vote',
      url: ARTICLE_URL,
      canonicalUrl: ARTICLE_CANONICAL,
      publishedAt: ARTICLE_PUBLISHED,
      section: 'Politics',
      tags: ['election', 'parliament'],
      credit: 'Daily News',
      ...given.article,
    },
    page: {
      url: PAGE_URL,
      canonicalUrl: null,
      credits: [],
      author: null,
      siteName: 'Partner Post',
      links: [],
      publishedAt: null,
      firstSeenAt: AT,
      ...given.page,
    },
    ownerSites: given.ownerSites ?? ['*.daily-news.example'],
    licensees: given.licensees ?? LICENSEES,
    consents: consents.map((c) => consent(c)),
    at: given.at ?? AT,
  };
}

/** The part of an outcome a row pins down; fields left out are not checked by that row. */
export interface Want {
  decision: Decision;
  reasons?: BreachReason[];
  consentId?: number | null;
  pending?: { consentId: number; wouldLicense: boolean; broken: BreachReason[] }[];
  /** Every signal of the outcome, in order; each with the fields the row cares about. */
  signals?: (Partial<SignalUse> & Pick<SignalUse, 'term' | 'met'>)[];
}

export function licensed(consentId = 1, extra: Partial<Want> = {}): Want {
  return { decision: 'licensed', reasons: [], consentId, ...extra };
}

export function breach(reasons: BreachReason[], consentId = 1, extra: Partial<Want> = {}): Want {
  return { decision: 'licence_breach', reasons, consentId, ...extra };
}

export function unlicensed(pending: Want['pending'] = []): Want {
  return { decision: 'unlicensed', reasons: [], consentId: null, pending };
}
