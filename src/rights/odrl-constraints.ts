import { ValidationError } from '../errors.ts';
import { formatUtcIso, parseIsoDate } from '../time/parse-date.ts';
import { normalisePlace } from './places.ts';
import type { ArticleScope } from './types.ts';
import { ARTICLES_TARGET, MAX_HOLD_BACK_HOURS, MAX_PERCENT, ODRL_NS, TERM, XSD_NS, readsAsWebPlace } from './odrl-vocabulary.ts';
import {
  I, ID, TYPE, checkType, isObject, listOf, odrl, readFields, readLiterals, readName, readText, refuse, required, takeRules,
  type At, type Budget, type Context, type Literal, type Name,
} from './odrl-json-ld-reader.ts';

/**
 * Maps ODRL constraints (on the permission) and refinements (on the target's AssetCollection)
 * to a consent's terms and article scope, by the mapping in odrl-vocabulary.ts.
 */

interface Constraint { at: At; left: Name; op: Name; values: Literal[]; valuesAt: At; unit: Name | null }
interface Bound { iso: string; millis: number }
interface Window { from: Bound | null; until: Bound | null }

const DATE_TYPES: ReadonlySet<string> = new Set([I.xsdDateTime, I.xsdDate, I.xsdDateTimeStamp]);
const NUMBER_TYPES: ReadonlySet<string> = new Set([I.xsdDecimal, I.xsdInteger, I.xsdNonNegativeInteger, I.xsdPositiveInteger]);
const DURATION_TYPES: ReadonlySet<string> = new Set([I.xsdDuration, I.xsdDayTimeDuration]);
const TEXT_TYPES: ReadonlySet<string> = new Set([ID, I.xsdString, `${XSD_NS}anyURI`]);
const HOURS_PER_WEEK = 168;
const HOURS_PER_DAY = 24;
const DURATION = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;
const KEYS = {
  collection: new Set([ID, TYPE, odrl('source'), odrl('refinement')]),
  constraint: new Set([ID, TYPE, odrl('leftOperand'), odrl('operator'), odrl('rightOperand'), odrl('unit'), odrl('dataType')]),
};

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

export function readPlace(lit: Literal): string {
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

export function readTarget(at: At, ctx: Context, budget: Budget): ArticleScope {
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

export interface Terms {
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

export function readConstraints(at: At | undefined, permission: At, ctx: Context, budget: Budget): Terms {
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
