/**
 * W3C ODRL 2.2 / IPTC RightsML terms for consents (licences), and the one mapping that
 * odrl-export.ts writes and odrl-import.ts reads. The two are inverses: for every consent the
 * exporter accepts, parseOdrlDocument(exportConsentToOdrl(c)) gives back c's ConsentInput
 * fields exactly. Anything a document says that this mapping cannot carry is refused on import,
 * never dropped: a licence read more widely than written is a wrong "licensed" decision later.
 *
 * One consent is one Agreement:
 *   "@context"  [ODRL_CONTEXT, EXPORT_CONTEXT_TERMS]. Import needs the ODRL context; context
 *               objects may only define prefixes/terms (strings); they may not redefine a name
 *               this mapping reads, nor use @vocab/@base. Nothing is fetched.
 *   "@type"     "Agreement" (an Offer or Set has no agreed assignee: refused).
 *   uid         Consent.uid (ODRL aliases uid to @id, so either spelling is read).
 *   profile     RIGHTSML_PROFILE on export; import accepts ACCEPTED_PROFILES (one or a list),
 *               or none (plain ODRL); any other profile is refused.
 *   assigner    {"@type": "Party", uid: publisher uid, name}. Required on import with a uid
 *               (any; a plain IRI string is a party too); not stored.
 *   assignee    {"@type": "Party", uid: LICENSEE_UID_PREFIX + encodeURIComponent(name), name}.
 *               name (or vcard:fn) → licenseeName. Its uid is not stored (licensees are
 *               matched by name) but, when it is one of ours, must agree with the name.
 *               "copyhound:places": [place, ...] → licenseePlaces (import only).
 *               "@type" may also list vcard:Organization / vcard:Individual; no other keys.
 *   copyhound:status             ConsentStatus; absent on import: "pending".
 *   copyhound:contractReference  contractRef (absent: null).
 *   permission  exactly one; "prohibition" and "obligation" are refused. assigner, assignee,
 *               target and action may sit on the Agreement or on the permission (ODRL 2.2
 *               §2.7.1 inheritance: RightsML examples put parties on the permission), not both.
 *
 * The permission:
 *   target      scope.all (no other criterion) → ARTICLES_TARGET. Otherwise
 *               {"@type": "AssetCollection", "source": ARTICLES_TARGET, "refinement": [...]}
 *               (ODRL 2.2 §2.5.5: a refined collection is named by source, not uid; import
 *               takes either) with, in this order, each only when given:
 *                 copyhound:articleId isAnyOf [ids]      scope.ids
 *                 copyhound:section   isAnyOf [names]    scope.sections
 *                 copyhound:tag       isAnyOf [names]    scope.tags
 *                 copyhound:published gteq xsd:dateTime  scope.publishedFrom
 *                 copyhound:published lt   xsd:dateTime  scope.publishedUntil
 *               Import sets scope.all exactly when no refinement criterion is given, so the
 *               exporter refuses scopes where `all` disagrees with the criteria.
 *   action      use "full" → "reproduce"; use "excerpt" → "extract" (ODRL: use parts of it).
 *   constraint  (all must hold, as ODRL reads a list of constraints), in this order:
 *                 dateTime gteq xsd:dateTime           validFrom (UTC, formatUtcIso)
 *                 dateTime lt   xsd:dateTime           validUntil (exclusive)
 *                 virtualLocation isAnyOf [places]     places, normalised (places.ts)
 *                 spatial eq "DE"                      territory
 *                 count lteq N, unit copyhound:words   maxWords (excerpt only)
 *                 percentage lteq P (xsd:decimal)      maxPercent (excerpt only)
 *                 elapsedTime gteq xsd:duration        holdBackHours: "PT<H>H"; a fractional
 *                                                      hour is written in seconds "PT1800S"
 *               Import also reads: "eq" for a single listed value; "lteq" with a bare date on
 *               dateTime/published (until the end of that UTC day); spatial values that read
 *               as web places (readsAsWebPlace) as places, since RightsML puts web places
 *               there; durations in weeks/days/hours/minutes/seconds (a day is 24 h). Months
 *               and years have no fixed length and are refused. Zone-less dates are UTC.
 *               Places are required: Copyhound licenses copies only in named places, and an
 *               Agreement without a place constraint would read as "anywhere".
 *               count without the words unit counts uses of the action (not tracked): refused.
 *   duty        [{"action": "attribute"}]               duty "credit"
 *               [{"action": "copyhound:linkBack"}]      duty "link" (a link to the article)
 *               [{"action": "copyhound:canonicalLink"}] duty "canonical"
 *               in the consent's order; a duty with a constraint or any other key is refused.
 *
 * Read leniently: "name" and "copyhound:..." where a document forgot to define them in its
 * @context (both mean what EXPORT_CONTEXT_TERMS defines), "type"/"uid" for "@type"/"@id".
 * Tolerated without effect: "uid"/"@id" on parties, the permission, duties and constraints
 * (identifiers only); "@type" naming the class the position already implies (Permission, Duty,
 * Constraint); "dataType" agreeing with the value's type; "@version"/"@language" in a context.
 * Every other key, leftOperand, operator, action, logical constraint (and/or/xone/andSequence)
 * or rightOperandReference is refused with its JSON path and the reason.
 */

