import type { Writable } from 'node:stream';
import type { ReportListItem } from '../../db/reports.ts';
import type { ExportFormat } from './report-query.ts';

/**
 * Reports as users see them (list items, export rows) and the streaming export writers. An export
 * reads db/reports.ts iterateReports (a batch at a time) and writes a few hundred rows per write,
 * waiting for 'drain' whenever the destination says it is full, so any number of reports is
 * exported in constant memory and a slow reader slows the export rather than filling memory.
 *
 * CSV is RFC 4180 (CRLF line ends, fields with a quote, comma or line break quoted, quotes
 * doubled), with a header row; reasons are joined with ';'. Page URLs, article ids, licensee and
 * assignee names can come from hostile or careless sources, and spreadsheets run a cell that
 * starts with = + - @ (or tab or CR) as a formula: such a cell is written with a leading single
 * quote ("'=HYPERLINK(...)"), as OWASP advises, also for the full-width ＝ ＋ － ＠. Numbers are
 * left as they are. JSON is NDJSON: one report per line, the same object as list items.
 *
 * The CSV is encoded here rather than with csv-stringify: on 100k reports its sync encoder cost
 * 3.4 µs a row against 0.6 µs for these few lines, and the whole export measured ~37k rows/s with
 * it against ~46k without, the db read alone being ~58k (shared 2-core box), so it cannot meet the
 * 50k rows/s target. The tests check that this output equals csv-stringify's (escape_formulas,
 * CRLF records, quote_record_delimiter: without it csv-stringify leaves a lone LF in a field
 * unquoted once record_delimiter is set) on hostile values, so the two cannot drift apart.
 *
 * The export's order (report ids) is read once at its start, so every report that matched then
 * appears exactly once, in that order, even while others write; each row shows its values as of
 * when its batch was read (db/reports.ts iterateReports).
 */

// Rows encoded per write: ~100 KB of text, so each write (and HTTP chunk) carries enough to
// amortise its cost while only this much is held in memory at once.
const ROWS_PER_WRITE = 500;

/** One report as lists and exports show it (the db row without its internal keys). */
export interface ReportItem {
  id: number;
  pageUrl: string;
  host: string;
  articleId: string;
  matchId: number | null;
  kind: ReportListItem['kind'];
  coverage: number;
  copiedWords: number;
  decision: ReportListItem['decision'];
  reasons: string[];
  consentId: number | null;
  licensee: string | null;
  status: ReportListItem['status'];
  assignee: string | null;
  firstSeen: string;
  lastSeen: string;
  updatedAt: string;
}

export function toReportItem(r: ReportListItem): ReportItem {
  return {
    id: r.id,
    pageUrl: r.pageUrl,
    host: r.host,
    articleId: r.articleId,
    matchId: r.matchId,
    kind: r.kind,
    coverage: r.coverage,
    copiedWords: r.copiedWords,
    decision: r.decision,
    reasons: r.reasons,
    consentId: r.consentId,
    licensee: r.licenseeName,
    status: r.status,
    assignee: r.assignee,
    firstSeen: r.firstSeenAt,
    lastSeen: r.lastSeenAt,
    updatedAt: r.updatedAt,
  };
}

/** What a report's detail adds to the list item (report-admin getReportDetail's extra fields). */
interface DetailExtras {
  notes: string | null;
  createdAt: string;
  allowedStatuses: readonly string[];
  passages: unknown[];
  decisionDetail: unknown;
  captures: unknown[];
  history: unknown[];
}

/** A report's detail as `reports show --json` and GET /api/reports/:id give it. */
export function toReportDetail<D extends ReportListItem & DetailExtras>(d: D): ReportItem & Pick<D, keyof DetailExtras> {
  const { notes, createdAt, allowedStatuses, passages, decisionDetail, captures, history } = d;
  return { ...toReportItem(d), notes, createdAt, allowedStatuses, passages, decisionDetail, captures, history };
}

/** CSV columns, in order: the header row is these names (the NDJSON keys). */
export const CSV_COLUMNS = ['id', 'status', 'decision', 'reasons', 'kind', 'coverage', 'copiedWords', 'pageUrl', 'host', 'articleId', 'consentId', 'licensee', 'assignee', 'firstSeen', 'lastSeen', 'updatedAt', 'matchId'] as const;

