import { Command, InvalidArgumentError, Option } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { readSourceHealth, type SourceRow } from '../../../db/sources.ts';
import { SOURCE_TYPES } from '../../../db/schema/sources.ts';
import { addSource, changeSource, getSource, removeSource, setSourceEnabled, presentSource, type SourceChange } from '../../../crawlers/sources-service.ts';
import { ValidationError } from '../../errors.ts';
import { withApp, withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { showInline } from '../terminal-text.ts';
import { listSources } from '../../../db/sources.ts';

function parseLimit(name: string) {
  return (value: string) => {
    const n = Number(value);
    // A bad flag value is bad usage (exit 2), as commander reports its own.
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0, got "${value}"`);
    return n;
  };
}

const EXIT_USAGE = 2;

interface EditOptions {
  name?: string;
  url?: string[] | false;
  schedule?: string | false;
  maxPages?: number | false;
  maxDepth?: number | false;
  revisitAfter?: number | false;
  enable?: boolean;
  disable?: boolean;
  json?: boolean;
}

/** `false` is a --no-* option: the value is cleared. */
function limitChange(value: number | false | undefined): number | null | undefined {
  return value === false ? null : value;
}

function toSourceChange(o: EditOptions): SourceChange {
  const limits = { maxPages: limitChange(o.maxPages), maxDepth: limitChange(o.maxDepth), revisitAfterMs: limitChange(o.revisitAfter) };
  const anyLimit = Object.values(limits).some((v) => v !== undefined);
  return {
    name: o.name,
    schedule: o.schedule === false ? null : o.schedule,
    limits: anyLimit ? limits : undefined,
    enabled: o.enable ? true : o.disable ? false : undefined,
    // The URL change depends on the stored type; here it only counts as "something to change".
    url: o.url === undefined ? undefined : null,
  };
}

function describeSource(s: SourceRow): string {
  const where = s.url ? showInline(s.url) : `${s.urls?.length ?? 0} URL(s)`;
  return `${String(s.id).padStart(3)}  ${showInline(s.name)}  ${s.type}${s.isOwnerFeed ? ' (owner)' : ''}  ${where}  ${showInline(s.schedule ?? 'manual')}  ${s.enabled ? 'enabled' : 'disabled'}`;
}

export function createSourcesCommand(io: CliIo, globals: () => GlobalOptions): Command {
  const command = new Command('sources').description(COMMAND_DESCRIPTIONS.sources);

  command
    .command('add')
    .description('Add a source')
    .addOption(new Option('--type <type>', 'source type').choices([...SOURCE_TYPES]).makeOptionMandatory())
    .option('--url <url>', 'feed, sitemap or start URL (urls: a URL list to fetch; repeatable for urls/watch)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--name <name>', 'unique name (default: type-host)')
    .option('--schedule <cron>', 'cron expression (node-cron), e.g. "0 */6 * * *"; none: run with `copyhound crawl NAME`')
    .option('--max-pages <n>', 'pages per run', parseLimit('--max-pages'))
    .option('--max-depth <n>', 'link depth (site crawls)', parseLimit('--max-depth'))
    .option('--revisit-after <ms>', 'do not refetch a page fetched this recently (ms)', parseLimit('--revisit-after'))
    .option('--owner', "the publisher's own feed/sitemap: its pages become owned articles")
    .option('--disabled', 'add it disabled')
    .option('--json', 'print the source as JSON')
    .action(async (o: { type: string; url?: string[]; name?: string; schedule?: string; maxPages?: number; maxDepth?: number; revisitAfter?: number; owner?: boolean; disabled?: boolean; json?: boolean }, self: Command) => {
      await withApp(io, globals(), async (app) => {
        const urls = o.url ?? [];
        const listType = o.type === 'urls' || o.type === 'watch';
        const limits = {
          ...(o.maxPages !== undefined ? { maxPages: o.maxPages } : {}),
          ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
          ...(o.revisitAfter !== undefined ? { revisitAfterMs: o.revisitAfter } : {}),
        };
        let source: SourceRow;
        try {
          source = await addSource(app, {
          type: o.type,
          ...(listType && urls.length > 0 ? { urls } : urls[0] ? { url: urls[0] } : {}),
          ...(o.name ? { name: o.name } : {}),
          ...(o.schedule ? { schedule: o.schedule } : {}),
          limits,
            enabled: !o.disabled,
            isOwnerFeed: o.owner === true,
          });
        } catch (error) {
          // A value the options gave (a bad cron expression, URL or type) is bad usage: exit 2.
          if (error instanceof ValidationError) return self.error(`error: ${error.message}`, { exitCode: EXIT_USAGE });
          throw error;
        }
        writeLine(io.stdout, o.json ? JSON.stringify(await presentSource(app, source)) : `added source ${source.id} "${showInline(source.name)}"`);
      });
    });

  command
    .command('list')
    .description('List sources')
    .option('--json', 'one JSON object per line (with health)')
    .action(async (o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        for (const s of await listSources(app.database.db)) writeLine(io.stdout, o.json ? JSON.stringify(await presentSource(app, s)) : describeSource(s));
      });
    });

  command
    .command('show')
    .description('Show a source and its health: last run, pages, errors by reason, matches found')
    .argument('<source>', 'name or id')
    .option('--json', 'as JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const source = await getSource(app, ref);
        if (o.json) return writeLine(io.stdout, JSON.stringify(await presentSource(app, source)));
        const h = await readSourceHealth(app.database.db, source.id);
        writeLine(io.stdout, describeSource(source));
        if (source.urls) for (const u of source.urls.slice(0, 20)) writeLine(io.stdout, `  url: ${showInline(u)}`);
        writeLine(io.stdout, `  limits: ${JSON.stringify(source.limits)}`);
        writeLine(io.stdout, h.lastRun ? `  last run #${h.lastRun.id}: ${h.lastRun.status}, started ${h.lastRun.startedAt}${h.lastRun.finishedAt ? `, finished ${h.lastRun.finishedAt}` : ''}, fetched ${h.lastRun.pagesFetched}, unchanged ${h.lastRun.pagesUnchanged}, failed ${h.lastRun.pagesFailed}${h.lastRun.pagesRemoved ? `, removed ${h.lastRun.pagesRemoved}` : ''}, new matches ${h.lastRun.matchesFound}${h.lastRun.message ? ` (${showInline(h.lastRun.message)})` : ''}` : '  never run');
        writeLine(io.stdout, `  pages: ${h.pages}, matches found: ${h.matchesFound}`);
        const errors = Object.entries(h.errorsByReason);
        writeLine(io.stdout, `  errors: ${errors.length ? errors.map(([r, n]) => `${showInline(r)} ${n}`).join(', ') : 'none'}`);
        for (const [reason, failed] of Object.entries(h.failedUrls)) {
          writeLine(io.stdout, `  ${showInline(reason)} (latest ${failed.length} of ${h.errorsByReason[reason] ?? failed.length}):`);
          for (const f of failed) writeLine(io.stdout, `    ${f.at ?? '-'}  ${showInline(f.url)}`);
        }
      });
    });

  command
    .command('edit')
    .description('Change a source in place (its crawl state is kept): only the options given change')
    .argument('<source>', 'name or id')
    .option('--name <name>', 'new unique name')
    .option('--url <url>', 'new feed, sitemap or start URL (urls/watch: the new list, repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-url', 'watch: no URLs (re-check every flagged match)')
    .option('--schedule <cron>', 'new cron expression (node-cron)')
    .option('--no-schedule', 'no schedule: run only with `copyhound crawl NAME`')
    .option('--max-pages <n>', 'pages per run', parseLimit('--max-pages'))
    .option('--no-max-pages', 'pages per run back to the default')
    .option('--max-depth <n>', 'link depth (site crawls)', parseLimit('--max-depth'))
    .option('--no-max-depth', 'link depth back to the default')
    .option('--revisit-after <ms>', 'do not refetch a page fetched this recently (ms)', parseLimit('--revisit-after'))
    .option('--no-revisit-after', 'revisit interval back to the default')
    .option('--enable', 'enable it')
    .option('--disable', 'disable it')
    .option('--json', 'print the source as JSON')
    .action(async (ref: string, o: EditOptions, self: Command) => {
      const change = toSourceChange(o);
      if (o.enable && o.disable) self.error('error: --enable and --disable do not go together', { exitCode: EXIT_USAGE });
      if (Object.values(change).every((v) => v === undefined)) self.error('error: nothing to change: give at least one option (see --help)', { exitCode: EXIT_USAGE });
      await withApp(io, globals(), async (app) => {
        const source = await getSource(app, ref);
        const listType = source.type === 'urls' || source.type === 'watch';
        // A list source's --url replaces its list; the other types have one URL.
        const urlChange: SourceChange = Array.isArray(o.url) ? (listType ? { urls: o.url, url: null } : { url: o.url[0] }) : o.url === false ? { urls: null, url: null } : {};
        const changed = await changeSource(app, source, { ...change, ...urlChange });
        writeLine(io.stdout, o.json ? JSON.stringify(await presentSource(app, changed)) : `changed source ${changed.id} "${showInline(changed.name)}" (crawl state kept)`);
      });
    });

  command
    .command('remove')
    .description('Remove a source with its crawl state (stored pages and matches stay)')
    .argument('<source>', 'name or id')
    .option('--json', 'print the removed source as JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const source = await removeSource(app, ref);
        writeLine(io.stdout, o.json ? JSON.stringify({ removed: { id: source.id, name: source.name } }) : `removed source ${source.id} "${showInline(source.name)}"`);
      });
    });

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    command
      .command(name)
      .description(enabled ? 'Enable a source (scheduled and crawled by `crawl`)' : 'Disable a source')
      .argument('<source>', 'name or id')
      .option('--json', 'print the source as JSON')
      .action(async (ref: string, o: { json?: boolean }) => {
        await withExistingApp(io, globals(), async (app) => {
          const source = await setSourceEnabled(app, ref, enabled);
          writeLine(io.stdout, o.json ? JSON.stringify(await presentSource(app, source)) : `source ${source.id} "${showInline(source.name)}" ${enabled ? 'enabled' : 'disabled'}`);
        });
      });
  }
  return command;
}
