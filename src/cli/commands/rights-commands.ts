import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { listLicensees, type LicenseeRow } from '../../../db/licensees.ts';
import type { App } from '../../app.ts';
import { ValidationError } from '../../errors.ts';
import {
  addConsent, addConsents, addLicensee, addOwnerSite, changeConsentStatus, changeLicensee, getConsent, getLicensee, listAllConsents, listAllOwnerSites,
  removeLicensee, removeOwnerSite, type LicenseeInput, type Redecided, type RightsDeps,
} from '../../rights-admin.ts';
import { consentInputSchema, parseConsentRequest } from '../../rights/consent-input.ts';
import { exportConsentToOdrl } from '../../rights/odrl-export.ts';
import { parseOdrlDocument } from '../../rights/odrl-import.ts';
import { normalisePlace } from '../../rights/places.ts';
import { CONSENT_STATUSES, type Consent } from '../../rights/types.ts';
import { CLI_ACTOR, withApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { showInline } from '../terminal-text.ts';

/** `owner-sites`, `licensees` and `consents`: thin adapters over src/rights-admin.ts. */

// An ODRL file is read whole, like an API body: the API's default body limit (10 MiB), so a
// document one path takes the other takes too.
const MAX_ODRL_FILE_BYTES = 10 * 1024 * 1024;
// Characters JSON.stringify leaves raw that a terminal acts on (C1 controls, line separators, bidi
// controls, BOM). The JSON-LD export escapes them as \uXXXX, which reads back as the same string.
const TERMINAL_UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u206f\ufeff\ufff9-\ufffb]/g;

type Globals = () => GlobalOptions;

function depsOf(app: App): RightsDeps {
  return { db: app.database.db, config: app.config.rights };
}

function describeRedecided(r: Redecided): string {
  return `re-decided ${r.matches} match(es): ${r.changed} decision(s) changed, ${r.reportsCreated} report(s) created, ${r.reportsChanged} report(s) changed`;
}

/** Prints a change: the JSON object, or the human line and what was re-decided. */
function printChange<T extends { redecided: Redecided }>(io: CliIo, json: boolean | undefined, result: T, human: string): void {
  if (json) return writeLine(io.stdout, JSON.stringify(result));
  writeLine(io.stdout, human);
  writeLine(io.stdout, `  ${describeRedecided(result.redecided)}`);
}