export const ODRL_CONTEXT = 'http://www.w3.org/ns/odrl.jsonld';
export const ODRL_CONTEXTS: ReadonlySet<string> = new Set([ODRL_CONTEXT, 'https://www.w3.org/ns/odrl.jsonld']);

export const ODRL_NS = 'http://www.w3.org/ns/odrl/2/';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema#';
export const VCARD_NS = 'http://www.w3.org/2006/vcard/ns#';
export const RIGHTSML_NS = 'http://iptc.org/std/RightsML/2011-10-07/';
export const COPYHOUND_NS = 'https://copyhound.dev/ns/odrl#';

/** IPTC RightsML 2.0, the profile for ODRL 2.2 news licensing. */
export const RIGHTSML_PROFILE = 'https://iptc.org/std/RightsML/odrl-profile/';
/** Copyhound's own profile: ODRL 2.2 plus the copyhound: terms below. */
export const COPYHOUND_PROFILE = 'https://copyhound.dev/ns/odrl-profile/';
// IPTC's own documents also write the profile with http; it names the same profile.
export const ACCEPTED_PROFILES: ReadonlySet<string> = new Set([RIGHTSML_PROFILE, 'http://iptc.org/std/RightsML/odrl-profile/', COPYHOUND_PROFILE]);

/**
 * The second @context entry of an exported Agreement. "name" is defined (as vcard:fn, the
 * ODRL-recommended party name) so JSON-LD processors keep the party names.
 */
export const EXPORT_CONTEXT_TERMS: Readonly<Record<string, string>> = {
  rightsml: RIGHTSML_NS,
  copyhound: COPYHOUND_NS,
  name: 'vcard:fn',
};

/** Prefixes the ODRL context itself defines, plus ours, so compact names resolve offline. */
export const DEFAULT_PREFIXES: Readonly<Record<string, string>> = {
  odrl: ODRL_NS,
  xsd: XSD_NS,
  vcard: VCARD_NS,
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  schema: 'http://schema.org/',
  cc: 'http://creativecommons.org/ns#',
};

/** Every owned article; with refinements, the collection the refinements narrow. */
export const ARTICLES_TARGET = 'urn:copyhound:articles';
export const LICENSEE_UID_PREFIX = 'urn:copyhound:licensee:';

