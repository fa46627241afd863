import { CONSENT_STATUSES, type ConsentDuty, type ConsentInput, type ConsentStatus, type ConsentUse } from './types.ts';
import {
  ACCEPTED_PROFILES, COPYHOUND_PROFILE, DUTY_ACTIONS, LICENSEE_UID_PREFIX, MAX_AGREEMENTS, MAX_TERMS_PER_AGREEMENT, ODRL_CONTEXT, RIGHTSML_PROFILE, TERM, USE_ACTIONS, iriOf,
} from './odrl-vocabulary.ts';
import {
  BASE, I, ID, NAME, TYPE, checkDepth, checkType, childPath, isObject, listOf, odrl, readContext, readFields, readLiterals, readName, readText, refuse, required, takeRules,
  type At, type Budget, type Context,
} from './odrl-json-ld-reader.ts';
import { readConstraints, readPlace, readTarget } from './odrl-constraints.ts';

/**
 * Reads ODRL 2.2 / RightsML Agreements into consents, by the mapping in odrl-vocabulary.ts:
 * the Agreement, its one permission, parties, action and duties here; names and values through
 * odrl-json-ld-reader.ts; constraints and target refinements through odrl-constraints.ts.
 */

/** A consent read from an ODRL document, with the licensee's own sites when the document gives them. */
export type ImportedConsent = ConsentInput & { uid: string; licenseeName: string; licenseePlaces: string[] };

const USE_OF_ACTION = new Map(Object.entries(USE_ACTIONS).map(([use, action]) => [iriOf(action), use as ConsentUse]));
const DUTY_OF_ACTION = new Map(Object.entries(DUTY_ACTIONS).map(([duty, action]) => [iriOf(action), duty as ConsentDuty]));
const KEYS = {
  agreement: new Set(['@context', ID, TYPE, odrl('profile'), odrl('assigner'), odrl('assignee'), odrl('target'), odrl('action'), odrl('permission'), I.status, I.contractReference]),
  permission: new Set([ID, TYPE, odrl('assigner'), odrl('assignee'), odrl('target'), odrl('action'), odrl('constraint'), odrl('duty')]),
  assigner: new Set([ID, TYPE, NAME]),
  assignee: new Set([ID, TYPE, NAME, I.places]),
  duty: new Set([ID, TYPE, odrl('action')]),
};

function readDuties(at: At | undefined, ctx: Context, budget: Budget): ConsentDuty[] {
  const duties: ConsentDuty[] = [];
  for (const item of takeRules(at, 'duties', budget)) {
    const fields = readFields(item, ctx, 'a duty', KEYS.duty);
    checkType(fields, item, ctx, I.duty, 'Duty');
    const action = readName(required(fields, odrl('action'), item, 'action'), ctx, 'action');
    const duty = DUTY_OF_ACTION.get(action.iri) ?? refuse(action.path, `unknown duty action "${action.text}": Copyhound reads attribute, ${TERM.linkBack} and ${TERM.canonicalLink}`);
    if (duties.includes(duty)) refuse(item.path, `the duty "${action.text}" is listed twice`);
    duties.push(duty);
  }
  return duties;
}

interface PartyRead { uid: string | null; uidAt: At | null; name: string | null; places: string[] }

function readParty(at: At, ctx: Context, role: 'assigner' | 'assignee'): PartyRead {
  if (typeof at.value === 'string') return { uid: readText(at, `the ${role}`), uidAt: at, name: null, places: [] };
  const fields = readFields(at, ctx, `the ${role}`, KEYS[role]);
  checkType(fields, at, ctx, I.party, 'Party', { tolerated: [I.vcardOrganization, I.vcardIndividual], why: 'the licence is between one publisher and one licensee' });
  const uidAt = fields.get(ID) ?? null;
  const nameAt = fields.get(NAME);
  const placesAt = fields.get(I.places);
  return {
    uid: uidAt ? readText(uidAt, `the ${role} uid`) : null,
    uidAt,
    name: nameAt ? readText(nameAt, `the ${role} name`) : null,
    places: placesAt ? readLiterals(placesAt, null, ctx).map(readPlace) : [],
  };
}

function readLicensee(at: At, ctx: Context): PartyRead & { name: string } {
  const party = readParty(at, ctx, 'assignee');
  if (party.name === null) refuse(at.path, 'the assignee has no name (name or vcard:fn): licensees are matched by name');
  if (party.uid?.startsWith(LICENSEE_UID_PREFIX)) {
    let named: string | null = null;
    try {
      named = decodeURIComponent(party.uid.slice(LICENSEE_UID_PREFIX.length));
    } catch {
      refuse(party.uidAt!.path, 'not a valid percent-encoded licensee name');
    }
    if (named !== party.name) refuse(party.uidAt!.path, `names licensee "${named}" but the assignee's name is "${party.name}"`);
  }
  return { ...party, name: party.name };
}

