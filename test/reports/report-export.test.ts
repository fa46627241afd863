import { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/open-db.ts';
import { iterateReports, listReports, updateReport, type ReportListItem, type ReportSort } from '../../db/reports.ts';
import { CSV_COLUMNS, ExportStopped, toReportItem, writeReportExport } from '../../src/reports/report-export.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openSeedDatabase, seedArticles, seedConsent, seedLicensee, seedManyReports, seedReports } from './seed-reports.ts';

// The tests that seed thousands of reports (seedManyReports: a few statements per report) take
// 10 s and more on PostgreSQL on a busy 2-core machine: they get more than the suite's 30 s.
const MANY_REPORTS_TIMEOUT_MS = 120_000;

const tempDir = useTempDir();
const BY_ID: ReportSort = { field: 'id', direction: 'asc' };

/** Collects everything written, as text. */
function collector(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { out, text: () => text };
}

/** RFC 4180 reader for the checks (quoted fields, doubled quotes, CRLF records). */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') record.push(field), records.push(record), (record = []), (field = ''), i++;
    else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-40))}`);
  return records;
}

async function exportAll(db: Db, format: 'csv' | 'json') {
  const { out, text } = collector();
  return writeReportExport(out, iterateReports(db, {}, BY_ID), format).then((r) => ({ ...r, text: text() }));
}

/** Every row an async iterator gives, in order. */
async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('iterateReports', () => {
  const SORTS: ReportSort[] = [BY_ID, { field: 'id', direction: 'desc' }, { field: 'lastSeen', direction: 'desc' }, { field: 'firstSeen', direction: 'asc' }, { field: 'coverage', direction: 'desc' }];

  it('reads the same rows as the list (every column, licensee, reasons) in every order, across batch edges', async () => {
    const { db, close } = await openSeedDatabase(tempDir());
    try {
      const keys = await seedArticles(db, ['a1', 'a2', 'a3']);
      const partner = await seedLicensee(db, 'Partner Post');
      const consent = await seedConsent(db, partner, 'urn:consent:1');
      await seedReports(db, keys, [
        { url: 'https://copy.example/a', articleId: 'a1', decision: 'licence_breach', reasons: ['credit_missing', 'link_back_missing'], consentId: consent, licenseeId: partner, coverage: 0.25, assignee: 'ann' },
        { url: 'https://copy.example/b', articleId: 'a2', coverage: 1 },
      ]);
      await seedManyReports(db, keys, 11);
      for (const sort of SORTS) {
        const listed = await listReports(db, { filters: {}, sort, limit: 100 });
        expect(listed).toHaveLength(13);
        // Batches of 4: three full ones and a shorter last one.
        expect((await collect(iterateReports(db, {}, sort, 4))), JSON.stringify(sort)).toEqual(listed);
      }
      const filtered = { domain: 'copy.example', minCoverage: 0.2 };
      expect((await collect(iterateReports(db, filtered, BY_ID, 4))).map((r) => r.pageUrl)).toEqual(['https://copy.example/a', 'https://copy.example/b']);
    } finally {
      await close();
    }
  });

  it('gives each report once, in the order at the start, when reports are seen again mid-export', async () => {
    const { db, close } = await openSeedDatabase(tempDir());
    try {
      const rows = await seedManyReports(db, await seedArticles(db, ['a1', 'a2']), 10);
      const newestFirst: ReportSort = { field: 'lastSeen', direction: 'desc' };
      const order = (await listReports(db, { filters: {}, sort: newestFirst, limit: 100 })).map((r) => r.id);
      const read: number[] = [];
      for await (const row of iterateReports(db, {}, newestFirst, 3)) {
        read.push(row.id);
        if (read.length === 4) {
          // Seen again: one already exported and one not yet exported jump to the front of the order.
          await updateReport(db, order[0], { lastSeenAt: '2030-01-01T00:00:00.000Z' });
          await updateReport(db, order[8], { lastSeenAt: '2030-01-02T00:00:00.000Z' });
        }
      }
      expect(read).toEqual(order);
      expect(new Set(read).size).toBe(rows.length);
    } finally {
      await close();
    }
  });
});

describe('report export', () => {
  async function hostileWorld() {
    const { db, close } = await openSeedDatabase(tempDir());
    const keys = await seedArticles(db, ['plain', '=HYPERLINK("http://evil.example","x")', '@SUM(A1)', '+cmd', '-2+3']);
    const partner = await seedLicensee(db, '=Partner, "the" Post');
    const consent = await seedConsent(db, partner, 'urn:consent:1');
    await seedReports(db, keys, [
      { url: 'https://copy.example/a?q="x",y', articleId: 'plain', decision: 'licence_breach', reasons: ['credit_missing', 'link_back_missing'], consentId: consent, licenseeId: partner, coverage: 0.25, assignee: 'line one\r\nline two' },
      { url: 'https://copy.example/b', articleId: '=HYPERLINK("http://evil.example","x")', assignee: '\rcarriage' },
      { url: 'https://copy.example/c', articleId: '@SUM(A1)', coverage: 1 },
      { url: 'https://copy.example/d', articleId: '+cmd' },
      { url: 'https://copy.example/e', articleId: '-2+3' },
      { url: 'https://copy.example/f', articleId: 'plain', assignee: '\tindent' },
    ]);
    return { db, close };
  }

  it('writes CSV with a header row, RFC 4180 quoting, reasons joined by ";" and formula cells defused with a quote', async () => {
    const { db, close } = await hostileWorld();
    try {
      const { rows, text } = await exportAll(db, 'csv');
      expect(rows).toBe(6);
      expect(text.startsWith(`${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
      const [header, ...records] = readCsv(text);
      expect(header).toEqual([...CSV_COLUMNS]);
      const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
      const first = records[0];
      expect(first[col('pageUrl')]).toBe('https://copy.example/a?q="x",y');
      expect(first[col('reasons')]).toBe('credit_missing;link_back_missing');
      expect(first[col('assignee')]).toBe('line one\r\nline two');
      expect(first[col('licensee')]).toBe(`'=Partner, "the" Post`);
      expect(first[col('coverage')]).toBe('0.25');
      expect(first[col('consentId')]).not.toBe('');
      // The raw text quotes exactly the fields that need it.
      expect(text).toContain(`,"https://copy.example/a?q=""x"",y",`);
      expect(text).toContain(`,"line one\r\nline two",`);
      expect(records.map((r) => r[col('articleId')])).toEqual(['plain', `'=HYPERLINK("http://evil.example","x")`, `'@SUM(A1)`, `'+cmd`, `'-2+3`, 'plain']);
      expect(records[1][col('assignee')]).toBe(`'\rcarriage`);
      expect(records[5][col('assignee')]).toBe(`'\tindent`);
      // Empty values stay empty (not "null"), numbers are not prefixed.
      expect(records[1][col('licensee')]).toBe('');
      expect(records[2][col('coverage')]).toBe('1');
      for (const r of records) expect(r).toHaveLength(CSV_COLUMNS.length);
    } finally {
      await close();
    }
  });

  it('writes exactly what csv-stringify (escape_formulas, CRLF) writes for the same hostile values', async () => {
    const { db, close } = await openSeedDatabase(tempDir());
    try {
      const hostile = ['=1+1', '+1', '-1', '@x', '\tx', '\rx', '\uFF1D1', '\uFF0B1', '\uFF0D1', '\uFF20x', 'a,b', 'say "hi"', 'two\nlines', 'cr\ronly', "'quoted", ' =lead', '', 'plain', 'ü ∑ 😀'];
      const keys = await seedArticles(db, ['art']);
      await seedReports(db, keys, hostile.map((text, i) => ({ url: `https://copy.example/${i}?q=${encodeURIComponent(text)}`, articleId: 'art', assignee: text, reasons: text === '' ? [] : [text, 'x'], coverage: i / 100 })));
      const { text } = await exportAll(db, 'csv');
      const records = (await collect(iterateReports(db, {}, BY_ID))).map((r) => {
        const item = toReportItem(r);
        return CSV_COLUMNS.map((c) => (c === 'reasons' ? item.reasons.join(';') : item[c]));
      });
      // quote_record_delimiter must be said: csv-stringify 6.9 leaves a lone LF or CR in a field
      // unquoted once record_delimiter is set, which RFC 4180 readers take as a new record.
      const reference = { header: true, columns: [...CSV_COLUMNS], escape_formulas: true, record_delimiter: 'windows', quote_record_delimiter: true, eof: true } as const;
      expect(text).toBe(stringify(records, reference));
    } finally {
      await close();
    }
  });

  it('writes NDJSON: one report per line, the list item shape', async () => {
    const { db, close } = await hostileWorld();
    try {
      const { rows, text } = await exportAll(db, 'json');
      expect(rows).toBe(6);
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.slice(0, -1).split('\n');
      expect(lines).toHaveLength(6);
      const expected = (await collect(iterateReports(db, {}, BY_ID))).map(toReportItem);
      expect(lines.map((l) => JSON.parse(l))).toEqual(expected);
      expect(JSON.parse(lines[0])).toMatchObject({ pageUrl: 'https://copy.example/a?q="x",y', articleId: 'plain', reasons: ['credit_missing', 'link_back_missing'], licensee: '=Partner, "the" Post', assignee: 'line one\r\nline two' });
      // JSON needs no formula guard: values are exactly as stored.
      expect(JSON.parse(lines[1]).articleId).toBe('=HYPERLINK("http://evil.example","x")');
    } finally {
      await close();
    }
  });

  it('writes the header alone for CSV and nothing for NDJSON when nothing matches', async () => {
    const { db, close } = await openSeedDatabase(tempDir());
    try {
      expect((await exportAll(db, 'csv')).text).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
      expect(await exportAll(db, 'json')).toEqual({ rows: 0, text: '' });
    } finally {
      await close();
    }
  });

  it('streams: while a slow reader holds a write, only a bounded number of rows has been read', async () => {
    const { db, close } = await openSeedDatabase(tempDir());
    const total = 3000;
    try {
      await seedManyReports(db, await seedArticles(db, Array.from({ length: 20 }, (_, i) => `a${i}`)), total);
      let pulled = 0;
      async function* counted(rows: AsyncIterable<ReportListItem>) {
        for await (const row of rows) {
          pulled++;
          yield row;
        }
      }
      const pending: (() => void)[] = [];
      let text = '';
      // A reader that takes each chunk only when the test says so (a tiny buffer: every write is "full").
      const slow = new Writable({
        highWaterMark: 1,
        write(chunk, _enc, done) {
          text += String(chunk);
          pending.push(done);
        },
      });
      const exporting = writeReportExport(slow, counted(iterateReports(db, {}, BY_ID, 500)), 'csv');
      // The first write (the first batch) can take longer than a moment on a busy machine: wait
      // for it, then give the export a moment more to run ahead if it would.
      for (const waitUntil = Date.now() + 20_000; pending.length === 0 && Date.now() < waitUntil; ) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(pending).toHaveLength(1);
      expect(pulled).toBeLessThanOrEqual(500);
      expect(text.split('\r\n').length - 2).toBe(500);
      // Let it run to the end, one chunk at a time.
      while (true) {
        const done = pending.shift();
        if (done) done();
        const finished = await Promise.race([exporting.then(() => true), new Promise<boolean>((resolve) => setImmediate(() => resolve(false)))]);
        if (finished) break;
      }
      expect(await exporting).toEqual({ rows: total });
      const records = readCsv(text);
      expect(records).toHaveLength(total + 1);
      expect(records.slice(1).map((r) => Number(r[0]))).toEqual((await collect(iterateReports(db, {}, BY_ID))).map((r) => r.id));
    } finally {
      await close();
    }
  }, MANY_REPORTS_TIMEOUT_MS);

  it('stops at the next write when aborted, and closes the row source', async () => {
    const { db, close } = await openSeedDatabase(tempDir());
    try {
      await seedManyReports(db, await seedArticles(db, Array.from({ length: 20 }, (_, i) => `a${i}`)), 2000);
      let pulled = 0;
      let sourceClosed = false;
      async function* counted(rows: AsyncIterable<ReportListItem>) {
        try {
          for await (const row of rows) {
            pulled++;
            yield row;
          }
        } finally {
          sourceClosed = true;
        }
      }
      const stop = new AbortController();
      const out = new Writable({
        highWaterMark: 1,
        write(_chunk, _enc, done) {
          // The reader takes the first chunk, then the caller gives up.
          stop.abort();
          setImmediate(done);
        },
      });
      const error = await writeReportExport(out, counted(iterateReports(db, {}, BY_ID, 500)), 'json', { signal: stop.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExportStopped);
      expect((error as ExportStopped).reason).toBe('aborted');
      expect((error as ExportStopped).rows).toBe(500);
      expect(sourceClosed).toBe(true);
      expect(pulled).toBeLessThan(2000);
    } finally {
      await close();
    }
  }, MANY_REPORTS_TIMEOUT_MS);

  it('stops when the destination is destroyed while the export waits for it', async () => {
    const { db, close } = await openSeedDatabase(tempDir());
    try {
      await seedManyReports(db, await seedArticles(db, ['a0', 'a1']), 1200);
      const out = new Writable({
        highWaterMark: 1,
        write(_chunk, _enc, _done) {
          // Never takes the chunk: the reader hangs up instead.
          setImmediate(() => out.destroy());
        },
      });
      const error = await writeReportExport(out, iterateReports(db, {}, BY_ID), 'csv').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExportStopped);
      expect((error as ExportStopped).reason).toBe('closed');
    } finally {
      await close();
    }
  }, MANY_REPORTS_TIMEOUT_MS);
});
