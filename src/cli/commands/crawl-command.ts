import { setMaxListeners } from 'node:events';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createCrawlFetchers } from '../../../crawlers/fetch-adapter.ts';
import { runSource, type RunSummary } from '../../../crawlers/run-source.ts';
import { getSource } from '../../../crawlers/sources-service.ts';
import { listSources } from '../../../db/sources.ts';
import { ConflictError, ValidationError } from '../../errors.ts';
import { withApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { showInline } from '../terminal-text.ts';

function formatSummary(s: RunSummary): string {
  const errors = Object.entries(s.errors);
  return (
    `${showInline(s.name)}: ${s.status}${s.resumed ? ' (resumed)' : ''} — fetched ${s.pagesFetched}, unchanged ${s.pagesUnchanged}, skipped ${s.pagesSkipped}, failed ${s.pagesFailed}, new matches ${s.matchesFound}` +
    (errors.length ? `; errors: ${errors.map(([r, n]) => `${showInline(r)} ${n}`).join(', ')}` : '') +
    (s.message ? `; ${showInline(s.message)}` : '')
  );
}

export function createCrawlCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  return new Command('crawl')
    .description('Run sources now (all enabled sources when none is named); an interrupted run resumes next time')
    .argument('[source...]', 'source names or ids')
    .option('--json', 'print one summary object per source as JSON lines')
    .action(async (refs: string[], options: { json?: boolean }) => {
      await withApp(io, globals(), async (app) => {
        const sources = refs.length > 0 ? refs.map((r) => getSource(app, r)) : listSources(app.database.db, { enabledOnly: true });
        if (sources.length === 0) throw new ValidationError('No enabled sources: add one with `copyhound sources add`');
        const controller = new AbortController();
        // Every fetch of the crawl listens on this one signal.
        setMaxListeners(0, controller.signal);
        const stop = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const bar = io.stderr.isTTY
          ? new cliProgress.SingleBar({ stream: io.stderr as NodeJS.WriteStream, format: 'crawling [{bar}] {value}/{total} pages | {url}', hideCursor: true }, cliProgress.Presets.shades_classic)
          : undefined;
        const totals = new Map<number, number>();
        let done = 0;
        bar?.start(0, 0, { url: '' });
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
              }).catch((error: unknown) => {
                // Another run of this source is in progress (here or in another process): skip it, not the others.
                if (error instanceof ConflictError) return { name: source.name, status: 'skipped' as const, message: error.message };
                throw error;
              }),
            ),
          );
          bar?.stop();
          for (const s of summaries) {
            if (s.status === 'skipped') writeLine(io.stdout, options.json ? JSON.stringify(s) : `${showInline(s.name)}: skipped — ${showInline(s.message)}`);
            else writeLine(io.stdout, options.json ? JSON.stringify(s) : formatSummary(s));
            if (s.status !== 'completed') setExit(1);
          }
        } finally {
          bar?.stop();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      });
    });
}
