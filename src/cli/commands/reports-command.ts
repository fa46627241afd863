import type { Writable } from 'node:stream';
import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import type { ReportEventRow } from '../../../db/report-events.ts';
import { cursorAfter, iterateReports, listReports, type ReportListItem } from '../../../db/reports.ts';
import { DECISION_VALUES, reports } from '../../../db/schema/reports.ts';
import { CopyhoundError, ValidationError } from '../../errors.ts';
import { annotateReport, assignReport, getReportDetail, listReportHistory, parseReportStatus, setReportStatus } from '../../report-admin.ts';
import { ExportStopped, toReportDetail, toReportItem, writeReportExport, type ReportItem } from '../../reports/report-export.ts';
import {
  checkReportQueryField, cliFlagNaming, DEFAULT_PAGE_SIZE, DEFAULT_SORT, encodeCursor, EXPORT_FORMATS, MAX_PAGE_SIZE, parseReportExportQuery, parseReportListQuery,
  resolveReportFilters, type ReportQueryField,
} from '../../reports/report-query.ts';
import { REPORT_STATUSES, type ReportStatus } from '../../reports/status-flow.ts';
import { CLI_ACTOR, withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { escapeTerminalText, jsonLine, showInline } from '../terminal-text.ts';

/** `reports`: list, show, change and export infringement reports (adapters over src/report-admin.ts). */

type Globals = () => GlobalOptions;
const EXIT_USAGE = 2;
/** A flag's value checked alone (commander reports a refusal as usage, exit 2); lists may repeat. */
function queryFlag(field: ReportQueryField, list = false) {
  return (value: string, previous?: string) => {
    try {
      checkReportQueryField(field, value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
    return list && previous !== undefined ? `${previous},${value}` : value;
  };
}

export function idArgument(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value.trim())) throw new InvalidArgumentError('must be a report id (a whole number ≥ 1)');
  return Number(value);
}

function statusArgument(value: string): ReportStatus {
  try {
    return parseReportStatus(value.trim());
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Runs `read`; a ValidationError (a field of the query as a whole, an unknown article) is a usage error. */
export async function asUsage<T>(command: Command, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ValidationError) command.error(`error: ${error.message}`, { exitCode: EXIT_USAGE, code: 'copyhound.usage' });
    throw error;
  }
}

const FILTER_FLAGS: { field: Exclude<ReportQueryField, 'limit' | 'cursor' | 'format'>; flag: string; help: string; list?: boolean }[] = [
  { field: 'status', flag: '--status <list>', help: `only these statuses, comma-separated (${REPORT_STATUSES.join(', ')})`, list: true },
  { field: 'decision', flag: '--decision <list>', help: `only these decisions, comma-separated (${DECISION_VALUES.join(', ')})`, list: true },
  { field: 'kind', flag: '--kind <kind>', help: `only this kind (${reports.kind.enumValues.join(', ')})` },
  { field: 'domain', flag: '--domain <host>', help: 'only pages on this host and its sub-domains' },
  { field: 'article', flag: '--article <id>', help: "only copies of this owned article (the publisher's id)" },
  { field: 'licensee', flag: '--licensee <name>', help: 'only reports naming this licensee' },
  { field: 'since', flag: '--since <date>', help: 'first seen at or after this ISO date/time (no zone = UTC)' },
  { field: 'until', flag: '--until <date>', help: 'first seen before this ISO date/time (exclusive; no zone = UTC)' },
  { field: 'minCoverage', flag: '--min-coverage <x>', help: 'at least this share of the article copied, 0-1 (0.4 = 40%)' },
  { field: 'sort', flag: '--sort <field>', help: `lastSeen, firstSeen, coverage or id; a leading "-" sorts descending (default ${DEFAULT_SORT})` },
];

export function addFilterOptions(command: Command): Command {
  for (const f of FILTER_FLAGS) command.option(f.flag, f.help, queryFlag(f.field, f.list));
  return command;
}

/** The query fields the user gave, as text (commander leaves unset flags undefined). */
export function rawQuery(options: Record<string, unknown>, fields: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const field of fields) if (typeof options[field] === 'string') raw[field] = options[field] as string;
  return raw;
}

export const FILTER_FIELDS = FILTER_FLAGS.map((f) => f.field);

/** A reviewer's change printed: the JSON object, or one line with where the report can go next. */
function printReport(io: CliIo, json: boolean | undefined, item: ReportItem & { allowedStatuses?: readonly string[] }, human: string): void {
  if (json) return writeLine(io.stdout, jsonLine(item));
  writeLine(io.stdout, human);
}