function readAgreement(at: At, outer: Context): ImportedConsent {
  if (!isObject(at.value)) refuse(at.path, 'an Agreement must be a JSON object');
  const contextAt = '@context' in at.value ? { value: at.value['@context'], path: childPath(at.path, '@context') } : undefined;
  const ctx = readContext(contextAt, outer);
  if (!ctx.hasOdrl) refuse(contextAt?.path ?? at.path, `no ODRL context: "@context" must include "${ODRL_CONTEXT}"`);
  const fields = readFields(at, ctx, 'the Agreement', KEYS.agreement);
  checkType(fields, at, ctx, I.agreement, 'Agreement', { required: true, why: 'only an Agreement, with its agreed assignee, is a consent' });
  const uid = readText(required(fields, ID, at, 'uid'), 'uid');
  for (const p of fields.has(odrl('profile')) ? listOf(fields.get(odrl('profile'))!, 'profiles') : []) {
    if (typeof p.value !== 'string' || !ACCEPTED_PROFILES.has(p.value)) {
      refuse(p.path, `unknown profile ${JSON.stringify(p.value)}: Copyhound reads the RightsML profile ${RIGHTSML_PROFILE} and its own ${COPYHOUND_PROFILE}`);
    }
  }
  const permissionsAt = required(fields, odrl('permission'), at, 'permission');
  const permissions = listOf(permissionsAt, 'permissions');
  if (permissions.length !== 1) refuse(permissionsAt.path, `${permissions.length} permissions; a consent is exactly one permission`);
  const permission = permissions[0];
  const own = readFields(permission, ctx, 'the permission', KEYS.permission);
  checkType(own, permission, ctx, I.permission, 'Permission');
  // ODRL 2.2 §2.7.1: parties, target and action on the Agreement apply to its permission.
  const inherited = (name: string): At => {
    const [onAgreement, onPermission] = [fields.get(odrl(name)), own.get(odrl(name))];
    if (onAgreement && onPermission) refuse(onPermission.path, `${name} is given on both the Agreement and the permission`);
    return onAgreement ?? onPermission ?? refuse(permission.path, `no ${name} (on the permission or the Agreement)`);
  };
  const assignerAt = inherited('assigner');
  if (readParty(assignerAt, ctx, 'assigner').uid === null) refuse(assignerAt.path, 'the assigner has no uid');
  const licensee = readLicensee(inherited('assignee'), ctx);
  const budget: Budget = { left: MAX_TERMS_PER_AGREEMENT };
  const scope = readTarget(inherited('target'), ctx, budget);
  const action = readName(inherited('action'), ctx, 'action');
  const use = USE_OF_ACTION.get(action.iri) ?? refuse(action.path, `unknown action "${action.text}": Copyhound reads reproduce (full copies) and extract (excerpts)`);
  const terms = readConstraints(own.get(odrl('constraint')), permission, ctx, budget);
  if (use === 'full' && terms.limitAt) refuse(terms.limitAt.path, 'excerpt limits apply only with action extract; with reproduce they would be ignored');
  const statusAt = fields.get(I.status);
  const status = statusAt ? readText(statusAt, 'status') : 'pending';
  if (!(CONSENT_STATUSES as readonly string[]).includes(status)) refuse(statusAt!.path, `unknown status "${status}": one of ${CONSENT_STATUSES.join(', ')}`);
  const contractAt = fields.get(I.contractReference);
  return {
    uid,
    licenseeName: licensee.name,
    licenseePlaces: licensee.places,
    scope,
    places: terms.places!,
    validFrom: terms.window.from?.iso ?? null,
    validUntil: terms.window.until?.iso ?? null,
    use,
    maxWords: terms.maxWords,
    maxPercent: terms.maxPercent,
    holdBackHours: terms.holdBackHours,
    duties: readDuties(own.get(odrl('duty')), ctx, budget),
    territory: terms.territory,
    contractRef: contractAt ? readText(contractAt, 'the contract reference') : null,
    status: status as ConsentStatus,
  };
}

/**
 * The consents in an ODRL document: one Agreement, an array of them, or {"@context", "@graph"}.
 * All or nothing: throws ValidationError (details {path, reason}) at the first problem, so the
 * caller stores every consent in one transaction or none.
 */
export function parseOdrlDocument(doc: unknown): ImportedConsent[] {
  checkDepth(doc);
  let outer = BASE;
  let list: At = { value: doc, path: '$' };
  if (isObject(doc) && '@graph' in doc) {
    for (const key of Object.keys(doc)) if (key !== '@context' && key !== '@graph') refuse(childPath('$', key), `"${key}" beside @graph is not read; put Agreements in @graph`);
    if ('@context' in doc) outer = readContext({ value: doc['@context'], path: childPath('$', '@context') }, outer);
    list = { value: doc['@graph'], path: childPath('$', '@graph') };
  }
  const items = listOf(list, 'agreements', MAX_AGREEMENTS);
  if (items.length === 0) refuse(list.path, 'no Agreement');
  const seen = new Map<string, string>();
  return items.map((item) => {
    const consent = readAgreement(item, outer);
    const prior = seen.get(consent.uid);
    if (prior !== undefined) refuse(item.path, `uid "${consent.uid}" is also the uid of ${prior}`);
    seen.set(consent.uid, item.path);
    return consent;
  });
}
