import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { listLicensees, type LicenseeRow } from '../../../db/licensees.ts';
import { addLicensee, addOwnerSite, changeLicensee, getLicensee, listAllOwnerSites, removeLicensee, removeOwnerSite, type LicenseeInput } from '../../rights-admin.ts';
import { listAllConsents } from '../../consent-admin.ts';
import { CLI_ACTOR, withApp, withExistingApp, writeLine, type CliIo } from '../cli-context.ts';
import { showInline } from '../terminal-text.ts';
import { collect, collectPlace, depsOf, describeConsent, parsePlaceArgument, printChange, type Globals } from './rights-cli-shared.ts';

/** `owner-sites` and `licensees`: thin adapters over src/rights-admin.ts (`consents` is in consents-command.ts). */

function describeLicensee(l: LicenseeRow): string {
  const contacts = l.contacts.length ? `  contacts: ${l.contacts.map((c) => showInline(c)).join(', ')}` : '';
  return `#${l.id} ${showInline(l.name)}  places: ${l.places.map((p) => showInline(p)).join(', ') || 'none'}${contacts}`;
}

function originOf(site: Awaited<ReturnType<typeof listAllOwnerSites>>[number]): string {
  if (site.source === 'config') return 'from COPYHOUND_OWNER_SITES';
  if (site.source === 'owner_source') return 'host of an owner feed or sitemap (sources add --owner)';
  return `added by ${showInline(site.createdBy)} at ${site.createdAt}`;
}

export function createOwnerSitesCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('owner-sites').description(COMMAND_DESCRIPTIONS['owner-sites']);
  command
    .command('add')
    .description('Register an owner site and re-decide the matches on it')
    .argument('<place>', 'example.com, *.example.com or https://example.com/news/', parsePlaceArgument)
    .option('--json', 'print the site and what was re-decided as JSON')
    .action(async (place: string, o: { json?: boolean }) => {
      await withApp(io, globals(), async (app) => {
        const result = await addOwnerSite(depsOf(app), place, CLI_ACTOR);
        printChange(io, o.json, result, `added owner site ${showInline(result.site.place)}`);
      });
    });
  command
    .command('list')
    .description('List owner sites: from COPYHOUND_OWNER_SITES, owner feeds, and added ones')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        for (const s of await listAllOwnerSites(depsOf(app))) writeLine(io.stdout, o.json ? JSON.stringify(s) : `${showInline(s.place)}  ${originOf(s)}`);
      });
    });
  command
    .command('remove')
    .description('Remove an added owner site and re-decide the matches on it')
    .argument('<place>', 'the place as listed', parsePlaceArgument)
    .option('--json', 'print what was re-decided as JSON')
    .action(async (place: string, o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        printChange(io, o.json, { place, ...await removeOwnerSite(depsOf(app), place, CLI_ACTOR) }, `removed owner site ${showInline(place)}`);
      });
    });
  return command;
}

export function createLicenseesCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('licensees').description(COMMAND_DESCRIPTIONS.licensees);
  command
    .command('add')
    .description('Add a licensee')
    .requiredOption('--name <name>', 'unique name')
    .option('--place <place>', 'a site it publishes on (repeatable)', collectPlace)
    .option('--contact <text>', 'a contact (repeatable)', collect)
    .option('--notes <text>', 'free notes')
    .option('--json', 'print the licensee and what was re-decided as JSON')
    .action(async (o: { name: string; place?: string[]; contact?: string[]; notes?: string; json?: boolean }) => {
      await withApp(io, globals(), async (app) => {
        const result = await addLicensee(depsOf(app), { name: o.name, places: o.place ?? [], contacts: o.contact ?? [], notes: o.notes ?? null }, CLI_ACTOR);
        printChange(io, o.json, result, `added licensee #${result.licensee.id} "${showInline(result.licensee.name)}"`);
      });
    });
  command
    .command('list')
    .description('List licensees')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        for (const l of await listLicensees(app.database.db)) writeLine(io.stdout, o.json ? JSON.stringify(l) : describeLicensee(l));
      });
    });
  command
    .command('show')
    .description('Show a licensee with its consents')
    .argument('<name>', 'licensee name')
    .option('--json', 'as JSON (consents included)')
    .action(async (name: string, o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const licensee = await getLicensee(app.database.db, name);
        const consents = await listAllConsents(app.database.db, { licenseeId: licensee.id });
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
      await withExistingApp(io, globals(), async (app) => {
        const result = await changeLicensee(depsOf(app), name, set, CLI_ACTOR);
        printChange(io, o.json, result, `changed licensee #${result.licensee.id} "${showInline(result.licensee.name)}"`);
      });
    });
  command
    .command('remove')
    .description('Remove a licensee that has no consent records')
    .argument('<name>', 'licensee name')
    .option('--json', 'print what was re-decided as JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        printChange(io, o.json, { name, ...await removeLicensee(depsOf(app), name, CLI_ACTOR) }, `removed licensee "${showInline(name)}"`);
      });
    });
  return command;
}
