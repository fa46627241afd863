import { ValidationError } from '../errors.ts';
import {
  COPYHOUND_NS, DEFAULT_PREFIXES, MAX_DEPTH, MAX_LIST_VALUES, MAX_TERMS_PER_AGREEMENT, MAX_TEXT_CHARS, ODRL_CONTEXT, ODRL_CONTEXTS, ODRL_NS, TERM, VCARD_NS, iriOf,
} from './odrl-vocabulary.ts';

/**
 * The JSON-LD side of reading ODRL: names resolved through the document's @context, values
 * read with their JSON path, and every list and nesting bounded. Not a general JSON-LD processor:
 * it reads the shapes the mapping in odrl-vocabulary.ts defines (compact names, prefixed names or
 * full IRIs alike) and refuses everything else with its JSON path, so that nothing a partner wrote
 * is silently dropped.
 */

/** A JSON value and where it sits in the document. */
export interface At { value: unknown; path: string }
/** An object's entries by expanded IRI (or JSON-LD keyword), with the key as written. */
type Fields = Map<string, At & { key: string }>;
/** Term and prefix definitions in force: the ODRL context's, ours, the document's. */
export interface Context { terms: Map<string, string>; hasOdrl: boolean }
export interface Name extends At { text: string; iri: string }
export interface Literal extends At { text: string; type: string | null; isNumber: boolean }
/** Constraints, refinements and duties still allowed in the Agreement being read. */
export interface Budget { left: number }

export const I = Object.fromEntries(Object.entries(TERM).map(([k, v]) => [k, iriOf(v)])) as { [K in keyof typeof TERM]: string };
export const odrl = (name: string) => ODRL_NS + name;
export const ID = '@id';
export const TYPE = '@type';
export const NAME = `${VCARD_NS}fn`;
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

export function refuse(path: string, reason: string): never {
  throw new ValidationError(`${path}: ${reason}`, { path, reason });
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}['${key.replace(/['\\]/g, '\\$&')}']`;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses a document nested deeper than MAX_DEPTH; walks it without recursion. */
export function checkDepth(doc: unknown): void {
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

export function listOf(at: At, what: string, max = MAX_LIST_VALUES): At[] {
  if (!Array.isArray(at.value)) return [at];
  if (at.value.length > max) refuse(at.path, `${at.value.length} ${what}; at most ${max}`);
  return at.value.map((value, i) => ({ value, path: childPath(at.path, i) }));
}

/** A list of constraints, refinements or duties, counted against the Agreement's budget. */
export function takeRules(at: At | undefined, what: string, budget: Budget): At[] {
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
export const BASE: Context = { terms: new Map([...Object.entries(DEFAULT_PREFIXES), ['copyhound', COPYHOUND_NS], ['name', NAME]]), hasOdrl: false };

export function readContext(at: At | undefined, outer: Context): Context {
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

export function readFields(at: At, ctx: Context, what: string, allowed: ReadonlySet<string>): Fields {
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

export function required(fields: Fields, iri: string, parent: At, what: string): At {
  return fields.get(iri) ?? refuse(parent.path, `no ${what}`);
}

export function readText(at: At, what: string): string {
  if (typeof at.value !== 'string') refuse(at.path, `${what} must be a string`);
  const text = at.value.trim();
  if (text === '' || text.length > MAX_TEXT_CHARS) refuse(at.path, `${what} must be 1-${MAX_TEXT_CHARS} characters`);
  return text;
}

/** A vocabulary name: "x", "odrl:x", a full IRI, {"@id": ...}, or a list of exactly one of these. */
export function readName(at: At, ctx: Context, what: string): Name {
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
export function checkType(fields: Fields, parent: At, ctx: Context, expected: string, name: string, opts: { required?: boolean; tolerated?: string[]; why?: string } = {}): void {
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

export function readLiterals(at: At, dataType: string | null, ctx: Context): Literal[] {
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