function parsePlaceArgument(value: string): string {
  try {
    return normalisePlace(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const collectPlace = (value: string, previous: string[] = []) => [...previous, parsePlaceArgument(value)];

function parseIdArgument(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value.trim())) throw new InvalidArgumentError('must be a consent id (a whole number ≥ 1)');
  return Number(value);
}

type ConsentField = keyof typeof consentInputSchema.shape;

/** A flag's value checked by the consent schema's rule for that field (the request is re-read whole later). */
function checkConsentFlag(field: ConsentField, read: (value: string, previous: unknown) => unknown = (value) => value) {
  return (value: string, previous: unknown) => {
    const candidate = read(value, previous);
    const parsed = consentInputSchema.shape[field].safeParse(candidate);
    if (!parsed.success) throw new InvalidArgumentError(parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; '));
    return candidate;
  };
}
const readList = (value: string, previous: unknown) => [...((previous as string[] | undefined) ?? []), value];
const readNumber = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
const readArticles = (value: string) => (value.trim() === 'all' ? 'all' : value.split(',').map((id) => id.trim()).filter((id) => id !== ''));

function describeLicensee(l: LicenseeRow): string {
  const contacts = l.contacts.length ? `  contacts: ${l.contacts.map((c) => showInline(c)).join(', ')}` : '';
  return `#${l.id} ${showInline(l.name)}  places: ${l.places.map((p) => showInline(p)).join(', ') || 'none'}${contacts}`;
}

const formatSpan = (from: string | null, until: string | null) => `${from ?? 'open'} – ${until ?? 'open'}`;

function describeConsent(c: Consent): string {
  return `#${c.id} ${c.status}  ${showInline(c.licenseeName)}  ${c.use}  ${c.places.map((p) => showInline(p)).join(', ')}  valid ${formatSpan(c.validFrom, c.validUntil)}`;
}

function describeConsentInDetail(c: Consent): string[] {
  const s = c.scope;
  const list = (items: string[]) => items.map((i) => showInline(i)).join(', ');
  const articles = s.all
    ? 'all'
    : [s.ids.length && `ids ${list(s.ids)}`, s.sections.length && `sections ${list(s.sections)}`, s.tags.length && `tags ${list(s.tags)}`, (s.publishedFrom || s.publishedUntil) && `published ${formatSpan(s.publishedFrom, s.publishedUntil)}`]
        .filter(Boolean)
        .join('; ');
  const limits = [c.maxWords !== null && `at most ${c.maxWords} words`, c.maxPercent !== null && `at most ${c.maxPercent}%`].filter(Boolean).join(', ');
  return [
    `consent #${c.id} ${showInline(c.uid)}  ${c.status}`,
    `  licensee: ${showInline(c.licenseeName)} (#${c.licenseeId})`,
    `  places: ${list(c.places)}`,
    `  articles: ${articles}`,
    `  valid: ${formatSpan(c.validFrom, c.validUntil)} (until is exclusive)`,
    `  use: ${c.use}${limits ? ` (${limits})` : ''}`,
    `  hold back: ${c.holdBackHours === null ? 'none' : `${c.holdBackHours} h after publication`}`,
    `  duties: ${c.duties.join(', ') || 'none'}`,
    `  territory: ${showInline(c.territory ?? 'any')}  contract: ${showInline(c.contractRef ?? 'none')}`,
    `  created by ${showInline(c.createdBy)} at ${c.createdAt}, updated ${c.updatedAt}`,
  ];
}

function originOf(site: ReturnType<typeof listAllOwnerSites>[number]): string {
  if (site.source === 'config') return 'from COPYHOUND_OWNER_SITES';
  if (site.source === 'owner_source') return 'host of an owner feed or sitemap (sources add --owner)';
  return `added by ${showInline(site.createdBy)} at ${site.createdAt}`;
}

export function createOwnerSitesCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('owner-sites').description("The publisher's own sites: pages there are never reports");
  command
    .command('add')
    .description('Register an owner site and re-decide the matches on it')
    .argument('<place>', 'example.com, *.example.com or https://example.com/news/', parsePlaceArgument)
    .option('--json', 'print the site and what was re-decided as JSON')
    .action(async (place: string, o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const result = addOwnerSite(depsOf(app), place, CLI_ACTOR);
        printChange(io, o.json, result, `added owner site ${showInline(result.site.place)}`);
      });
    });
  command
    .command('list')
    .description('List owner sites: from COPYHOUND_OWNER_SITES, owner feeds, and added ones')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        for (const s of listAllOwnerSites(depsOf(app))) writeLine(io.stdout, o.json ? JSON.stringify(s) : `${showInline(s.place)}  ${originOf(s)}`);
      });
    });
  command
    .command('remove')
    .description('Remove an added owner site and re-decide the matches on it')
    .argument('<place>', 'the place as listed', parsePlaceArgument)
    .option('--json', 'print what was re-decided as JSON')
    .action(async (place: string, o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        printChange(io, o.json, { place, ...removeOwnerSite(depsOf(app), place, CLI_ACTOR) }, `removed owner site ${showInline(place)}`);
      });
    });
  return command;
}

