import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { statSync } from 'node:fs';
import { listArticles } from '../../../db/articles.ts';
import type { RejectedArticle } from '../../articles/article-registry.ts';
import { ValidationError } from '../../errors.ts';
import { presentArticle } from '../../articles/present-article.ts';
import { withApp, withExistingApp, withExistingDatabase, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { startProgressBar } from '../progress-bar.ts';
import { escapeTerminalText, jsonLine, showInline } from '../terminal-text.ts';

// 100 rejection lines show what is wrong with a file; more only bury the summary (a hostile file
// of one-byte records once produced 40 GB of stderr). The rest are counted on one line.
export const MAX_PRINTED_REJECTIONS = 100;
// A rejected record's id and messages are cut at this many characters: an id can be megabytes.
const MAX_REJECTION_TEXT_CHARS = 200;

// The registry (fingerprinting, matching) and the importer load only for the commands that use
// them: `articles list` stays a quick read of the database.
const loadRegistry = () => import('../../articles/article-registry.ts');

/** A rejection line with everything from the file escaped and cut: the file is not trusted. */
function describeRejectionForTerminal(describeRejection: Awaited<ReturnType<typeof loadRegistry>>['describeRejection'], rejected: RejectedArticle): string {
  return describeRejection(
    {
      ref: rejected.ref,
      id: rejected.id === null ? null : showInline(rejected.id, MAX_REJECTION_TEXT_CHARS),
      problems: rejected.problems.map((p) => ({ field: showInline(p.field, MAX_REJECTION_TEXT_CHARS), message: showInline(p.message, MAX_REJECTION_TEXT_CHARS * 2) })),
    },
    'line',
  );
}

/** A flag's count; anything else is a usage error (exit 2), reported by commander naming the flag. */
function parseCount(min: number) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
    return n;
  };
}

export function createArticlesCommand(io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void): Command {
  const articles = new Command('articles').description(COMMAND_DESCRIPTIONS.articles);

  articles
    .command('import')
    .description('Import owned articles from a JSON array or NDJSON file (.gz too); re-importing is idempotent (upsert by id)')
    .argument('<file>', 'JSON array or NDJSON file of articles')
    .option('--batch-size <n>', 'records per transaction', parseCount(1))
    .option('--json', 'print the counts as one JSON object: inserted, updated, unchanged, rejected (and stopped)')
    .action(async (file: string, options: { batchSize?: number; json?: boolean }) => {
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        throw new ValidationError(`Cannot read import file "${file}": no such file`);
      }
      const [{ importArticleFile }, { describeRejection }] = await Promise.all([import('../../articles/import-articles.ts'), loadRegistry()]);
      await withApp(io, globals(), async (app) => {
        const bar = startProgressBar(io.stderr, 'importing [{bar}] {percentage}% | {value}/{total} bytes | {records} records', size, { records: 0 });
        let printed = 0;
        const { stopped, ...counts } = await importArticleFile(app.registry, file, {
          maxRecordBytes: app.config.import.maxRecordBytes,
          batchSize: options.batchSize,
          onBytes: (bytes) => bar?.update(bytes),
          onBatch: (t) => bar?.update({ records: t.inserted + t.updated + t.unchanged + t.rejected }),
          onRejected: (rejected) => {
            if (printed >= MAX_PRINTED_REJECTIONS) return;
            printed++;
            if (bar) bar.stop();
            writeLine(io.stderr, describeRejectionForTerminal(describeRejection, rejected));
          },
        });
        bar?.stop();
        if (counts.rejected > printed) {
          writeLine(io.stderr, `… and ${counts.rejected - printed} more rejected record(s) not shown (only the first ${MAX_PRINTED_REJECTIONS} are printed)`);
        }
        if (stopped) {
          writeLine(
            io.stderr,
            `import stopped at line ${stopped.line}${stopped.column ? `, column ${stopped.column}` : ''} (${stopped.reason}): ${stopped.recordsRead} record(s) were read before it; nothing after it was imported. Fix the file there and import it again (records already imported are recognised as unchanged).`,
          );
        }
        if (options.json) writeLine(io.stdout, jsonLine({ ...counts, ...(stopped ? { stopped } : {}) }));
        else writeLine(io.stdout, `inserted ${counts.inserted}, updated ${counts.updated}, unchanged ${counts.unchanged}, rejected ${counts.rejected}${stopped ? `; stopped early at line ${stopped.line}` : ''}`);
        app.logger.info({ file, ...counts, ...(stopped ? { stopped } : {}) }, 'import finished');
        if (counts.rejected > 0 || stopped) setExit(1);
      });
    });

  articles
    .command('list')
    .description('List owned articles, newest first')
    .option('-q, --query <text>', 'only articles whose title contains this text')
    .option('--limit <n>', 'how many', parseCount(1), 50)
    .option('--offset <n>', 'skip this many', parseCount(0), 0)
    .option('--json', 'one JSON object per line')
    .action(async (options: { query?: string; limit: number; offset: number; json?: boolean }) => {
      await withExistingDatabase(io, globals(), async (db) => {
        const { items, total } = await listArticles(db, { q: options.query, limit: options.limit, offset: options.offset });
        for (const item of items) {
          if (options.json) writeLine(io.stdout, jsonLine(presentArticle(item)));
          else writeLine(io.stdout, `${showInline(item.id)}\t${showInline(item.publishedAt ?? '-')}\t${showInline(item.title)}`);
        }
        if (!options.json) writeLine(io.stderr, `${items.length} of ${total} articles`);
      });
    });

  articles
    .command('show')
    .description('Show one owned article')
    .argument('<id>', "the publisher's article id")
    .option('--json', 'as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const { getArticle } = await loadRegistry();
      await withExistingApp(io, globals(), async (app) => {
        const article = presentArticle(await getArticle(app.database.db, id));
        if (options.json) {
          writeLine(io.stdout, jsonLine(article));
          return;
        }
        const { body, ...meta } = article;
        for (const [key, value] of Object.entries(meta)) {
          if (value !== null && value !== undefined) writeLine(io.stdout, `${key}: ${showInline(Array.isArray(value) ? value.join(', ') : String(value))}`);
        }
        writeLine(io.stdout, `\n${escapeTerminalText(body, { multiline: true })}`);
      });
    });

  articles
    .command('remove')
    .description('Remove an owned article (and its fingerprints); refused while a report cites it (archive it instead)')
    .argument('<id>', "the publisher's article id")
    .option('--json', 'print {"id","removed":true}')
    .action(async (id: string, options: { json?: boolean }) => {
      const { removeArticle } = await loadRegistry();
      await withExistingApp(io, globals(), async (app) => {
        await removeArticle(app.registry, id);
        writeLine(io.stdout, options.json ? jsonLine({ id, removed: true }) : `removed ${showInline(id)}`);
      });
    });

  articles
    .command('archive')
    .description('Archive an owned article: kept with its reports and evidence, no longer matched against pages')
    .argument('<id>', "the publisher's article id")
    .option('--json', 'print {"id","archivedAt"}')
    .action(async (id: string, options: { json?: boolean }) => {
      const { archiveArticle } = await loadRegistry();
      await withExistingApp(io, globals(), async (app) => {
        const row = await archiveArticle(app.registry, id);
        writeLine(io.stdout, options.json ? jsonLine({ id, archivedAt: row.archivedAt }) : `archived ${showInline(id)} (${row.archivedAt})`);
      });
    });

  return articles;
}
