/**
 * The consent a publisher gave, as the decision reads it. Pure data: the database rows
 * (db/consents.ts) and ODRL documents (odrl-*.ts) are both turned into this shape.
 */

export const CONSENT_STATUSES = ['pending', 'active', 'revoked', 'expired'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const CONSENT_USES = ['full', 'excerpt'] as const;
export type ConsentUse = (typeof CONSENT_USES)[number];

export const CONSENT_DUTIES = ['credit', 'link', 'canonical'] as const;
export type ConsentDuty = (typeof CONSENT_DUTIES)[number];

/**
 * Which owned articles a consent covers. Every given criterion must hold (an article in `ids`
 * must also be in a listed section, when sections are listed); `all: true` with no other
 * criterion covers every article.
 */
export interface ArticleScope {
  all: boolean;
  ids: string[];
  sections: string[];
  tags: string[];
  /** Publication-date window of the article, ISO 8601 UTC; until is exclusive. */
  publishedFrom: string | null;
  publishedUntil: string | null;
}

export interface Consent {
  id: number;
  /** Stable identity across systems (the ODRL Agreement's uid). */
  uid: string;
  licenseeId: number;
  licenseeName: string;
  scope: ArticleScope;
  /** Places (see places.ts): "example.com", "*.example.com" or a URL prefix "https://example.com/partner/". */
  places: string[];
  /** ISO 8601 UTC; null: open. validUntil is exclusive. */
  validFrom: string | null;
  validUntil: string | null;
  use: ConsentUse;
  /** Excerpt limits (use = excerpt): copied words, and copied share of the article in percent. */
  maxWords: number | null;
  maxPercent: number | null;
  /** The copy may appear only this many hours after the article's publication. */
  holdBackHours: number | null;
  duties: ConsentDuty[];
  /** Stored and shown, not decided on (a page's readers' territory is not observable). */
  territory: string | null;
  contractRef: string | null;
  status: ConsentStatus;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** The fields a user gives when registering a consent (the rest is set by Copyhound). */
export type ConsentInput = Omit<Consent, 'id' | 'licenseeId' | 'createdBy' | 'createdAt' | 'updatedAt' | 'uid'> & { uid?: string };

export const DECISIONS = ['owner_site', 'allowed_quotation', 'licensed', 'licence_breach', 'unlicensed'] as const;
export type Decision = (typeof DECISIONS)[number];

export const BREACH_REASONS = [
  'expired',
  'not_yet_valid',
  'revoked',
  'article_out_of_scope',
  'place_not_covered',
  'excerpt_over_limit',
  'reproduction_not_permitted',
  'published_before_hold_back',
  'credit_missing',
  'link_back_missing',
  'canonical_missing',
] as const;
export type BreachReason = (typeof BREACH_REASONS)[number];

/** Decisions that make (or keep) an infringement report. */
export const REPORTABLE_DECISIONS: ReadonlySet<Decision> = new Set(['unlicensed', 'licence_breach']);
