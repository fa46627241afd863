import { Command, Option } from 'commander';
import { readSourceHealth, type SourceRow } from '../../../db/sources.ts';
import { SOURCE_TYPES } from '../../../db/schema/sources.ts';
import { addSource, getSource, removeSource, setSourceEnabled, presentSource } from '../../../crawlers/sources-service.ts';
import { ValidationError } from '../../errors.ts';
import { withApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { showInline } from '../terminal-text.ts';
import { listSources } from '../../../db/sources.ts';

function parseLimit(name: string) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new ValidationError(`${name} must be a whole number ≥ 0, got "${value}"`);
    return n;
  };
}

function describeSource(s: SourceRow): string {
  const where = s.url ? showInline(s.url) : `${s.urls?.length ?? 0} URL(s)`;
  return `${String(s.id).padStart(3)}  ${showInline(s.name)}  ${s.type}${s.isOwnerFeed ? ' (owner)' : ''}  ${where}  ${showInline(s.schedule ?? 'manual')}  ${s.enabled ? 'enabled' : 'disabled'}`;
}

export function createSourcesCommand(io: CliIo, globals: () => GlobalOptions): Command {
  const command = new Command('sources').description('Manage crawl sources (feeds, sitemaps, URL lists, sites, watched URLs)');

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
    .action(async (o: { type: string; url?: string[]; name?: string; schedule?: string; maxPages?: number; maxDepth?: number; revisitAfter?: number; owner?: boolean; disabled?: boolean; json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const urls = o.url ?? [];
        const listType = o.type === 'urls' || o.type === 'watch';
        const limits = {
          ...(o.maxPages !== undefined ? { maxPages: o.maxPages } : {}),
          ...(o.maxDepth !== undefined ? { maxDepth: o.maxDepth } : {}),
          ...(o.revisitAfter !== undefined ? { revisitAfterMs: o.revisitAfter } : {}),
        };
        const source = addSource(app, {
          type: o.type,
          ...(listType && urls.length > 0 ? { urls } : urls[0] ? { url: urls[0] } : {}),
          ...(o.name ? { name: o.name } : {}),
          ...(o.schedule ? { schedule: o.schedule } : {}),
          limits,
          enabled: !o.disabled,
          isOwnerFeed: o.owner === true,
        });
        writeLine(io.stdout, o.json ? JSON.stringify(presentSource(app, source)) : `added source ${source.id} "${showInline(source.name)}"`);
      });
    });

  command
    .command('list')
    .description('List sources')
    .option('--json', 'one JSON object per line (with health)')
    .action(async (o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        for (const s of listSources(app.database.db)) writeLine(io.stdout, o.json ? JSON.stringify(presentSource(app, s)) : describeSource(s));
      });
    });

  command
    .command('show')
    .description('Show a source and its health: last run, pages, errors by reason, matches found')
    .argument('<source>', 'name or id')
    .option('--json', 'as JSON')
    .action(async (ref: string, o: { json?: boolean }) => {
      await withApp(io, globals(), (app) => {
        const source = getSource(app, ref);
        if (o.json) return writeLine(io.stdout, JSON.stringify(presentSource(app, source)));
        const h = readSourceHealth(app.database.db, source.id);
        writeLine(io.stdout, describeSource(source));
        if (source.urls) for (const u of source.urls.slice(0, 20)) writeLine(io.stdout, `  url: ${showInline(u)}`);
        writeLine(io.stdout, `  limits: ${JSON.stringify(source.limits)}`);
        writeLine(io.stdout, h.lastRun ? `  last run #${h.lastRun.id}: ${h.lastRun.status}, started ${h.lastRun.startedAt}${h.lastRun.finishedAt ? `, finished ${h.lastRun.finishedAt}` : ''}, fetched ${h.lastRun.pagesFetched}, unchanged ${h.lastRun.pagesUnchanged}, failed ${h.lastRun.pagesFailed}, new matches ${h.lastRun.matchesFound}${h.lastRun.message ? ` (${showInline(h.lastRun.message)})` : ''}` : '  never run');
        writeLine(io.stdout, `  pages: ${h.pages}, matches found: ${h.matchesFound}`);
        const errors = Object.entries(h.errorsByReason);
        writeLine(io.stdout, `  errors: ${errors.length ? errors.map(([r, n]) => `${showInline(r)} ${n}`).join(', ') : 'none'}`);
      });
    });

  command
    .command('remove')
    .description('Remove a source with its crawl state (stored pages and matches stay)')
    .argument('<source>', 'name or id')
    .action(async (ref: string) => {
      await withApp(io, globals(), (app) => {
        const source = removeSource(app, ref);
        writeLine(io.stdout, `removed source ${source.id} "${showInline(source.name)}"`);
      });
    });

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    command
      .command(name)
      .description(enabled ? 'Enable a source (scheduled and crawled by `crawl`)' : 'Disable a source')
      .argument('<source>', 'name or id')
      .action(async (ref: string) => {
        await withApp(io, globals(), (app) => {
          const source = setSourceEnabled(app, ref, enabled);
          writeLine(io.stdout, `source ${source.id} "${showInline(source.name)}" ${enabled ? 'enabled' : 'disabled'}`);
        });
      });
  }
  return command;
}
