import { ValidationError } from '../errors.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';
import { normalisePlace } from './places.ts';
import { CONSENT_STATUSES, type Consent, type ConsentStatus } from './types.ts';
import {
  ARTICLES_TARGET,
  DUTY_ACTIONS,
  EXPORT_CONTEXT_TERMS,
  LICENSEE_UID_PREFIX,
  MAX_HOLD_BACK_HOURS,
  MAX_PERCENT,
  MAX_TEXT_CHARS,
  ODRL_CONTEXT,
  RIGHTSML_PROFILE,
  TERM,
  USE_ACTIONS,
  readsAsWebPlace,
} from './odrl-vocabulary.ts';

/** A typed JSON-LD literal, e.g. {"@value": "2025-01-01T00:00:00.000Z", "@type": "xsd:dateTime"}. */
export interface OdrlTypedValue {
  '@value': string;
  '@type': string;
}

export interface OdrlConstraint {
  leftOperand: string;
  operator: string;
  rightOperand: string | string[] | OdrlTypedValue;
  unit?: string;
}

export interface OdrlParty {
  '@type': 'Party';
  uid: string;
  name: string;
}

export interface OdrlAssetCollection {
  '@type': 'AssetCollection';
  source: string;
  refinement: OdrlConstraint[];
}

export interface OdrlPermission {
  target: string | OdrlAssetCollection;
  action: string;
  constraint: OdrlConstraint[];
  duty?: { action: string }[];
}

/** One consent as an ODRL 2.2 Agreement (JSON-LD); the mapping is in odrl-vocabulary.ts. */
export interface OdrlAgreement {
  '@context': [string, Record<string, string>];
  '@type': 'Agreement';
  uid: string;
  profile: string;
  assigner: OdrlParty;
  assignee: OdrlParty;
  permission: [OdrlPermission];
  'copyhound:status': ConsentStatus;
  'copyhound:contractReference'?: string;
}

const HOUR_SECONDS = 3600;

class Unexportable {
  constructor(private readonly uid: string) {}
  refuse(field: string, reason: string): never {
    throw new ValidationError(`Consent ${this.uid}: ${field}: ${reason}`, { uid: this.uid, field, reason });
  }
  /** A text the importer reads back unchanged: trimmed, not empty, bounded. */
  text(field: string, value: string): string {
    if (value.trim() !== value || value === '' || value.length > MAX_TEXT_CHARS) {
      this.refuse(field, `must be 1-${MAX_TEXT_CHARS} characters without surrounding spaces`);
    }
    return value;
  }
  instant(field: string, value: string): string {
    const reading = parseIsoDate(value);
    if (!reading.ok) this.refuse(field, reading.message);
    return formatUtcIso(reading.date);
  }
}

function dateTimeValue(iso: string): OdrlTypedValue {
  return { '@value': iso, '@type': TERM.xsdDateTime };
}

/** Whole hours as hours; a fraction in seconds, the only xsd:duration field that takes one. */
function formatHoldBack(hours: number, check: Unexportable): string {
  if (!Number.isFinite(hours) || hours < 0 || hours > MAX_HOLD_BACK_HOURS) {
    check.refuse('holdBackHours', `must be 0-${MAX_HOLD_BACK_HOURS} hours`);
  }
  if (Number.isInteger(hours)) return `PT${hours}H`;
  const seconds = hours * HOUR_SECONDS;
  if (String(seconds).includes('e') || seconds / HOUR_SECONDS !== hours) {
    check.refuse('holdBackHours', `${hours} hours cannot be written as an exact duration`);
  }
  return `PT${seconds}S`;
}

function windowConstraints(
  left: string,
  from: string | null,
  until: string | null,
  fields: [string, string],
  check: Unexportable,
): OdrlConstraint[] {
  const start = from === null ? null : check.instant(fields[0], from);
  const end = until === null ? null : check.instant(fields[1], until);
  if (start !== null && end !== null && start >= end) check.refuse(fields[1], `${end} is not after ${fields[0]} ${start}`);
  return [
    ...(start === null ? [] : [{ leftOperand: left, operator: TERM.gteq, rightOperand: dateTimeValue(start) }]),
    ...(end === null ? [] : [{ leftOperand: left, operator: TERM.lt, rightOperand: dateTimeValue(end) }]),
  ];
}

function exportTarget(consent: Consent, check: Unexportable): OdrlPermission['target'] {
  const s = consent.scope;
  const refinement: OdrlConstraint[] = [];
  const lists: [string, string, string[]][] = [
    ['scope.ids', TERM.articleId, s.ids],
    ['scope.sections', TERM.section, s.sections],
    ['scope.tags', TERM.tag, s.tags],
  ];
  for (const [field, left, values] of lists) {
    if (values.length === 0) continue;
    values.forEach((v, i) => check.text(`${field}[${i}]`, v));
    refinement.push({ leftOperand: left, operator: TERM.isAnyOf, rightOperand: [...values] });
  }
  refinement.push(...windowConstraints(TERM.published, s.publishedFrom, s.publishedUntil, ['scope.publishedFrom', 'scope.publishedUntil'], check));
  // The importer sets `all` exactly when no criterion is given; anything else would not read back.
  if (s.all !== (refinement.length === 0)) {
    check.refuse('scope.all', s.all ? 'is true while other criteria are given' : 'is false while no criterion is given');
  }
  return s.all ? ARTICLES_TARGET : { '@type': 'AssetCollection', source: ARTICLES_TARGET, refinement };
}

