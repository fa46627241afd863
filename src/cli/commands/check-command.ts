import { Command } from 'commander';
import { checkPage, describeError, extractLoadedPage, loadPage, parseInput, type CheckResult } from '../../pipeline.ts';
import { withApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';

function formatShare(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function printCheck(io: CliIo, input: string, result: CheckResult): void {
  writeLine(io.stdout, `${input}${result.url && result.url !== input ? ` (${result.url})` : ''}`);
  writeLine(io.stdout, `  title: ${result.title || '(none)'}`);
  if (result.matches.length === 0) writeLine(io.stdout, '  no owned article found');
  for (const m of result.matches) {
    writeLine(
      io.stdout,
      `  ${m.kind.padEnd(12)} ${m.articleId}  coverage ${formatShare(m.coverage)}, page share ${formatShare(m.pageShare)}, ${m.copiedWords} words copied, longest run ${m.longestRun}, ${m.passages.length} passage(s)`,
    );
  }
}

export function createCheckCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  return new Command('check')
    .description('Check pages (URLs or local .html/.html.gz/.txt files) for reproductions of owned articles')
    .argument('<input...>', 'http(s) URLs or local files')
    .option('--json', 'one JSON object per line per input, in input order')
    .option('--url <pageUrl>', 'the URL of the page a local file came from')
    .action(async (inputs: string[], options: { json?: boolean; url?: string }) => {
      await withApp(io, globals(), async (app) => {
        for (const input of inputs) {
          try {
            const result = await checkPage(app, parseInput(input, options.url));
            if (options.json) writeLine(io.stdout, JSON.stringify({ input, ...result }));
            else printCheck(io, input, result);
          } catch (error) {
            setExit(1);
            const described = describeError(error);
            if (described.code === 'internal_error') app.logger.error({ err: error, input }, 'check failed');
            if (options.json) writeLine(io.stdout, JSON.stringify({ input, error: described }));
            else writeLine(io.stderr, `${input}: error: ${described.message}`);
          }
        }
      });
    });
}

export function createExtractCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  return new Command('extract')
    .description("Extract a page's article text and metadata (URLs or local .html/.html.gz files)")
    .argument('<input...>', 'http(s) URLs or local files')
    .option('--json', 'one JSON object per line per input, in input order')
    .option('--url <pageUrl>', 'the URL of the page a local file came from')
    .action(async (inputs: string[], options: { json?: boolean; url?: string }) => {
      await withApp(io, globals(), async (app) => {
        for (const input of inputs) {
          try {
            const page = await loadPage(app, parseInput(input, options.url));
            const a = extractLoadedPage(app, page);
            const object = {
              input,
              title: a.title,
              text: a.text,
              canonicalUrl: a.canonicalUrl,
              author: a.author,
              publishedAt: a.publishedAt,
              modifiedAt: a.modifiedAt,
              language: a.language,
              siteName: a.siteName,
              credits: a.credits,
              links: a.links,
              rights: a.rights,
              ...(page.capture ? { captureId: page.capture.id } : {}),
            };
            if (options.json) writeLine(io.stdout, JSON.stringify(object));
            else {
              writeLine(io.stdout, `== ${input}`);
              for (const key of ['title', 'canonicalUrl', 'author', 'publishedAt', 'language', 'siteName'] as const) {
                if (object[key]) writeLine(io.stdout, `${key}: ${object[key]}`);
              }
              if (a.credits.length) writeLine(io.stdout, `credits: ${a.credits.join(' | ')}`);
              if (a.rights.notices.length) writeLine(io.stdout, `rights: ${a.rights.notices.join(' | ')}`);
              writeLine(io.stdout, `\n${a.text || '(no article text found)'}\n`);
            }
          } catch (error) {
            setExit(1);
            const described = describeError(error);
            if (options.json) writeLine(io.stdout, JSON.stringify({ input, error: described }));
            else writeLine(io.stderr, `${input}: error: ${described.message}`);
          }
        }
      });
    });
}
