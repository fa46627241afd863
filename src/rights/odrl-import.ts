import { ValidationError } from '../errors.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';
import { normalisePlace } from './places.ts';
import { CONSENT_STATUSES, type ArticleScope, type ConsentDuty, type ConsentInput, type ConsentStatus, type ConsentUse } from './types.ts';
import {
  ACCEPTED_PROFILES, ARTICLES_TARGET, COPYHOUND_NS, COPYHOUND_PROFILE, DEFAULT_PREFIXES, DUTY_ACTIONS, LICENSEE_UID_PREFIX, MAX_AGREEMENTS, MAX_DEPTH,
  MAX_HOLD_BACK_HOURS, MAX_LIST_VALUES, MAX_PERCENT, MAX_TERMS_PER_AGREEMENT, MAX_TEXT_CHARS, ODRL_CONTEXT, ODRL_CONTEXTS, ODRL_NS,
  RIGHTSML_PROFILE, TERM, USE_ACTIONS, VCARD_NS, XSD_NS, iriOf, readsAsWebPlace,
} from './odrl-vocabulary.ts';

/**
 * Reads ODRL 2.2 / RightsML Agreements into consents, by the mapping in odrl-vocabulary.ts.
 * Not a general JSON-LD processor: it reads the shapes that mapping defines (compact names,
 * prefixed names or full IRIs alike) and refuses everything else with its JSON path, so that
 * nothing a partner wrote is silently dropped.
 */

/** A consent read from an ODRL document, with the licensee's own sites when the document gives them. */
export type ImportedConsent = ConsentInput & { uid: string; licenseeName: string; licenseePlaces: string[] };

/** A JSON value and where it sits in the document. */
interface At { value: unknown; path: string }
/** An object's entries by expanded IRI (or JSON-LD keyword), with the key as written. */
type Fields = Map<string, At & { key: string }>;
/** Term and prefix definitions in force: the ODRL context's, ours, the document's. */
interface Context { terms: Map<string, string>; hasOdrl: boolean }
interface Name extends At { text: string; iri: string }
interface Literal extends At { text: string; type: string | null; isNumber: boolean }
interface Constraint { at: At; left: Name; op: Name; values: Literal[]; valuesAt: At; unit: Name | null }
interface Bound { iso: string; millis: number }
interface Window { from: Bound | null; until: Bound | null }
/** Constraints, refinements and duties still allowed in the Agreement being read. */
interface Budget { left: number }

const I = Object.fromEntries(Object.entries(TERM).map(([k, v]) => [k, iriOf(v)])) as { [K in keyof typeof TERM]: string };
const odrl = (name: string) => ODRL_NS + name;
const ID = '@id';
const TYPE = '@type';
const NAME = `${VCARD_NS}fn`;
const DATE_TYPES: ReadonlySet<string> = new Set([I.xsdDateTime, I.xsdDate, I.xsdDateTimeStamp]);
const NUMBER_TYPES: ReadonlySet<string> = new Set([I.xsdDecimal, I.xsdInteger, I.xsdNonNegativeInteger, I.xsdPositiveInteger]);
const DURATION_TYPES: ReadonlySet<string> = new Set([I.xsdDuration, I.xsdDayTimeDuration]);
const TEXT_TYPES: ReadonlySet<string> = new Set([ID, I.xsdString, `${XSD_NS}anyURI`]);
const USE_OF_ACTION = new Map(Object.entries(USE_ACTIONS).map(([use, action]) => [iriOf(action), use as ConsentUse]));
const DUTY_OF_ACTION = new Map(Object.entries(DUTY_ACTIONS).map(([duty, action]) => [iriOf(action), duty as ConsentDuty]));
const HOURS_PER_WEEK = 168;
const HOURS_PER_DAY = 24;
const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;
const LOGICAL = 'logical constraints (and/or/xone/andSequence) are not supported: list plain constraints, which must all hold';
const REASONS = new Map([
  [odrl('prohibition'), 'prohibitions are not supported: a consent only grants, and whatever it does not grant stays prohibited'],
  [odrl('obligation'), 'Agreement-level obligations are not supported: give duties on the permission'],
  [odrl('and'), LOGICAL], [odrl('or'), LOGICAL], [odrl('xone'), LOGICAL], [odrl('andSequence'), LOGICAL],
  [odrl('rightOperandReference'), 'rightOperandReference is not supported: give the value itself in rightOperand'],
  [odrl('inheritFrom'), 'policy inheritance is not supported: send the complete Agreement'],
  ['@context', 'a nested @context is not read: declare prefixes and terms on the Agreement or the document'],
]);
// Names whose meaning this reader relies on; a document's @context may not redefine them.
const READ_NAMES: ReadonlySet<string> = new Set([NAME, ...Object.values(I), ...['profile', 'assigner', 'assignee', 'permission', 'prohibition',
  'obligation', 'target', 'action', 'constraint', 'duty', 'refinement', 'source', 'leftOperand', 'operator', 'rightOperand', 'rightOperandReference',
  'unit', 'dataType', 'and', 'or', 'xone', 'andSequence', 'inheritFrom', 'Offer', 'Set', 'PartyCollection', 'LogicalConstraint'].map(odrl)]);
