import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { listMatches, setMatchFlagged, listRechecks, findMatchById } from '../../../db/matches.ts';
import { MATCH_KINDS } from '../../../db/schema/matches.ts';
import { NotFoundError } from '../../errors.ts';
import { withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine, showInline } from '../terminal-text.ts';

// The default page of a listing: a screenful; --limit raises it.
const DEFAULT_LIMIT = 100;

/** A count or an id; anything else is a usage error (exit 2), reported by commander naming the flag. */
function parseCount(min: number) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number ≥ ${min}`);
    return n;
  };
}

function parseKind(value: string): (typeof MATCH_KINDS)[number] {
  if (!(MATCH_KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${MATCH_KINDS.join(', ')}`);
  return value as (typeof MATCH_KINDS)[number];
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

export function createMatchesCommand(io: CliIo, globals: () => GlobalOptions): Command {
  const command = new Command('matches').description(COMMAND_DESCRIPTIONS.matches);

  command
    .command('list')
    .description('List stored matches, most recently seen first')
    .option('--json', 'one JSON object per line: pageUrl, articleId, kind, coverage, decision, reasons, consentId, firstSeen, lastSeen (and more)')
    .option('--article <id>', 'only matches of this owned article')
    .option('--kind <kind>', `only this kind (${MATCH_KINDS.join(', ')})`, parseKind)
    .option('--flagged', 'only flagged matches (re-checked by watch sources)')
    .option('--limit <n>', `at most this many (default ${DEFAULT_LIMIT})`, parseCount(1))
    .option('--offset <n>', 'skip this many', parseCount(0))
    .action(async (options: { json?: boolean; article?: string; kind?: (typeof MATCH_KINDS)[number]; flagged?: boolean; limit?: number; offset?: number }) => {
      await withExistingApp(io, globals(), async (app) => {
        const { items, total } = await listMatches(app.database.db, {
          ...(options.article ? { articleId: options.article } : {}),
          ...(options.kind ? { kind: options.kind } : {}),
          ...(options.flagged ? { flagged: true } : {}),
          limit: options.limit ?? DEFAULT_LIMIT,
          offset: options.offset ?? 0,
        });
        for (const m of items) {
          if (options.json) {
            const { passages: _p, ...rest } = m;
            writeLine(io.stdout, jsonLine(rest));
          } else {
            const decision = m.decision ? `${m.decision}${m.reasons?.length ? ` (${m.reasons.join(', ')})` : ''}${m.consentId !== null ? ` consent ${m.consentId}` : ''}` : 'undecided';
            writeLine(io.stdout, `#${m.id} ${m.kind.padEnd(12)} ${showInline(m.articleId)}  ${showInline(m.pageUrl)}  coverage ${pct(m.coverage)}, ${m.copiedWords} words, ${decision}, seen ${m.firstSeen} … ${m.lastSeen}${m.flagged ? ' [flagged]' : ''}`);
          }
        }
        if (!options.json) writeLine(io.stdout, `${items.length} of ${total} match(es)`);
      });
    });

  for (const [name, flagged] of [['flag', true], ['unflag', false]] as const) {
    command
      .command(name)
      .description(flagged ? 'Flag a match: watch sources re-check its page (still present, changed, removed)' : 'Stop re-checking a match')
      .argument('<id>', 'match id (from matches list)', parseCount(1))
      .option('--json', 'print {"id","flagged"}')
      .action(async (id: number, options: { json?: boolean }) => {
        await withExistingApp(io, globals(), async (app) => {
          if (!await setMatchFlagged(app.database.db, id, flagged)) throw new NotFoundError(`No match with id ${id}`);
          writeLine(io.stdout, options.json ? jsonLine({ id, flagged }) : `match ${id} ${flagged ? 'flagged' : 'unflagged'}`);
        });
      });
  }

  command
    .command('rechecks')
    .description('Re-check history of a match: still_present, changed or removed, each with its capture')
    .argument('<id>', 'match id', parseCount(1))
    .option('--json', 'one JSON object per line')
    .action(async (id: number, options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const match = await findMatchById(app.database.db, id);
        if (!match) throw new NotFoundError(`No match with id ${id}`);
        const rechecks = await listRechecks(app.database.db, { matchId: id, limit: 1000 });
        // An empty history says why, instead of printing nothing.
        if (rechecks.length === 0 && !options.json) {
          writeLine(io.stdout, match.flagged ? `match ${id} has not been re-checked yet: the next run of a watch source re-checks it` : `match ${id} has no re-checks: it is not flagged (\`copyhound matches flag ${id}\` has watch sources re-check it)`);
        }
        for (const r of rechecks) {
          if (options.json) writeLine(io.stdout, jsonLine(r));
          else writeLine(io.stdout, `${r.checkedAt}  ${r.outcome.padEnd(13)} HTTP ${r.httpStatus ?? '-'}  capture ${r.captureId ?? '-'}  ${showInline(r.url)}`);
        }
      });
    });
  return command;
}
