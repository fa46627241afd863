import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { checkPage, describeError, extractPageArticle, loadPage, parseInput, type CheckResult } from '../../pipeline.ts';
import type { App } from '../../app.ts';
import { withApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { escapeTerminalText, showInline } from '../terminal-text.ts';

function formatShare(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function printCheck(io: CliIo, input: string, result: CheckResult): void {
  // Titles and URLs come from the page (and the input from whoever wrote the command): escaped.
  writeLine(io.stdout, `${showInline(input)}${result.url && result.url !== input ? ` (${showInline(result.url)})` : ''}`);
  writeLine(io.stdout, `  title: ${result.title ? showInline(result.title) : '(none)'}`);
  if (result.matches.length === 0) writeLine(io.stdout, '  no owned article found');
  for (const m of result.matches) {
    writeLine(
      io.stdout,
      `  ${m.kind.padEnd(12)} ${showInline(m.articleId)}  coverage ${formatShare(m.coverage)}, page share ${formatShare(m.pageShare)}, ${m.copiedWords} words copied, longest run ${m.longestRun}, ${m.passages.length} passage(s)`,
    );
    writeLine(io.stdout, `    why ${m.kind}: ${m.rule.name} — ${m.rule.why}`);
    if (m.decision) {
      const reasons = m.reasons?.length ? ` (${m.reasons.join(', ')})` : '';
      writeLine(io.stdout, `    decision: ${m.decision}${reasons}${m.explanation?.[0] ? ` — ${showInline(m.explanation[0])}` : ''}`);
    }
  }
}

interface PerInputOptions {
  json?: boolean;
  url?: string;
}

/**
 * The shared shape of `check` and `extract`: inputs in order, one answer (or one error line) per
 * input, a failing input never stopping the rest, exit status 1 when any failed.
 */
function definePerInputCommand<T extends object>(
  name: string,
  description: string,
  io: CliIo,
  globals: () => GlobalOptions,
  setExit: (code: number) => void,
  handle: (app: App, input: string, options: PerInputOptions) => Promise<T>,
  print: (input: string, result: T) => void,
): Command {
  return new Command(name)
    .description(description)
    .argument('<input...>', 'http(s) URLs or local files')
    .option('--json', 'one JSON object per line per input, in input order')
    .option('--url <pageUrl>', 'the URL of the page a local file came from')
    .action(async (inputs: string[], options: PerInputOptions) => {
      await withApp(io, globals(), async (app) => {
        for (const input of inputs) {
          try {
            const result = await handle(app, input, options);
            if (options.json) writeLine(io.stdout, JSON.stringify({ input, ...result }));
            else print(input, result);
          } catch (error) {
            setExit(1);
            const described = describeError(error);
            if (described.code === 'internal_error') app.logger.error({ err: error, input }, `${name} failed`);
            if (options.json) writeLine(io.stdout, JSON.stringify({ input, error: described }));
            else writeLine(io.stderr, `${showInline(input)}: error: ${showInline(described.message)}${described.reason ? ` [${described.reason}]` : ''}`);
          }
        }
      });
    });
}

export function createCheckCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  return definePerInputCommand(
    'check',
    COMMAND_DESCRIPTIONS.check,
    io,
    globals,
    setExit,
    async (app, input, options) => await checkPage(app, parseInput(input, options.url)),
    (input, result) => printCheck(io, input, result),
  );
}

export function createExtractCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  return definePerInputCommand(
    'extract',
    COMMAND_DESCRIPTIONS.extract,
    io,
    globals,
    setExit,
    async (app, input, options) => {
      const page = await loadPage(app, parseInput(input, options.url));
      const a = await extractPageArticle(app, page);
      return {
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
    },
    (input, a) => {
      writeLine(io.stdout, `== ${showInline(input)}`);
      for (const key of ['title', 'canonicalUrl', 'author', 'publishedAt', 'language', 'siteName'] as const) {
        if (a[key]) writeLine(io.stdout, `${key}: ${showInline(a[key])}`);
      }
      if (a.credits.length) writeLine(io.stdout, `credits: ${a.credits.map((c) => showInline(c)).join(' | ')}`);
      if (a.rights.notices.length) writeLine(io.stdout, `rights: ${a.rights.notices.map((n) => showInline(n)).join(' | ')}`);
      writeLine(io.stdout, `\n${a.text ? escapeTerminalText(a.text, { multiline: true }) : '(no article text found)'}\n`);
    },
  );
}