const KEYS = {
  agreement: new Set(['@context', ID, TYPE, odrl('profile'), odrl('assigner'), odrl('assignee'), odrl('target'), odrl('action'), odrl('permission'), I.status, I.contractReference]),
  permission: new Set([ID, TYPE, odrl('assigner'), odrl('assignee'), odrl('target'), odrl('action'), odrl('constraint'), odrl('duty')]),
  assigner: new Set([ID, TYPE, NAME]),
  assignee: new Set([ID, TYPE, NAME, I.places]),
  collection: new Set([ID, TYPE, odrl('source'), odrl('refinement')]),
  constraint: new Set([ID, TYPE, odrl('leftOperand'), odrl('operator'), odrl('rightOperand'), odrl('unit'), odrl('dataType')]),
  duty: new Set([ID, TYPE, odrl('action')]),
};

function refuse(path: string, reason: string): never {
  throw new ValidationError(`${path}: ${reason}`, { path, reason });
}

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/['\\]/g, '\\$&')}']`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses a document nested deeper than MAX_DEPTH; walks it without recursion. */
function checkDepth(doc: unknown): void {
  type Entry = { value: unknown; depth: number; parent: Entry | null; key: string | number };
  const stack: Entry[] = [{ value: doc, depth: 1, parent: null, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (typeof entry.value !== 'object' || entry.value === null) continue;
    if (entry.depth > MAX_DEPTH) {
      const keys: (string | number)[] = [];
      for (let e: Entry | null = entry; e?.parent; e = e.parent) keys.unshift(e.key);
      refuse(keys.reduce<string>(childPath, '$'), `nested deeper than ${MAX_DEPTH} levels`);
    }
    const isArray = Array.isArray(entry.value);
    for (const [key, value] of Object.entries(entry.value)) stack.push({ value, depth: entry.depth + 1, parent: entry, key: isArray ? Number(key) : key });
  }
}

function listOf(at: At, what: string, max = MAX_LIST_VALUES): At[] {
  if (!Array.isArray(at.value)) return [at];
  if (at.value.length > max) refuse(at.path, `${at.value.length} ${what}; at most ${max}`);
  return at.value.map((value, i) => ({ value, path: childPath(at.path, i) }));
}

/** A list of constraints, refinements or duties, counted against the Agreement's budget. */
function takeRules(at: At | undefined, what: string, budget: Budget): At[] {
  if (at === undefined) return [];
  const items = listOf(at, what, Number.MAX_SAFE_INTEGER);
  budget.left -= items.length;
  if (budget.left < 0) refuse(at.path, `more than ${MAX_TERMS_PER_AGREEMENT} constraints, refinements and duties in one Agreement`);
  return items;
}

function expandTerm(term: string, ctx: Context): string {
  if (term === 'uid') return ID;
  if (term === 'type') return TYPE;
  if (term.startsWith('@')) return term;
  const colon = term.indexOf(':');
  if (colon === -1) return ctx.terms.get(term) ?? ODRL_NS + term;
  const suffix = term.slice(colon + 1);
  if (suffix.startsWith('//')) return term;
  const ns = ctx.terms.get(term.slice(0, colon));
  return ns === undefined ? term : ns + suffix;
}

// "name" and "copyhound:" are read as ours even where a document forgot to define them.
const BASE: Context = { terms: new Map([...Object.entries(DEFAULT_PREFIXES), ['copyhound', COPYHOUND_NS], ['name', NAME]]), hasOdrl: false };

function readContext(at: At | undefined, outer: Context): Context {
  const ctx: Context = { terms: new Map(outer.terms), hasOdrl: outer.hasOdrl };
  for (const item of at === undefined ? [] : listOf(at, 'context entries')) {
    if (typeof item.value === 'string') {
      if (!ODRL_CONTEXTS.has(item.value)) refuse(item.path, `context "${item.value}" is not fetched; only the ODRL context ${ODRL_CONTEXT} is known`);
      ctx.hasOdrl = true;
      continue;
    }
    if (!isObject(item.value)) refuse(item.path, 'a context entry must be the ODRL context IRI or an object of prefix definitions');
    for (const [key, value] of Object.entries(item.value)) {
      const path = childPath(item.path, key);
      if (key === '@version' || key === '@language') continue;
      if (key.startsWith('@') || key.includes(':') || key === 'uid' || key === 'type') refuse(path, `"${key}" would change what names mean here; only prefix and term definitions are read`);
      if (typeof value !== 'string') refuse(path, 'only plain prefix and term definitions (strings) are read');
      const iri = expandTerm(value, ctx);
      const standard = expandTerm(key, BASE);
      if (READ_NAMES.has(standard) && iri !== standard) refuse(path, `redefines "${key}", which Copyhound reads as ${standard}`);
      ctx.terms.set(key, iri);
    }
  }
  return ctx;
}

function readFields(at: At, ctx: Context, what: string, allowed: ReadonlySet<string>): Fields {
  if (!isObject(at.value)) refuse(at.path, `${what} must be a JSON object`);
  const fields: Fields = new Map();
  for (const [key, value] of Object.entries(at.value)) {
    const iri = expandTerm(key, ctx);
    const path = childPath(at.path, key);
    if (!allowed.has(iri)) {
      if (what === 'a duty' && iri === odrl('constraint')) refuse(path, 'a constraint on a duty is not supported: Copyhound checks duties unconditionally');
      refuse(path, REASONS.get(iri) ?? `unknown property "${key}" on ${what}: Copyhound would ignore it, so it refuses the document`);
    }
    const prior = fields.get(iri);
    if (prior) refuse(path, `the same property as "${prior.key}", given twice`);
    fields.set(iri, { key, value, path });
  }
  return fields;
}

function required(fields: Fields, iri: string, parent: At, what: string): At {
  return fields.get(iri) ?? refuse(parent.path, `no ${what}`);
}

function readText(at: At, what: string): string {
  if (typeof at.value !== 'string') refuse(at.path, `${what} must be a string`);
  const text = at.value.trim();
  if (text === '' || text.length > MAX_TEXT_CHARS) refuse(at.path, `${what} must be 1-${MAX_TEXT_CHARS} characters`);
  return text;
}

/** A vocabulary name: "x", "odrl:x", a full IRI, {"@id": ...}, or a list of exactly one of these. */
function readName(at: At, ctx: Context, what: string): Name {
  const items = listOf(at, `${what} names`);
  if (items.length !== 1) refuse(at.path, `expected one ${what}, got ${items.length}`);
  const item = items[0];
  let text = item.value;
  if (isObject(text) && ('rdf:value' in text || 'refinement' in text)) refuse(item.path, `a refined ${what} is not supported; give the ${what} by name`);
  if (isObject(text) && Object.keys(text).length === 1 && typeof text[ID] === 'string') text = text[ID];
  if (typeof text !== 'string' || text === '') refuse(item.path, `${what} must be a name`);
  return { ...item, text, iri: expandTerm(text, ctx) };
}

/** Checks @type: `expected` must be among the types; `tolerated` types may accompany it. */
function checkType(fields: Fields, parent: At, ctx: Context, expected: string, name: string, opts: { required?: boolean; tolerated?: string[]; why?: string } = {}): void {
  const at = fields.get(TYPE);
  if (!at) {
    if (opts.required) refuse(parent.path, `no @type (expected ${name})`);
    return;
  }
  const types = listOf(at, 'types').map((t) => ({ ...t, iri: typeof t.value === 'string' ? expandTerm(t.value, ctx) : '' }));
  for (const t of types) {
    if (t.iri !== expected && !(opts.tolerated ?? []).includes(t.iri)) refuse(t.path, `expected ${name}, got ${JSON.stringify(t.value)}${opts.why ? `: ${opts.why}` : ''}`);
  }
  if (!types.some((t) => t.iri === expected)) refuse(at.path, `expected ${name}`);
}

function readLiterals(at: At, dataType: string | null, ctx: Context): Literal[] {
  return listOf(at, 'values').map((item): Literal => {
    let value = item.value;
    let type: string | null = null;
    if (isObject(value)) {
      if (typeof value[ID] === 'string' && Object.keys(value).length === 1) return { ...item, text: value[ID].trim(), type: ID, isNumber: false };
      for (const key of Object.keys(value)) if (key !== '@value' && key !== TYPE) refuse(childPath(item.path, key), `"${key}" is not read in a value`);
      const typed = value[TYPE];
      if (typed !== undefined) type = typeof typed === 'string' ? expandTerm(typed, ctx) : refuse(childPath(item.path, TYPE), 'must be a name');
      value = value['@value'];
    }
    if (dataType !== null && type !== null && type !== dataType) refuse(item.path, `@type ${type} disagrees with the constraint's dataType ${dataType}`);
    if (typeof value === 'number' && Number.isFinite(value)) return { ...item, text: String(value), type: type ?? dataType, isNumber: true };
    if (typeof value !== 'string') refuse(item.path, 'expected a string, a number or {"@value": ..., "@type": ...}');
    if (value.length > MAX_TEXT_CHARS) refuse(item.path, `longer than ${MAX_TEXT_CHARS} characters`);
    return { ...item, text: value.trim(), type: type ?? dataType, isNumber: false };
  });
}