function addListCommand(command: Command, io: CliIo, globals: Globals): void {
  const list = command
    .command('list')
    .description(`List reports, most recently seen first, ${DEFAULT_PAGE_SIZE} at a time; the next page's --cursor goes to stderr`)
    .option('--json', 'one JSON object per line: id, pageUrl, articleId, kind, coverage, decision, reasons, consentId, status, firstSeen, lastSeen (and more)');
  addFilterOptions(list)
    .option('--limit <n>', `at most this many (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE})`, queryFlag('limit'))
    .option('--cursor <cursor>', 'continue after the page that printed this cursor', queryFlag('cursor'))
    .action(async (options: Record<string, unknown>) => {
      const q = await asUsage(list, () => parseReportListQuery(rawQuery(options, [...FILTER_FIELDS, 'limit', 'cursor']), cliFlagNaming));
      await withExistingApp(io, globals(), async (app) => {
        const db = app.database.db;
        const filters = await asUsage(list, async () => await resolveReportFilters(db, q.filters, cliFlagNaming));
        // One more than asked tells whether another page exists without a count.
        const rows = await listReports(db, { filters, sort: q.sort, ...(q.cursor ? { cursor: q.cursor } : {}), limit: q.limit + 1 });
        const page = rows.slice(0, q.limit);
        if (options.json) for (const r of page) writeLine(io.stdout, jsonLine(toReportItem(r)));
        else for (const line of formatReportTable(page)) writeLine(io.stdout, line);
        if (rows.length > q.limit) writeLine(io.stderr, `more reports: continue with --cursor ${encodeCursor(q.sort, cursorAfter(page[page.length - 1], q.sort))}`);
      });
    });
}

