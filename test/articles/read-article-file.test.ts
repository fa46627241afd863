import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createScanner, readArticleFile, type FileRecord } from '../../src/articles/read-article-file.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Small enough that tests can pass it; large enough for every ordinary record below.
const MAX_RECORD_BYTES = 64;

function scanInChunks(text: string | Buffer, size: number, maxRecordBytes = 1024): FileRecord[] {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const scanner = createScanner({ maxRecordBytes });
  const out: FileRecord[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(...scanner.push(bytes.subarray(i, i + size)));
  out.push(...scanner.end());
  return out;
}

const valuesOf = (records: FileRecord[]) => records.map((r) => ('value' in r ? r.value : { ref: r.ref, reason: r.problem.reason }));

const arrayText = '\n[\n  {"id": "a", "body": "x [y] {z} \\" ]"},\n  {"id": "b",\n   "n": [1, {"k": 2}]},\n  7,\n  "s, ]"\n]\n';

describe('createScanner', () => {
  it('splits a JSON array into elements with their starting lines, whatever the chunking', () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const records = scanInChunks(arrayText, size);
      expect(records).toEqual([
        { ref: 3, value: { id: 'a', body: 'x [y] {z} " ]' }, bytes: 37 },
        { ref: 4, value: { id: 'b', n: [1, { k: 2 }] }, bytes: 34 },
        { ref: 6, value: 7, bytes: 1 },
        { ref: 7, value: 's, ]', bytes: 6 },
      ]);
    }
  });

  it('reads NDJSON line by line, skipping blank lines and numbering from 1', () => {
    const text = '{"id":"a"}\n\n{"id":\n{"id":"c"}';
    for (const size of [1, 4, 100]) {
      const records = scanInChunks(text, size);
      expect(records[0]).toEqual({ ref: 1, value: { id: 'a' }, bytes: 10 });
      expect(records[1]).toMatchObject({ ref: 3, problem: { reason: 'invalid_json' } });
      expect(records[2]).toEqual({ ref: 4, value: { id: 'c' }, bytes: 10 });
    }
  });

  it('drops a UTF-8 BOM and keeps multi-byte characters split across chunks', () => {
    for (const size of [1, 2, 5]) {
      expect(valuesOf(scanInChunks('\ufeff{"t":"Zürich – 東京"}\n', size))).toEqual([{ t: 'Zürich – 東京' }]);
      expect(valuesOf(scanInChunks('\ufeff [{"t":"é"}]', size))).toEqual([{ t: 'é' }]);
    }
  });

  it('rejects an NDJSON line over the record limit as record_too_large and goes on with the next line', () => {
    const long = JSON.stringify({ id: 'long', body: 'x'.repeat(200) });
    const text = `{"id":"a"}\n${long}\n{"id":"b"}\n`;
    for (const size of [1, 7, 64, 1000]) {
      expect(valuesOf(scanInChunks(text, size, MAX_RECORD_BYTES))).toEqual([{ id: 'a' }, { ref: 2, reason: 'record_too_large' }, { id: 'b' }]);
    }
    const [tooLarge] = scanInChunks(long, 10, MAX_RECORD_BYTES);
    expect(tooLarge).toMatchObject({ problem: { message: expect.stringContaining('COPYHOUND_IMPORT_MAX_RECORD_BYTES') } });
    // Exactly at the limit is accepted.
    const exact = JSON.stringify({ b: 'y'.repeat(MAX_RECORD_BYTES - 8) });
    expect(Buffer.byteLength(exact)).toBe(MAX_RECORD_BYTES);
    expect(valuesOf(scanInChunks(exact + '\n', 5, MAX_RECORD_BYTES))).toEqual([JSON.parse(exact)]);
  });

  it('rejects an array element over the record limit and reads the elements after it', () => {
    const text = JSON.stringify([{ id: 'a' }, { id: 'long', body: 'x'.repeat(200), n: [1, 2] }, 'z'.repeat(100), { id: 'b' }]);
    for (const size of [1, 7, 64, 1000]) {
      expect(valuesOf(scanInChunks(text, size, MAX_RECORD_BYTES))).toEqual([
        { id: 'a' },
        { ref: 1, reason: 'record_too_large' },
        { ref: 1, reason: 'record_too_large' },
        { id: 'b' },
      ]);
    }
  });

  it('stops at a stray "}" with the line and column instead of swallowing every later record', () => {
    const text = '[\n  {"id": "a"},\n  {"id": "b"}},\n  {"id": "c"},\n  {"id": "d"}\n]\n';
    for (const size of [1, 3, 1000]) {
      const records = scanInChunks(text, size);
      expect(valuesOf(records)).toEqual([{ id: 'a' }, { id: 'b' }, { ref: 3, reason: 'array_damaged' }]);
      const last = records.at(-1)!;
      expect(last).toMatchObject({ stop: { line: 3, column: 14, recordsRead: 2 } });
      expect('problem' in last && last.problem.message).toContain("line 3, column 14: expected ',' or ']' after an array element, found '}'");
    }
  });

  it('stops on other structural damage and names it', () => {
    const damaged = (text: string) => {
      const last = scanInChunks(text, 3).at(-1)!;
      return 'problem' in last && last.stop ? last.problem.message : `not stopped: ${JSON.stringify(last)}`;
    };
    // An unescaped quote inside a string: the element is rejected where the damage shows.
    expect(damaged('[{"t": "He said "hi" there"}, {"t": "x"}]')).toContain("column 18: expected ',' or '}' after a value, found 'h'");
    expect(damaged('[{"a":1, {"b":2}}, {"c":3}]')).toContain('expected a property name in double quotes');
    expect(damaged('[{"a" 1}]')).toContain("expected ':'");
    expect(damaged('[{"a":1}], {"b":2}]')).toContain("unexpected ',' after the end of the array");
    expect(damaged('[{"a":1},')).toContain('the file ends before the array is closed');
    expect(damaged('[{"a":1},,{"b":2}]')).toContain('empty array element');
    expect(damaged('[{"a":1},]')).toContain('a comma before the closing "]"');
    expect(damaged('[{"a":[1}]')).toContain("expected ',' or ']' after a value, found '}'");
    // Columns count characters, not bytes, and strings are skipped over whatever they hold.
    expect(damaged('[{"t":"é東\\"\\\\x"}}]')).toContain("line 1, column 17: expected ',' or ']' after an array element, found '}'");
    expect(damaged('[\n{"t":"a"},\n  {"t":"b"} {"t":"c"}]')).toContain("line 3, column 13: expected ',' or ']' after an array element, found '{'");
    expect(scanInChunks('[]', 1)).toEqual([]);
    expect(scanInChunks('  [ ]  \n', 1)).toEqual([]);
    // A bad literal or escape stays inside its element: that element alone is rejected.
    expect(valuesOf(scanInChunks('[{"a":tru}, {"b":"\\q"}, {"c":1}]', 2))).toEqual([
      { ref: 1, reason: 'invalid_json' },
      { ref: 1, reason: 'invalid_json' },
      { c: 1 },
    ]);
  });
});