export function createLicenseesCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('licensees').description('Organisations that may republish under consent, and the sites they publish on');
  command
    .command('add')
    .description('Add a licensee')
    .requiredOption('--name <name>', 'unique name')
    .option('--place <place>', 'a site it publishes on (repeatable)', collectPlace)
    .option('--contact <text>', 'a contact (repeatable)', collect)
    .option('--notes <text>', 'free notes')
    .option('--json', 'print the licensee and what was re-decided as JSON')
    .action(async (o: { name: string; place?: string[]; contact?: string[]; notes?: string; json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const result = addLicensee(depsOf(app), { name: o.name, places: o.place ?? [], contacts: o.contact ?? [], notes: o.notes ?? null }, CLI_ACTOR);
        printChange(io, o.json, result, `added licensee #${result.licensee.id} "${showInline(result.licensee.name)}"`);
      });
    });
  command
    .command('list')
    .description('List licensees')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        for (const l of listLicensees(app.database.db)) writeLine(io.stdout, o.json ? JSON.stringify(l) : describeLicensee(l));
      });
    });
  command
    .command('show')
    .description('Show a licensee with its consents')
    .argument('<name>', 'licensee name')
    .option('--json', 'as JSON (consents included)')
    .action(async (name: string, o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const licensee = getLicensee(app.database.db, name);
        const consents = listAllConsents(app.database.db, { licenseeId: licensee.id });
        if (o.json) return writeLine(io.stdout, JSON.stringify({ ...licensee, consents }));
        writeLine(io.stdout, describeLicensee(licensee));
        if (licensee.notes) writeLine(io.stdout, `  notes: ${showInline(licensee.notes)}`);
        writeLine(io.stdout, `  consents: ${consents.length || 'none'}`);
        for (const c of consents) writeLine(io.stdout, `  ${describeConsent(c)}`);
      });
    });
  command
    .command('set')
    .description('Change a licensee; given lists replace the stored ones')
    .argument('<name>', 'licensee name')
    .option('--rename <name>', 'new name')
    .option('--place <place>', 'a site it publishes on (repeatable; replaces the list)', collectPlace)
    .option('--clear-places', 'it publishes on no known site')
    .option('--contact <text>', 'a contact (repeatable; replaces the list)', collect)
    .option('--clear-contacts', 'remove all contacts')
    .option('--notes <text>', 'free notes')
    .option('--clear-notes', 'remove the notes')
    .option('--json', 'print the licensee and what was re-decided as JSON')
    .action(async (name: string, o: { rename?: string; place?: string[]; clearPlaces?: boolean; contact?: string[]; clearContacts?: boolean; notes?: string; clearNotes?: boolean; json?: boolean }, cmd: Command) => {
      const pairs = [['--place', o.place, '--clear-places', o.clearPlaces], ['--contact', o.contact, '--clear-contacts', o.clearContacts], ['--notes', o.notes, '--clear-notes', o.clearNotes]] as const;
      for (const [flag, value, clearFlag, clear] of pairs) {
        if (clear && value !== undefined) cmd.error(`error: ${flag} and ${clearFlag} cannot be given together`, { exitCode: 2, code: 'copyhound.conflictingOptions' });
      }
      const set: Partial<LicenseeInput> = {
        ...(o.rename !== undefined ? { name: o.rename } : {}),
        ...(o.place || o.clearPlaces ? { places: o.place ?? [] } : {}),
        ...(o.contact || o.clearContacts ? { contacts: o.contact ?? [] } : {}),
        ...(o.notes !== undefined || o.clearNotes ? { notes: o.notes ?? null } : {}),
      };
      if (Object.keys(set).length === 0) cmd.error('error: nothing to change (give --rename, --place, --contact, --notes or a --clear-* option)', { exitCode: 2, code: 'copyhound.nothingToChange' });
      await withApp(io, globals(), (app) => {
        const result = changeLicensee(depsOf(app), name, set, CLI_ACTOR);
        printChange(io, o.json, result, `changed licensee #${result.licensee.id} "${showInline(result.licensee.name)}"`);
      });
    });
  command
    .command('remove')
    .description('Remove a licensee that has no consent records')
    .argument('<name>', 'licensee name')
    .option('--json', 'print what was re-decided as JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        printChange(io, o.json, { name, ...removeLicensee(depsOf(app), name, CLI_ACTOR) }, `removed licensee "${showInline(name)}"`);
      });
    });
  return command;
}