function readConstraint(at: At, ctx: Context): Constraint {
  const fields = readFields(at, ctx, 'a constraint', KEYS.constraint);
  checkType(fields, at, ctx, I.constraint, 'Constraint');
  const left = readName(required(fields, odrl('leftOperand'), at, 'leftOperand'), ctx, 'leftOperand');
  const op = readName(required(fields, odrl('operator'), at, 'operator'), ctx, 'operator');
  const dataTypeAt = fields.get(odrl('dataType'));
  const valuesAt = required(fields, odrl('rightOperand'), at, 'rightOperand');
  const values = readLiterals(valuesAt, dataTypeAt ? readName(dataTypeAt, ctx, 'dataType').iri : null, ctx);
  if (values.length === 0) refuse(valuesAt.path, 'no value');
  const unitAt = fields.get(odrl('unit'));
  const unit = unitAt ? readName(unitAt, ctx, 'unit') : null;
  if (unit && left.iri !== I.count) refuse(unit.path, `a unit is not read on ${left.text}`);
  return { at, left, op, values, valuesAt, unit };
}

function expectOperator(c: Constraint, allowed: string[]): string {
  if (!allowed.includes(c.op.iri)) {
    refuse(c.op.path, `operator "${c.op.text}" is not supported on ${c.left.text} (expected ${allowed.map((a) => a.slice(ODRL_NS.length)).join(' or ')})`);
  }
  return c.op.iri;
}

