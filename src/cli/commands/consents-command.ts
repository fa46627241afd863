import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { ValidationError } from '../../errors.ts';
import { getLicensee } from '../../rights-admin.ts';
import { addConsent, addConsents, changeConsentStatus, changeConsentTerms, getConsent, listAllConsents } from '../../consent-admin.ts';
import { parseConsentRequest } from '../../rights/consent-input.ts';
import { exportConsentToOdrl } from '../../rights/odrl-export.ts';
import { parseOdrlDocument } from '../../rights/odrl-import.ts';
import { CONSENT_STATUSES, type Consent } from '../../rights/types.ts';
import { CLI_ACTOR, withApp, withExistingApp, writeLine, type CliIo } from '../cli-context.ts';
import { escapeJsonText, showInline } from '../terminal-text.ts';
import {
  checkConsentFlag, depsOf, describeConsent, describeRedecided, formatSpan, parseIdArgument, printChange, readArticles, readList, readNumber, type ConsentField, type Globals,
} from './rights-cli-shared.ts';

/** `consents`: register, change, approve, revoke, import and export; thin adapters over src/rights-admin.ts. */

// An ODRL file is read whole, like an API body: the API's default body limit (10 MiB), so a
// document one path takes the other takes too.
const MAX_ODRL_FILE_BYTES = 10 * 1024 * 1024;

/** A flag for one term of a consent, shared by `add` and `set` so both read a term alike. */
interface TermOption {
  flags: string;
  field: ConsentField;
  help: string;
  read?: (value: string, previous: unknown) => unknown;
  /** Help under `set`, where a repeatable flag replaces the stored list. */
  setHelp?: string;
  /** `set` only: a flag that removes the term (an empty list, or no value). */
  clear?: { flag: string; to: 'empty_list' | 'none'; help: string };
}

const TERM_OPTIONS: TermOption[] = [
  { flags: '--place <place>', field: 'places', help: 'where it may publish: domain, *.domain or URL prefix (repeatable)', read: readList, setHelp: 'where it may publish: domain, *.domain or URL prefix (repeatable; replaces the list)' },
  { flags: '--articles <ids>', field: 'articles', help: '"all" or comma-separated article ids', read: readArticles },
  { flags: '--section <section>', field: 'sections', help: 'only articles in this section (repeatable)', read: readList, setHelp: 'only articles in this section (repeatable; replaces the list)', clear: { flag: '--clear-sections', to: 'empty_list', help: 'articles of any section' } },
  { flags: '--tag <tag>', field: 'tags', help: 'only articles with this tag (repeatable)', read: readList, setHelp: 'only articles with this tag (repeatable; replaces the list)', clear: { flag: '--clear-tags', to: 'empty_list', help: 'articles with any tag' } },
  { flags: '--published-from <date>', field: 'publishedFrom', help: 'only articles published from (ISO 8601)', clear: { flag: '--clear-published-from', to: 'none', help: 'no earliest publication date' } },
  { flags: '--published-until <date>', field: 'publishedUntil', help: 'only articles published before (ISO 8601, exclusive)', clear: { flag: '--clear-published-until', to: 'none', help: 'no latest publication date' } },
  { flags: '--valid-from <date>', field: 'validFrom', help: 'consent valid from (ISO 8601)', clear: { flag: '--clear-valid-from', to: 'none', help: 'valid from any time' } },
  { flags: '--valid-until <date>', field: 'validUntil', help: 'consent valid until (ISO 8601, exclusive)', clear: { flag: '--clear-valid-until', to: 'none', help: 'valid with no end' } },
  { flags: '--use <use>', field: 'use', help: 'full or excerpt (default full)', setHelp: 'full or excerpt (full: clear the excerpt limits too)' },
  { flags: '--max-words <n>', field: 'maxWords', help: 'excerpt: most words copied', read: readNumber, clear: { flag: '--clear-max-words', to: 'none', help: 'no word limit' } },
  { flags: '--max-percent <p>', field: 'maxPercent', help: 'excerpt: most percent of the article copied', read: readNumber, clear: { flag: '--clear-max-percent', to: 'none', help: 'no percent limit' } },
  { flags: '--hold-back-hours <h>', field: 'holdBackHours', help: 'copies only this many hours after publication', read: readNumber, clear: { flag: '--clear-hold-back-hours', to: 'none', help: 'no hold-back' } },
  { flags: '--duty <duty>', field: 'duties', help: 'credit, link or canonical (repeatable)', read: readList, setHelp: 'credit, link or canonical (repeatable; replaces the list)', clear: { flag: '--clear-duties', to: 'empty_list', help: 'no duties' } },
  { flags: '--contract <ref>', field: 'contractRef', help: 'contract reference', clear: { flag: '--clear-contract', to: 'none', help: 'no contract reference' } },
  { flags: '--territory <territory>', field: 'territory', help: 'territory (stored and shown, not decided on)', clear: { flag: '--clear-territory', to: 'none', help: 'no territory' } },
];

type TermFlags = Record<string, unknown> & { json?: boolean };

const attributeOf = (flags: string) => new Option(flags).attributeName();