/** Reads a JSON document from a file, bounded in size, as UTF-8. */
function readJsonFile(file: string): unknown {
  let bytes: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_ODRL_FILE_BYTES) throw new ValidationError(`${file} is ${size} bytes; an ODRL document may be at most ${MAX_ODRL_FILE_BYTES} bytes`, { file, reason: 'too_large' });
    bytes = readFileSync(file);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(`Cannot read ${file}: ${(error as Error).message}`, { file, reason: 'unreadable' });
  }
  // The file may have grown between stat and read.
  if (bytes.length > MAX_ODRL_FILE_BYTES) throw new ValidationError(`${file} is over ${MAX_ODRL_FILE_BYTES} bytes`, { file, reason: 'too_large' });
  if (!isUtf8(bytes)) throw new ValidationError(`${file} is not UTF-8 text`, { file, reason: 'not_utf8' });
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\ufeff/, ''));
  } catch (error) {
    throw new ValidationError(`${file} is not JSON: ${(error as Error).message}`, { file, reason: 'not_json' });
  }
}

interface ConsentFlags {
  licensee: string;
  place: string[];
  articles?: string | string[];
  section?: string[];
  tag?: string[];
  publishedFrom?: string;
  publishedUntil?: string;
  validFrom?: string;
  validUntil?: string;
  use?: string;
  maxWords?: number;
  maxPercent?: number;
  holdBackHours?: number;
  duty?: string[];
  pending?: boolean;
  contract?: string;
  territory?: string;
  json?: boolean;
}

