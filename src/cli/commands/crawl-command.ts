import { setMaxListeners } from 'node:events';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { createCrawlFetchers } from '../../../crawlers/fetch-adapter.ts';
import { runSource, type RunSummary } from '../../../crawlers/run-source.ts';
import { getSource } from '../../../crawlers/sources-service.ts';
import { listSources, readSourceHealth } from '../../../db/sources.ts';
import type { App } from '../../app.ts';
import { ConflictError, ValidationError } from '../../errors.ts';
import { withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { startProgressBar } from '../progress-bar.ts';
import { jsonLine, showInline } from '../terminal-text.ts';

function formatSummary(s: RunSummary): string {
  const errors = Object.entries(s.errors);
  return (
    `${showInline(s.name)}: ${s.status}${s.resumed ? ' (resumed)' : ''} — fetched ${s.pagesFetched}, unchanged ${s.pagesUnchanged}, skipped ${s.pagesSkipped}, failed ${s.pagesFailed}${s.pagesRemoved ? `, removed ${s.pagesRemoved}` : ''}, new matches ${s.matchesFound}` +
    (errors.length ? `; errors: ${errors.map(([r, n]) => `${showInline(r)} ${n}`).join(', ')}` : '') +
    (s.message ? `; ${showInline(s.message)}` : '')
  );
}

type StoredRun = NonNullable<Awaited<ReturnType<typeof readSourceHealth>>['lastRun']>;

/** The summary of an interrupted run as stored: what it fetched before the interruption. */
async function interruptedSummary(app: App, sourceId: number, name: string): Promise<{ name: string; status: 'aborted'; stored: StoredRun | null }> {
  return { name, status: 'aborted', stored: (await readSourceHealth(app.database.db, sourceId)).lastRun };
}

function formatInterrupted(s: Awaited<ReturnType<typeof interruptedSummary>>): string {
  const r = s.stored;
  return `${showInline(s.name)}: aborted — ${r ? `fetched ${r.pagesFetched}, unchanged ${r.pagesUnchanged}, failed ${r.pagesFailed}, new matches ${r.matchesFound} (as stored)` : 'nothing stored yet'}`;
}

export function createCrawlCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  return new Command('crawl')
    .description(COMMAND_DESCRIPTIONS.crawl)
    .argument('[source...]', 'source names or ids')
    .option('--json', 'print one summary object per source as JSON lines')
    .action(async (refs: string[], options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const sources = refs.length > 0 ? await Promise.all(refs.map(async (r) => await getSource(app, r))) : await listSources(app.database.db, { enabledOnly: true });
        if (sources.length === 0) throw new ValidationError('No enabled sources: add one with `copyhound sources add`');
        if (!options.json) writeLine(io.stderr, `data folder ${app.config.data.dir} (database ${app.database.path})`);
        const controller = new AbortController();
        // Every fetch of the crawl listens on this one signal.
        setMaxListeners(0, controller.signal);
        let interruptedBy: NodeJS.Signals | undefined;
        // The first Ctrl-C stops the runs where they are (each keeps what it stored) and the
        // summaries are printed; a second one, while they stop, ends the process at once.
        const interruption = new Error('interrupted');
        const stop = (signal: NodeJS.Signals) => {
          interruptedBy = signal;
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          controller.abort(interruption);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        const bar = startProgressBar(io.stderr, 'crawling [{bar}] {value}/{total} pages | {url}', 0, { url: '' });
        const totals = new Map<number, number>();
        let done = 0;
        const fetchers = createCrawlFetchers(app);
        try {
          const summaries = await Promise.all(
            sources.map(async (source) =>
              runSource(app, source, {
                fetchers,
                signal: controller.signal,
                onProgress: (p) => {
                  totals.set(source.id, p.total);
                  done++;
                  bar?.setTotal([...totals.values()].reduce((a, b) => a + b, 0));
                  bar?.update(done, { url: showInline(p.url, 80) });
                },
              }).catch(async (error: unknown) => {
                // Another run of this source is in progress (here or in another process): skip it, not the others.
                if (error instanceof ConflictError) return { name: source.name, status: 'skipped' as const, message: error.message };
                // A run stopped while waiting (a host's slot, a retry's back-off) can end with the
                // interruption itself rather than its summary: it is an interrupted run all the
                // same, resumable, and its figures so far are the ones stored.
                if (error === interruption) return await interruptedSummary(app, source.id, source.name);
                throw error;
              }),
            ),
          );
          bar?.stop();
          for (const s of summaries) {
            if (s.status === 'skipped') writeLine(io.stdout, options.json ? jsonLine(s) : `${showInline(s.name)}: skipped — ${showInline(s.message)}`);
            else if ('stored' in s) writeLine(io.stdout, options.json ? jsonLine(s) : formatInterrupted(s));
            else writeLine(io.stdout, options.json ? jsonLine(s) : formatSummary(s));
            if (s.status !== 'completed') setExit(1);
          }
          if (interruptedBy) {
            const stopped = summaries.filter((s) => s.status === 'aborted').map((s) => s.name);
            const names = stopped.map((n) => (/^[\w.-]+$/.test(n) ? n : `'${n.replace(/'/g, "'\\''")}'`)).join(' ');
            writeLine(io.stderr, `interrupted (${interruptedBy}): what was fetched is kept; resume with \`copyhound crawl${names ? ` ${showInline(names)}` : ''}\` (or on the next scheduled run)`);
          }
        } finally {
          bar?.stop();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      });
    });
}