function addExportCommand(command: Command, io: CliIo, globals: Globals): void {
  const exp = command
    .command('export')
    .description('Write every matching report to stdout as CSV (header row, RFC 4180) or NDJSON, streamed: redirect it to a file')
    .requiredOption('--format <format>', `${EXPORT_FORMATS.join(' or ')} (json = one report per line); CSV cells that a spreadsheet would run as a formula get a leading '`, queryFlag('format'));
  addFilterOptions(exp).action(async (options: Record<string, unknown>) => {
    const q = await asUsage(exp, () => parseReportExportQuery(rawQuery(options, [...FILTER_FIELDS, 'format']), cliFlagNaming));
    await withExistingApp(io, globals(), async (app) => {
      const db = app.database.db;
      const filters = await asUsage(exp, async () => await resolveReportFilters(db, q.filters, cliFlagNaming));
      const stdout = io.stdout as Writable;
      // A reader that stops early (`| head`) closes the pipe: the export ends quietly, never crashes.
      const ignoreClosedPipe = (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
      };
      stdout.on('error', ignoreClosedPipe);
      try {
        const { rows } = await writeReportExport(stdout, iterateReports(db, filters, q.sort), q.format);
        writeLine(io.stderr, `exported ${rows} report(s) as ${q.format === 'csv' ? 'CSV' : 'NDJSON'}`);
      } catch (error) {
        const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
        if (error instanceof ExportStopped && cause?.code === 'EPIPE') return;
        if (error instanceof ExportStopped) throw new CopyhoundError('export_write_failed', `could not write the export to stdout: ${cause?.message ?? 'stdout closed'}`);
        throw error;
      }
    });
  });
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
// Stored times are UTC ISO with milliseconds; a table shows them to the minute.
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** A compact table of a page of reports; stored text (URLs, ids, names) made safe for a terminal. */
function formatReportTable(rows: ReportListItem[]): string[] {
  if (rows.length === 0) return ['(no reports match)'];
  const header = ['ID', 'STATUS', 'DECISION', 'KIND', 'COVER', 'ARTICLE', 'LAST SEEN (UTC)', 'PAGE'];
  const cells = rows.map((r) => [String(r.id), r.status, r.decision, r.kind, pct(r.coverage), showInline(r.articleId, 40), minute(r.lastSeenAt), showInline(r.pageUrl, 120)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
  return [line(header), ...cells.map(line)];
}

function describeHistoryEvent(e: ReportEventRow): string {
  const move = e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus ? ` ${e.fromStatus} → ${e.toStatus}` : '';
  return `${e.at}  ${showInline(e.actor, 60)}  ${e.kind}${move}${e.note ? `  ${showInline(e.note, 300)}` : ''}`;
}

interface ShownDetail {
  explanation?: string[];
  considered?: { consentId?: number; uid?: string; status?: string; broken?: string[] }[];
  pending?: { consentId?: number; wouldLicense?: boolean; broken?: string[] }[];
  signals?: { term?: string; signal?: string; value?: string | null; met?: boolean }[];
}

/** `reports show` for a person: the figures first, then why it was decided, then the evidence. */
function describeReport(d: ReturnType<typeof toReportDetail<Awaited<ReturnType<typeof getReportDetail>>>>): string[] {
  const detail = (d.decisionDetail ?? {}) as ShownDetail;
  const lines = [
    `report ${d.id}  ${d.status}  (can move to: ${d.allowedStatuses.join(', ') || 'nothing'})`,
    `  page:      ${showInline(d.pageUrl)}`,
    `  article:   ${showInline(d.articleId)}`,
    `  copy:      ${d.kind}, ${pct(d.coverage)} of the article, ${d.copiedWords} words`,
    `  decision:  ${d.decision}${d.reasons.length ? ` (${d.reasons.join('; ')})` : ''}${d.consentId !== null ? `, consent ${d.consentId}` : ''}${d.licensee ? `, licensee ${showInline(d.licensee)}` : ''}`,
    `  seen:      first ${d.firstSeen}, last ${d.lastSeen}`,
    `  assignee:  ${d.assignee ? showInline(d.assignee) : '-'}`,
    `passages (page characters ↔ article characters): ${d.passages.length || 'none'}`,
    ...d.passages.map((p) => `  ${p.pageStart}-${p.pageEnd} ↔ ${p.articleStart}-${p.articleEnd}`),
    `explanation:${detail.explanation?.length ? '' : ' none stored'}`,
    ...(detail.explanation ?? []).map((step) => `  - ${showInline(step)}`),
    `consents considered: ${detail.considered?.length || 'none'}`,
    ...(detail.considered ?? []).map((c) => `  - consent ${c.consentId} ${showInline(c.uid)} (${c.status}): ${c.broken?.length ? `broken ${c.broken.join(', ')}` : 'all terms met'}`),
    ...(detail.pending ?? []).map((p) => `  - pending consent ${p.consentId}: ${p.wouldLicense ? 'would license the copy' : `would be broken (${p.broken?.join(', ')})`}`),
    `signals: ${detail.signals?.length || 'none'}`,
    ...(detail.signals ?? []).map((s) => `  - ${s.term}: ${showInline(s.signal)} = ${s.value === null || s.value === undefined ? '(none)' : showInline(s.value, 200)} ${s.met ? '(met)' : '(not met)'}`),
    `captures: ${d.captures.length || 'none'}`,
    ...d.captures.map((c) => `  - capture ${c.captureId} ${c.role} at ${c.at}: HTTP ${c.status} ${showInline(c.url)} sha256 ${c.sha256}`),
    `history:`,
    ...d.history.map((e) => `  ${describeHistoryEvent(e)}`),
  ];
  if (d.notes) lines.push('notes:', ...escapeTerminalText(d.notes, { multiline: true }).split('\n').map((l) => `  ${l}`));
  return lines;
}

export function createReportsCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('reports').description(COMMAND_DESCRIPTIONS.reports);
  addListCommand(command, io, globals);

  command
    .command('show')
    .description('One report: figures, passages, decision with explanation, consents considered and signals, captures, history')
    .argument('<id>', 'report id', idArgument)
    .option('--json', 'the report as one JSON object')
    .action(async (id: number, options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const detail = toReportDetail(await getReportDetail(app.database.db, id));
        if (options.json) writeLine(io.stdout, jsonLine(detail));
        else for (const line of describeReport(detail)) writeLine(io.stdout, line);
      });
    });

  command
    .command('set-status')
    .description(`Move a report to another status (${REPORT_STATUSES.join(', ')}); a move the flow does not allow fails and names the allowed ones`)
    .argument('<id>', 'report id', idArgument)
    .argument('<status>', 'the new status', statusArgument)
    .requiredOption('--note <text>', 'why (kept in the history)')
    .option('--json', 'the report after the change as one JSON object')
    .action(async (id: number, status: ReportStatus, options: { note: string; json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const report = await setReportStatus(app.database.db, id, status, options.note, CLI_ACTOR);
        printReport(io, options.json, toReportItem(report), `report ${report.id} is now ${report.status}`);
      });
    });

  command
    .command('history')
    .description("A report's history, oldest first: who changed what, when and why (append-only)")
    .argument('<id>', 'report id', idArgument)
    .option('--json', 'one JSON object per line')
    .action(async (id: number, options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        for (const event of await listReportHistory(app.database.db, id)) writeLine(io.stdout, options.json ? jsonLine(event) : describeHistoryEvent(event));
      });
    });

  const assign = command
    .command('assign')
    .description('Assign a report to a reviewer')
    .argument('<id>', 'report id', idArgument)
    .argument('<who>', 'the reviewer')
    .option('--json', 'the report after the change as one JSON object')
    .action(async (id: number, who: string, options: { json?: boolean }) => {
      if (who.trim() === '') assign.error('error: <who> must not be empty; `reports unassign ID` clears the assignee', { exitCode: EXIT_USAGE });
      await withExistingApp(io, globals(), async (app) => {
        const report = await assignReport(app.database.db, id, who, CLI_ACTOR);
        printReport(io, options.json, toReportItem(report), `report ${report.id} assigned to ${report.assignee}`);
      });
    });

  command
    .command('unassign')
    .description("Clear a report's assignee")
    .argument('<id>', 'report id', idArgument)
    .option('--json', 'the report after the change as one JSON object')
    .action(async (id: number, options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const report = await assignReport(app.database.db, id, null, CLI_ACTOR);
        printReport(io, options.json, toReportItem(report), `report ${report.id} unassigned`);
      });
    });

  command
    .command('note')
    .description("Add a note to a report (kept in its notes and its history)")
    .argument('<id>', 'report id', idArgument)
    .argument('<text>', 'the note')
    .option('--json', 'the report after the change as one JSON object')
    .action(async (id: number, text: string, options: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const report = await annotateReport(app.database.db, id, text, CLI_ACTOR);
        printReport(io, options.json, toReportItem(report), `note added to report ${report.id}`);
      });
    });

  addExportCommand(command, io, globals);
  return command;
}