/** Names as the exporter writes them (bare names are ODRL terms, from the ODRL context). */
export const TERM = {
  agreement: 'Agreement',
  party: 'Party',
  assetCollection: 'AssetCollection',
  permission: 'Permission',
  duty: 'Duty',
  constraint: 'Constraint',
  reproduce: 'reproduce',
  extract: 'extract',
  attribute: 'attribute',
  linkBack: 'copyhound:linkBack',
  canonicalLink: 'copyhound:canonicalLink',
  dateTime: 'dateTime',
  virtualLocation: 'virtualLocation',
  spatial: 'spatial',
  count: 'count',
  percentage: 'percentage',
  elapsedTime: 'elapsedTime',
  articleId: 'copyhound:articleId',
  section: 'copyhound:section',
  tag: 'copyhound:tag',
  published: 'copyhound:published',
  eq: 'eq',
  gteq: 'gteq',
  lt: 'lt',
  lteq: 'lteq',
  isAnyOf: 'isAnyOf',
  words: 'copyhound:words',
  status: 'copyhound:status',
  contractReference: 'copyhound:contractReference',
  places: 'copyhound:places',
  vcardOrganization: 'vcard:Organization',
  vcardIndividual: 'vcard:Individual',
  xsdDateTime: 'xsd:dateTime',
  xsdDate: 'xsd:date',
  xsdDateTimeStamp: 'xsd:dateTimeStamp',
  xsdDuration: 'xsd:duration',
  xsdDayTimeDuration: 'xsd:dayTimeDuration',
  xsdDecimal: 'xsd:decimal',
  xsdInteger: 'xsd:integer',
  xsdNonNegativeInteger: 'xsd:nonNegativeInteger',
  xsdPositiveInteger: 'xsd:positiveInteger',
  xsdString: 'xsd:string',
} as const;

/** Consent use → the permission's action. */
export const USE_ACTIONS = { full: TERM.reproduce, excerpt: TERM.extract } as const;
/** Consent duty → the duty's action. */
export const DUTY_ACTIONS = { credit: TERM.attribute, link: TERM.linkBack, canonical: TERM.canonicalLink } as const;

/** The full IRI of one of our own compact names (as the exporter writes them). */
export function iriOf(compact: string): string {
  const colon = compact.indexOf(':');
  if (colon === -1) return ODRL_NS + compact;
  const prefix = compact.slice(0, colon);
  const ns = prefix === 'copyhound' ? COPYHOUND_NS : DEFAULT_PREFIXES[prefix];
  return ns === undefined ? compact : ns + compact.slice(colon + 1);
}

// One import is stored in one transaction; a partner's larger catalogue is sent in parts.
export const MAX_AGREEMENTS = 1000;
// Our own Agreements nest about ten levels deep; much deeper is not a consent.
export const MAX_DEPTH = 32;
// Constraints plus target refinements plus duties of one Agreement; ours have at most a dozen.
export const MAX_TERMS_PER_AGREEMENT = 1000;
// Values in one list (article ids, sections, tags, places): as many as a consent may list
// (consent-input.ts), so every stored consent exports and reads back.
export const MAX_LIST_VALUES = 10_000;
// Any one text (uid, name, id, section, territory, contract reference); places have their own cap.
export const MAX_TEXT_CHARS = 2000;
// A hold-back of more than ten years is a typing error, not a term anyone agreed (as consent-input.ts).
export const MAX_HOLD_BACK_HOURS = 87_600;
// percentage is a share of the article: ODRL defines it from 0 to 100.
export const MAX_PERCENT = 100;

// Code lists whose IRIs name countries and regions (RightsML puts them under spatial), so an
// IRI on these hosts is a territory even though it is a URL.
const TERRITORY_VOCABULARY_HOSTS: ReadonlySet<string> = new Set([
  'cvx.iptc.org',
  'id.loc.gov',
  'sws.geonames.org',
  'www.geonames.org',
  'publications.europa.eu',
  'www.wikidata.org',
  'dbpedia.org',
  'www.iso.org',
]);
const HOST_LIKE = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}\.?(?::\d{1,5})?(?:\/\S*)?$/i;

/**
 * Whether a spatial value names a web place ("partner.example", "*.partner.example",
 * "https://partner.example/news/") rather than a territory ("DE", "DE-BY", an ISO 3166 code
 * list IRI). The exporter refuses a territory that would read back as a web place.
 */
export function readsAsWebPlace(value: string): boolean {
  const text = value.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      return !TERRITORY_VOCABULARY_HOSTS.has(new URL(text).hostname.toLowerCase());
    } catch {
      return true;
    }
  }
  return HOST_LIKE.test(text);
}