function single(c: Constraint): Literal {
  if (c.values.length !== 1) refuse(c.valuesAt.path, `${c.left.text} ${c.op.text} takes one value, got ${c.values.length}`);
  return c.values[0];
}

/** The values of an isAnyOf list (or of eq with one value). */
function listValues(c: Constraint): Literal[] {
  return expectOperator(c, [I.isAnyOf, I.eq]) === I.eq ? [single(c)] : c.values;
}

function checkLiteralType(lit: Literal, allowed: ReadonlySet<string>, what: string): void {
  if (lit.type !== null && !allowed.has(lit.type)) refuse(lit.path, `${what} cannot have type ${lit.type}`);
}

function readTextValue(lit: Literal, what: string): string {
  checkLiteralType(lit, TEXT_TYPES, what);
  if (lit.isNumber) refuse(lit.path, `${what} must be written as a string`);
  if (lit.text === '') refuse(lit.path, `${what} is empty`);
  return lit.text;
}

function readPlace(lit: Literal): string {
  const text = readTextValue(lit, 'a place');
  try {
    return normalisePlace(text);
  } catch (error) {
    if (error instanceof ValidationError) refuse(lit.path, error.message);
    throw error;
  }
}

function readNumber(lit: Literal, what: string): number {
  checkLiteralType(lit, NUMBER_TYPES, what);
  const n = lit.isNumber || DECIMAL.test(lit.text) ? Number(lit.text) : NaN;
  if (!Number.isFinite(n)) refuse(lit.path, `${what} must be a number, got "${lit.text}"`);
  return n;
}