function exportLimits(consent: Consent, check: Unexportable): OdrlConstraint[] {
  const { maxWords, maxPercent } = consent;
  if (consent.use !== 'excerpt' && (maxWords !== null || maxPercent !== null)) {
    check.refuse(maxWords !== null ? 'maxWords' : 'maxPercent', 'excerpt limits apply only to use "excerpt"');
  }
  const out: OdrlConstraint[] = [];
  if (maxWords !== null) {
    if (!Number.isSafeInteger(maxWords) || maxWords < 1) check.refuse('maxWords', 'must be a whole number of at least 1');
    out.push({ leftOperand: TERM.count, operator: TERM.lteq, rightOperand: { '@value': String(maxWords), '@type': TERM.xsdNonNegativeInteger }, unit: TERM.words });
  }
  if (maxPercent !== null) {
    // String() writes shares below 1e-6 with an exponent, which xsd:decimal does not allow.
    if (!Number.isFinite(maxPercent) || maxPercent <= 0 || maxPercent > MAX_PERCENT || String(maxPercent).includes('e')) {
      check.refuse('maxPercent', `must be above 0.000001 and at most ${MAX_PERCENT}`);
    }
    out.push({ leftOperand: TERM.percentage, operator: TERM.lteq, rightOperand: { '@value': String(maxPercent), '@type': TERM.xsdDecimal } });
  }
  return out;
}

function exportConstraints(consent: Consent, check: Unexportable): OdrlConstraint[] {
  if (consent.places.length === 0) {
    check.refuse('places', 'no place: Copyhound licenses copies only in named places, and an Agreement without one would read as anywhere');
  }
  const places = consent.places.map((p, i) => {
    try {
      return normalisePlace(p);
    } catch (error) {
      return check.refuse(`places[${i}]`, error instanceof Error ? error.message : String(error));
    }
  });
  const constraints = windowConstraints(TERM.dateTime, consent.validFrom, consent.validUntil, ['validFrom', 'validUntil'], check);
  constraints.push({ leftOperand: TERM.virtualLocation, operator: TERM.isAnyOf, rightOperand: places });
  if (consent.territory !== null) {
    const territory = check.text('territory', consent.territory);
    if (readsAsWebPlace(territory)) check.refuse('territory', `"${territory}" would read back as a web place; give a country code such as "DE"`);
    constraints.push({ leftOperand: TERM.spatial, operator: TERM.eq, rightOperand: territory });
  }
  constraints.push(...exportLimits(consent, check));
  if (consent.holdBackHours !== null) {
    constraints.push({ leftOperand: TERM.elapsedTime, operator: TERM.gteq, rightOperand: { '@value': formatHoldBack(consent.holdBackHours, check), '@type': TERM.xsdDuration } });
  }
  return constraints;
}

/**
 * One consent as an ODRL 2.2 Agreement in the RightsML profile. Throws ValidationError (naming
 * the consent and field) for a consent the mapping cannot carry exactly, rather than writing a
 * document that would read back as a different licence.
 */
export function exportConsentToOdrl(consent: Consent, publisher: { name: string; uid: string }): OdrlAgreement {
  const check = new Unexportable(consent.uid);
  check.text('uid', consent.uid);
  const licensee = check.text('licenseeName', consent.licenseeName);
  if (!CONSENT_STATUSES.includes(consent.status)) check.refuse('status', `must be one of ${CONSENT_STATUSES.join(', ')}`);
  if (new Set(consent.duties).size !== consent.duties.length) check.refuse('duties', 'a duty is listed twice');
  const permission: OdrlPermission = {
    target: exportTarget(consent, check),
    action: USE_ACTIONS[consent.use] ?? check.refuse('use', `must be one of ${Object.keys(USE_ACTIONS).join(', ')}`),
    constraint: exportConstraints(consent, check),
  };
  if (consent.duties.length > 0) {
    permission.duty = consent.duties.map((d) => ({ action: DUTY_ACTIONS[d] ?? check.refuse('duties', `unknown duty "${d}"`) }));
  }
  const agreement: OdrlAgreement = {
    '@context': [ODRL_CONTEXT, { ...EXPORT_CONTEXT_TERMS }],
    '@type': 'Agreement',
    uid: consent.uid,
    profile: RIGHTSML_PROFILE,
    assigner: { '@type': 'Party', uid: check.text('publisher.uid', publisher.uid), name: check.text('publisher.name', publisher.name) },
    assignee: { '@type': 'Party', uid: LICENSEE_UID_PREFIX + encodeURIComponent(licensee), name: licensee },
    permission: [permission],
    'copyhound:status': consent.status,
  };
  if (consent.contractRef !== null) agreement['copyhound:contractReference'] = check.text('contractRef', consent.contractRef);
  return agreement;
}
