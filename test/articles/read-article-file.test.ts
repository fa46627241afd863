import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createScanner, readArticleFile, type FileRecord } from '../../src/articles/read-article-file.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

function scanInChunks(text: string, size: number): FileRecord[] {
  const scanner = createScanner();
  const out: FileRecord[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...scanner.push(text.slice(i, i + size)));
  out.push(...scanner.end());
  return out;
}

const arrayText = '\n[\n  {"id": "a", "body": "x [y] {z} \\" ]"},\n  {"id": "b",\n   "n": [1, {"k": 2}]},\n  7,\n  "s, ]"\n]\n';

describe('createScanner', () => {
  it('splits a JSON array into elements with their starting lines, whatever the chunking', () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const records = scanInChunks(arrayText, size);
      expect(records).toEqual([
        { ref: 3, value: { id: 'a', body: 'x [y] {z} " ]' } },
        { ref: 4, value: { id: 'b', n: [1, { k: 2 }] } },
        { ref: 6, value: 7 },
        { ref: 7, value: 's, ]' },
      ]);
    }
  });

  it('reads NDJSON line by line, skipping blank lines and numbering from 1', () => {
    const text = '{"id":"a"}\n\n{"id":\n{"id":"c"}';
    for (const size of [1, 4, 100]) {
      const records = scanInChunks(text, size);
      expect(records[0]).toEqual({ ref: 1, value: { id: 'a' } });
      expect(records[1].ref).toBe(3);
      expect('syntaxError' in records[1]).toBe(true);
      expect(records[2]).toEqual({ ref: 4, value: { id: 'c' } });
    }
  });

  it('reports an unclosed array and empty elements', () => {
    expect(scanInChunks('[{"a":1},', 3).at(-1)).toMatchObject({ syntaxError: expect.stringContaining('not closed') });
    expect(scanInChunks('[{"a":1},,{"b":2}]', 4).some((r) => 'syntaxError' in r)).toBe(true);
    expect(scanInChunks('[{"a":1},]', 4).some((r) => 'syntaxError' in r)).toBe(true);
    expect(scanInChunks('[]', 1)).toEqual([]);
  });
});

describe('readArticleFile', () => {
  const tempDir = useTempDir();

  it('reads gzip files by their magic bytes, whatever their name', async () => {
    const path = join(tempDir(), 'articles.data');
    writeFileSync(path, gzipSync('{"id":"a"}\n{"id":"b"}\n'));
    let bytes = 0;
    const records: FileRecord[] = [];
    for await (const r of readArticleFile(path, { onBytes: (b) => (bytes = b) })) records.push(r);
    expect(records.map((r) => ('value' in r ? (r.value as { id: string }).id : null))).toEqual(['a', 'b']);
    expect(bytes).toBeGreaterThan(0);
  });
});