/** gteq → start; lt → end (exclusive); lteq a bare date → end of that UTC day. */
function addBound(window: Window, c: Constraint): void {
  const op = expectOperator(c, [I.gteq, I.lt, I.lteq]);
  const lit = single(c);
  checkLiteralType(lit, DATE_TYPES, 'a date');
  const reading = lit.isNumber ? refuse(lit.path, 'a date must be ISO 8601 text') : parseIsoDate(lit.text);
  if (!reading.ok) refuse(lit.path, reading.message);
  let date = reading.date;
  if (op === I.lteq) {
    if (date.hasTime) refuse(c.op.path, 'lteq with a time would include that very instant; write lt with the first instant not covered');
    date = { ...date, dateTime: date.dateTime.plus({ days: 1 }) };
  }
  const side = op === I.gteq ? 'from' : 'until';
  if (window[side]) refuse(c.at.path, `a second ${side === 'from' ? 'start' : 'end'} for ${c.left.text}`);
  window[side] = { iso: formatUtcIso(date), millis: date.dateTime.toMillis() };
  if (window.from && window.until && window.from.millis >= window.until.millis) {
    refuse(c.at.path, `the ${c.left.text} window is empty: ${window.from.iso} is not before ${window.until.iso}`);
  }
}

/** Hours of an ISO 8601 duration; months and years have no fixed length, so they are refused. */
function readHoldBack(c: Constraint): number {
  expectOperator(c, [I.gteq]);
  const lit = single(c);
  checkLiteralType(lit, DURATION_TYPES, 'a hold-back');
  const text = lit.text.toUpperCase();
  if (/^P[^T]*[YM]/.test(text)) refuse(lit.path, `"${lit.text}" counts months or years, which have no fixed length; give weeks, days, hours or minutes`);
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) refuse(lit.path, `"${lit.text}" is not an ISO 8601 duration such as "PT24H"`);
  const [weeks, days, hours, minutes, seconds] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  // Divided (not multiplied by 1/60, 1/3600) so the exporter's "PT1800S" reads back exactly as 0.5.
  const total = weeks * HOURS_PER_WEEK + days * HOURS_PER_DAY + hours + minutes / 60 + seconds / 3600;
  if (total > MAX_HOLD_BACK_HOURS) refuse(lit.path, `a hold-back of ${total} hours is over the ${MAX_HOLD_BACK_HOURS}-hour limit`);
  return total;
}

function readTarget(at: At, ctx: Context, budget: Budget): ArticleScope {
  const scope: ArticleScope = { all: true, ids: [], sections: [], tags: [], publishedFrom: null, publishedUntil: null };
  const items = listOf(at, 'targets');
  if (items.length !== 1) refuse(at.path, `${items.length} targets; Copyhound reads one (list article ids in a ${TERM.articleId} refinement)`);
  const item = items[0];
  const plain = isObject(item.value) && Object.keys(item.value).length === 1 && typeof item.value[ID] === 'string' ? item.value[ID] : item.value;
  if (typeof plain === 'string') {
    if (plain.trim() !== ARTICLES_TARGET) refuse(item.path, `unknown target "${plain}": a consent covers ${ARTICLES_TARGET} (every article) or an AssetCollection refining it`);
    return scope;
  }
  const fields = readFields(item, ctx, 'the target', KEYS.collection);
  checkType(fields, item, ctx, I.assetCollection, 'AssetCollection', { required: true });
  const source = fields.get(odrl('source'));
  if (source && fields.has(ID)) refuse(fields.get(ID)!.path, 'give the collection by source only (ODRL 2.2 §2.5.5)');
  const nameAt = source ?? fields.get(ID) ?? refuse(item.path, `no source (expected "${ARTICLES_TARGET}")`);
  if (readText(nameAt, 'the collection') !== ARTICLES_TARGET) refuse(nameAt.path, `unknown collection; Copyhound refines ${ARTICLES_TARGET}`);
  const refinementAt = required(fields, odrl('refinement'), item, `refinement (for every article write the target "${ARTICLES_TARGET}")`);
  const refinements = takeRules(refinementAt, 'refinements', budget);
  if (refinements.length === 0) refuse(refinementAt.path, `no refinement (for every article write the target "${ARTICLES_TARGET}")`);
  const window: Window = { from: null, until: null };
  const lists = new Map([[I.articleId, scope.ids], [I.section, scope.sections], [I.tag, scope.tags]]);
  for (const r of refinements) {
    const c = readConstraint(r, ctx);
    const list = lists.get(c.left.iri);
    if (c.left.iri === I.published) addBound(window, c);
    else if (!list) refuse(c.left.path, `unknown leftOperand "${c.left.text}" for the target: Copyhound reads ${TERM.articleId}, ${TERM.section}, ${TERM.tag} and ${TERM.published}`);
    else if (list.length > 0) refuse(c.at.path, `a second ${c.left.text} refinement would have to hold as well; list every value in one`);
    else for (const lit of listValues(c)) list.push(readTextValue(lit, c.left.text));
  }
  return { ...scope, all: false, publishedFrom: window.from?.iso ?? null, publishedUntil: window.until?.iso ?? null };
}