describe('readArticleFile', () => {
  const tempDir = useTempDir();

  async function readAll(path: string, maxRecordBytes = 1024): Promise<FileRecord[]> {
    const records: FileRecord[] = [];
    for await (const r of readArticleFile(path, { maxRecordBytes })) records.push(r);
    return records;
  }

  it('reads gzip files by their magic bytes, whatever their name', async () => {
    const path = join(tempDir(), 'articles.data');
    writeFileSync(path, gzipSync('{"id":"a"}\n{"id":"b"}\n'));
    let bytes = 0;
    const records: FileRecord[] = [];
    for await (const r of readArticleFile(path, { maxRecordBytes: 1024, onBytes: (b) => (bytes = b) })) records.push(r);
    expect(valuesOf(records)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(bytes).toBeGreaterThan(0);
  });

  it('keeps the records before corrupt or cut-off gzip data and stops with invalid_gzip', async () => {
    const path = join(tempDir(), 'cut.ndjson.gz');
    const whole = gzipSync(Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `r${i}`, body: `text ${i * 7919}` })).join('\n'));
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));
    const records = await readAll(path);
    const last = records.at(-1)!;
    expect(last).toMatchObject({ problem: { reason: 'invalid_gzip', message: expect.stringContaining('corrupt or cut off') }, stop: { recordsRead: records.length - 1 } });
    expect(records.length).toBeGreaterThan(100);
    expect(records.slice(0, -1).every((r) => 'value' in r)).toBe(true);
  });
});