/** Adds the term flags to `add` (--place required, --pending after --duty as before) or to `set` (with the --clear-* flags). */
function addTermOptions(command: Command, mode: 'add' | 'set'): Command {
  for (const t of TERM_OPTIONS) {
    const help = mode === 'set' ? (t.setHelp ?? t.help) : t.help;
    if (mode === 'add' && t.field === 'places') command.requiredOption(t.flags, help, checkConsentFlag(t.field, t.read));
    else command.option(t.flags, help, checkConsentFlag(t.field, t.read));
    if (mode === 'set' && t.clear) command.option(t.clear.flag, t.clear.help);
    if (mode === 'add' && t.field === 'duties') command.option('--pending', 'register it as pending (not yet in force; approve it later)');
  }
  return command;
}

/** The given term flags as a consent request's fields (the API body's shape); a --clear-* flag as its empty value. */
function termsOf(o: TermFlags): Record<string, unknown> {
  const terms: Record<string, unknown> = {};
  for (const t of TERM_OPTIONS) {
    const value = o[attributeOf(t.flags)];
    if (value !== undefined) terms[t.field] = value;
    else if (t.clear && o[attributeOf(t.clear.flag)]) terms[t.field] = t.clear.to === 'empty_list' ? [] : null;
  }
  return terms;
}

/** The changes `set` asks for; a usage error (exit 2) when none, or a term is both given and cleared. */
function changesOf(o: TermFlags, cmd: Command): Record<string, unknown> {
  for (const t of TERM_OPTIONS) {
    if (t.clear && o[attributeOf(t.clear.flag)] && o[attributeOf(t.flags)] !== undefined) {
      cmd.error(`error: ${t.flags.split(' ')[0]} and ${t.clear.flag} cannot be given together`, { exitCode: 2, code: 'copyhound.conflictingOptions' });
    }
  }
  const changes = termsOf(o);
  if (Object.keys(changes).length === 0) cmd.error('error: nothing to change (give a term such as --place or --valid-until, or a --clear-* option)', { exitCode: 2, code: 'copyhound.nothingToChange' });
  return changes;
}

/** Runs `change`; a ValidationError from it is bad flags (exit 2): they read well each but not together. */
async function asUsageError<T>(cmd: Command, change: () => T | Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof ValidationError) cmd.error(`error: ${error.message}`, { exitCode: 2, code: 'copyhound.badConsent' });
    throw error;
  }
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

function addConsentsSubcommands(io: CliIo, globals: Globals, command: Command): void {
  const add = command
    .command('add')
    .description('Register a consent (a licence) and re-decide the matches it touches')
    .requiredOption('--licensee <name>', 'the licensee (add it first with `licensees add`)', checkConsentFlag('licensee'));
  addTermOptions(add, 'add')
    .option('--json', 'print the consent and what was re-decided as JSON')
    .action(async (o: TermFlags & { licensee: string; pending?: boolean }, cmd: Command) => {
      const request = { licensee: o.licensee, ...termsOf(o), ...(o.pending ? { status: 'pending' } : {}) };
      const input = await asUsageError(cmd, () => parseConsentRequest(request));
      await withApp(io, globals(), async (app) => {
        const result = await addConsent(depsOf(app), input, CLI_ACTOR);
        printChange(io, o.json, result, `added consent ${describeConsent(result.consent)}`);
      });
    });
  const set = command
    .command('set')
    .description("Change a consent's terms (given lists replace the stored ones) and re-decide the matches it touched or touches")
    .argument('<id>', 'consent id', parseIdArgument);
  addTermOptions(set, 'set')
    .option('--json', 'print the consent and what was re-decided as JSON')
    .action(async (id: number, o: TermFlags, cmd: Command) => {
      const changes = changesOf(o, cmd);
      await withExistingApp(io, globals(), async (app) => {
        // The changes are checked together with the stored terms (limits on a full-use consent, until before from).
        const result = await asUsageError(cmd, async () => await changeConsentTerms(depsOf(app), id, changes, CLI_ACTOR));
        printChange(io, o.json, result, `changed consent ${describeConsent(result.consent)}`);
      });
    });
  command
    .command('list')
    .description('List consents')
    .option('--licensee <name>', "only this licensee's")
    .addOption(new Option('--status <status>', 'only in this status').choices([...CONSENT_STATUSES]))
    .option('--json', 'one JSON object per line')
    .action(async (o: { licensee?: string; status?: Consent['status']; json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const db = app.database.db;
        const licenseeId = o.licensee === undefined ? undefined : (await getLicensee(db, o.licensee)).id;
        for (const c of await listAllConsents(db, { licenseeId, status: o.status })) writeLine(io.stdout, o.json ? JSON.stringify(c) : describeConsent(c));
      });
    });
  command
    .command('show')
    .description('Show a consent')
    .argument('<id>', 'consent id', parseIdArgument)
    .option('--json', 'as JSON')
    .action(async (id: number, o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const consent = await getConsent(app.database.db, id);
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
      await withExistingApp(io, globals(), async (app) => {
        const result = await changeConsentStatus(depsOf(app), id, change, CLI_ACTOR, o.note);
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
      await withApp(io, globals(), async (app) => {
        const result = await addConsents(depsOf(app), inputs, CLI_ACTOR);
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
      await withExistingApp(io, globals(), async (app) => {
        const { publisherName: name, publisherUid: uid } = app.config.rights;
        const doc = exportConsentToOdrl(await getConsent(app.database.db, id), { name, uid });
        const text = JSON.stringify(doc, null, o.json ? undefined : 2);
        writeLine(io.stdout, escapeJsonText(text));
      });
    });
}

export function createConsentsCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('consents').description(COMMAND_DESCRIPTIONS.consents);
  addConsentsSubcommands(io, globals, command);
  return command;
}