interface Terms {
  window: Window;
  places: string[] | null;
  territory: string | null;
  maxWords: number | null;
  maxPercent: number | null;
  holdBackHours: number | null;
  /** Where an excerpt limit was given, to refuse it on reproduce. */
  limitAt: At | null;
}

function setPlaces(terms: Terms, c: Constraint, values: Literal[]): void {
  if (terms.places) refuse(c.at.path, 'places given twice: ODRL would require both constraints to hold; list every place in one');
  terms.places = values.map(readPlace);
}

/** spatial holds either web places (RightsML puts them there) or one territory, never both. */
function readSpatial(terms: Terms, c: Constraint): void {
  const values = listValues(c);
  const web = values.filter((v) => readsAsWebPlace(v.text)).length;
  if (web === values.length) return setPlaces(terms, c, values);
  if (web > 0) refuse(c.valuesAt.path, 'mixes web places and territories; give places under virtualLocation and the territory in its own constraint');
  if (values.length > 1) refuse(c.valuesAt.path, `${values.length} territories; Copyhound stores one`);
  if (terms.territory !== null) refuse(c.at.path, 'a second territory');
  terms.territory = readTextValue(values[0], 'a territory');
}

function readConstraints(at: At | undefined, permission: At, ctx: Context, budget: Budget): Terms {
  const terms: Terms = { window: { from: null, until: null }, places: null, territory: null, maxWords: null, maxPercent: null, holdBackHours: null, limitAt: null };
  const once = (c: Constraint, value: number | null) => {
    if (value !== null) refuse(c.at.path, `${c.left.text} given twice`);
    if (c.left.iri !== I.elapsedTime) terms.limitAt ??= c.at;
    return single(c);
  };
  for (const item of takeRules(at, 'constraints', budget)) {
    const c = readConstraint(item, ctx);
    switch (c.left.iri) {
      case I.dateTime:
        addBound(terms.window, c);
        break;
      case I.virtualLocation:
        setPlaces(terms, c, listValues(c));
        break;
      case I.spatial:
        readSpatial(terms, c);
        break;
      case I.count: {
        const lit = once(c, terms.maxWords);
        expectOperator(c, [I.lteq]);
        if (c.unit?.iri !== I.words) refuse(c.unit?.path ?? c.at.path, `count needs unit ${TERM.words}: without it ODRL counts uses of the action, which Copyhound does not track`);
        terms.maxWords = readNumber(lit, 'a word limit');
        if (!Number.isSafeInteger(terms.maxWords) || terms.maxWords < 1) refuse(lit.path, 'a word limit must be a whole number of at least 1');
        break;
      }
      case I.percentage: {
        const lit = once(c, terms.maxPercent);
        expectOperator(c, [I.lteq]);
        terms.maxPercent = readNumber(lit, 'a percentage');
        if (terms.maxPercent <= 0 || terms.maxPercent > MAX_PERCENT) refuse(lit.path, `a percentage must be above 0 and at most ${MAX_PERCENT}`);
        break;
      }
      case I.elapsedTime:
        once(c, terms.holdBackHours);
        terms.holdBackHours = readHoldBack(c);
        break;
      default:
        refuse(c.left.path, `unknown leftOperand "${c.left.text}": Copyhound reads dateTime, virtualLocation, spatial, count, percentage and elapsedTime`);
    }
  }
  if (!terms.places) refuse(at?.path ?? permission.path, 'no place (virtualLocation): Copyhound licenses copies only in named places, and without one the Agreement would read as anywhere');
  return terms;
}

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