// Cells a spreadsheet would run as a formula (OWASP "CSV injection"): = + - @ tab CR, and the
// full-width ＝ ＋ － ＠ that some spreadsheets normalise to them. Numbers are never prefixed.
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
// RFC 4180 §2.6: a field holding a quote, a comma or a line break is enclosed in quotes.
const NEEDS_QUOTES = /[",\r\n]/;

function textCell(value: string | null): string {
  if (value === null || value === '') return '';
  const defused = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

const numberCell = (value: number | null) => (value === null ? '' : String(value));

/** One CSV record in CSV_COLUMNS order (kept in step with that list: the tests read both). */
function csvRecord(r: ReportListItem): string {
  return `${numberCell(r.id)},${textCell(r.status)},${textCell(r.decision)},${textCell(r.reasons.join(';'))},${textCell(r.kind)},${numberCell(r.coverage)},${numberCell(r.copiedWords)},${textCell(r.pageUrl)},${textCell(r.host)},${textCell(r.articleId)},${numberCell(r.consentId)},${textCell(r.licenseeName)},${textCell(r.assignee)},${textCell(r.firstSeenAt)},${textCell(r.lastSeenAt)},${textCell(r.updatedAt)},${numberCell(r.matchId)}\r\n`;
}

const CSV_HEADER = `${CSV_COLUMNS.join(',')}\r\n`;

function encodeCsv(rows: ReportListItem[], withHeader: boolean): string {
  let text = withHeader ? CSV_HEADER : '';
  for (const r of rows) text += csvRecord(r);
  return text;
}

function encodeNdjson(rows: ReportListItem[]): string {
  let text = '';
  for (const r of rows) text += `${JSON.stringify(toReportItem(r))}\n`;
  return text;
}

/** Why an export ended before its last row: the caller gave up, or the destination went away. */
export class ExportStopped extends Error {
  readonly reason: 'aborted' | 'closed';
  /** Rows handed to the destination before the stop (some may not have reached the reader). */
  rows = 0;
  constructor(reason: 'aborted' | 'closed', cause?: unknown) {
    super(reason === 'aborted' ? 'The export was stopped' : 'The export destination closed before the end', cause === undefined ? undefined : { cause });
    this.name = 'ExportStopped';
    this.reason = reason;
  }
}

/** Waits until `out` wants more; rejects when it closes or errs, or the signal aborts. */
function waitForDrain(out: Writable, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => finish();
    const onClose = () => finish(new ExportStopped('closed'));
    const onError = (error: Error) => finish(new ExportStopped('closed', error));
    const onAbort = () => finish(new ExportStopped('aborted'));
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onError);
    signal?.addEventListener('abort', onAbort);
    // Aborted or closed during the write itself: the events have already fired.
    if (signal?.aborted) onAbort();
    else if (out.destroyed) onClose();
  });
}

export interface ExportOptions {
  /** Aborting stops the export at its next write (an HTTP client that went away). */
  signal?: AbortSignal;
}

/**
 * Writes every row to `out` as CSV or NDJSON and resolves with the count; `out` is not ended (the
 * caller owns it). Rejects with ExportStopped when `out` closes or errs or the signal aborts; the
 * row source is then closed, which ends its reading.
 */
export async function writeReportExport(out: Writable, rows: Iterable<ReportListItem> | AsyncIterable<ReportListItem>, format: ExportFormat, options: ExportOptions = {}): Promise<{ rows: number }> {
  const { signal } = options;
  // An error between writes (EPIPE on a closed stdout) is kept and ends the export at the next write.
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure ??= error;
  };
  out.on('error', onError);
  let count = 0;
  let batch: ReportListItem[] = [];
  const flush = async () => {
    if (signal?.aborted) throw new ExportStopped('aborted');
    if (failure || out.destroyed || out.writableEnded) throw new ExportStopped('closed', failure);
    const text = format === 'csv' ? encodeCsv(batch, count === 0) : encodeNdjson(batch);
    count += batch.length;
    batch = [];
    if (text !== '' && !out.write(text)) await waitForDrain(out, signal);
  };
  try {
    for await (const row of rows) {
      batch.push(row);
      if (batch.length === ROWS_PER_WRITE) await flush();
    }
    // The last rows, or the header alone when nothing matched.
    if (batch.length > 0 || count === 0) await flush();
    return { rows: count };
  } catch (error) {
    if (error instanceof ExportStopped) error.rows = count;
    throw error;
  } finally {
    out.off('error', onError);
  }
}