/** The flags as a consent request (the API body's shape), leaving out what was not given. */
function requestOf(o: ConsentFlags): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    licensee: o.licensee, places: o.place, articles: o.articles, sections: o.section, tags: o.tag,
    publishedFrom: o.publishedFrom, publishedUntil: o.publishedUntil, validFrom: o.validFrom, validUntil: o.validUntil,
    use: o.use, maxWords: o.maxWords, maxPercent: o.maxPercent, holdBackHours: o.holdBackHours, duties: o.duty,
    contractRef: o.contract, territory: o.territory, status: o.pending ? 'pending' : undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function addConsentsSubcommands(io: CliIo, globals: Globals, command: Command): void {
  command
    .command('add')
    .description('Register a consent (a licence) and re-decide the matches it touches')
    .requiredOption('--licensee <name>', 'the licensee (add it first with `licensees add`)', checkConsentFlag('licensee'))
    .requiredOption('--place <place>', 'where it may publish: domain, *.domain or URL prefix (repeatable)', checkConsentFlag('places', readList))
    .option('--articles <ids>', '"all" or comma-separated article ids', checkConsentFlag('articles', readArticles))
    .option('--section <section>', 'only articles in this section (repeatable)', checkConsentFlag('sections', readList))
    .option('--tag <tag>', 'only articles with this tag (repeatable)', checkConsentFlag('tags', readList))
    .option('--published-from <date>', 'only articles published from (ISO 8601)', checkConsentFlag('publishedFrom'))
    .option('--published-until <date>', 'only articles published before (ISO 8601, exclusive)', checkConsentFlag('publishedUntil'))
    .option('--valid-from <date>', 'consent valid from (ISO 8601)', checkConsentFlag('validFrom'))
    .option('--valid-until <date>', 'consent valid until (ISO 8601, exclusive)', checkConsentFlag('validUntil'))
    .option('--use <use>', 'full or excerpt (default full)', checkConsentFlag('use'))
    .option('--max-words <n>', 'excerpt: most words copied', checkConsentFlag('maxWords', readNumber))
    .option('--max-percent <p>', 'excerpt: most percent of the article copied', checkConsentFlag('maxPercent', readNumber))
    .option('--hold-back-hours <h>', 'copies only this many hours after publication', checkConsentFlag('holdBackHours', readNumber))
    .option('--duty <duty>', 'credit, link or canonical (repeatable)', checkConsentFlag('duties', readList))
    .option('--pending', 'register it as pending (not yet in force; approve it later)')
    .option('--contract <ref>', 'contract reference', checkConsentFlag('contractRef'))
    .option('--territory <territory>', 'territory (stored and shown, not decided on)', checkConsentFlag('territory'))
    .option('--json', 'print the consent and what was re-decided as JSON')
    .action(async (o: ConsentFlags, cmd: Command) => {
      let input: ReturnType<typeof parseConsentRequest>;
      try {
        input = parseConsentRequest(requestOf(o));
      } catch (error) {
        // Flags that each read well but not together (limits without --use excerpt, until before from).
        if (error instanceof ValidationError) cmd.error(`error: ${error.message}`, { exitCode: 2, code: 'copyhound.badConsent' });
        throw error;
      }
      await withApp(io, globals(), (app) => {
        const result = addConsent(depsOf(app), input, CLI_ACTOR);
        printChange(io, o.json, result, `added consent ${describeConsent(result.consent)}`);
      });
    });
  command
    .command('list')
    .description('List consents')
    .option('--licensee <name>', "only this licensee's")
    .addOption(new Option('--status <status>', 'only in this status').choices([...CONSENT_STATUSES]))
    .option('--json', 'one JSON object per line')
    .action(async (o: { licensee?: string; status?: Consent['status']; json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const db = app.database.db;
        const licenseeId = o.licensee === undefined ? undefined : getLicensee(db, o.licensee).id;
        for (const c of listAllConsents(db, { licenseeId, status: o.status })) writeLine(io.stdout, o.json ? JSON.stringify(c) : describeConsent(c));
      });
    });
  command
    .command('show')
    .description('Show a consent')
    .argument('<id>', 'consent id', parseIdArgument)
    .option('--json', 'as JSON')
    .action(async (id: number, o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const consent = getConsent(app.database.db, id);
        for (const line of o.json ? [JSON.stringify(consent)] : describeConsentInDetail(consent)) writeLine(io.stdout, line);
      });
    });
  for (const change of ['approve', 'revoke'] as const) {
    const sub = command
      .command(change)
      .description(change === 'approve' ? 'Approve a pending consent' : 'Revoke a consent (the record stays as evidence)')
      .argument('<id>', 'consent id', parseIdArgument);
    if (change === 'revoke') sub.option('--note <text>', 'why (recorded in the history of the reports it touches)');
    sub.option('--json', 'print the consent and what was re-decided as JSON').action(async (id: number, o: { note?: string; json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const result = changeConsentStatus(depsOf(app), id, change, CLI_ACTOR, o.note);
        printChange(io, o.json, result, `${change === 'approve' ? 'approved' : 'revoked'} consent ${describeConsent(result.consent)}`);
      });
    });
  }
  command
    .command('import')
    .description('Register the consents of an ODRL 2.2 / RightsML JSON-LD document: all of them or none')
    .argument('<file>', 'the .jsonld file')
    .option('--json', 'print the consents and what was re-decided as JSON')
    .action(async (file: string, o: { json?: boolean }) => {
      const doc = readJsonFile(file);
      let inputs: ReturnType<typeof parseOdrlDocument>;
      try {
        inputs = parseOdrlDocument(doc);
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(`${file}: ${error.message}`, error.details);
        throw error;
      }
      await withApp(io, globals(), (app) => {
        const result = addConsents(depsOf(app), inputs, CLI_ACTOR);
        if (o.json) return writeLine(io.stdout, JSON.stringify(result));
        writeLine(io.stdout, `imported ${result.consents.length} consent(s) from ${showInline(file)}`);
        for (const c of result.consents) writeLine(io.stdout, `  ${describeConsent(c)}`);
        writeLine(io.stdout, `  ${describeRedecided(result.redecided)}`);
      });
    });
  command
    .command('export')
    .description('Print a consent as an ODRL 2.2 Agreement (JSON-LD, RightsML profile)')
    .argument('<id>', 'consent id', parseIdArgument)
    .option('--json', 'on one line')
    .action(async (id: number, o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const { publisherName: name, publisherUid: uid } = app.config.rights;
        const doc = exportConsentToOdrl(getConsent(app.database.db, id), { name, uid });
        const text = JSON.stringify(doc, null, o.json ? undefined : 2);
        writeLine(io.stdout, text.replace(TERMINAL_UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
      });
    });
}

export function createConsentsCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('consents').description('Consents (licences) given to licensees: register, approve, revoke, import and export as ODRL');
  addConsentsSubcommands(io, globals, command);
  return command;
}
