import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { FileRecord } from './file-record.ts';
import { createJsonArrayScanner } from './scan-json-array.ts';
import { createNdjsonScanner } from './scan-ndjson.ts';
import { isGzip } from '../bytes/is-gzip.ts';

export type { FileRecord, RecordProblem, RecordProblemReason, StopPoint } from './file-record.ts';

export interface ReadOptions {
  /** Longest record (NDJSON line or array element) read, in bytes after gunzip; longer ones are rejected and skipped. */
  maxRecordBytes: number;
  /** Bytes of the file read so far (compressed bytes for .gz). */
  onBytes?: (bytesRead: number) => void;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

async function readHead(path: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const s = createReadStream(path, { start: 0, end: 1 });
    const parts: Buffer[] = [];
    s.on('data', (d) => parts.push(d as Buffer));
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
  });
}

/** Opens the file as a byte stream, gunzipping when its first bytes say gzip (whatever its name). */
async function openBytes(path: string, onBytes?: (bytesRead: number) => void): Promise<{ raw: Readable; stream: Readable; gzip: boolean }> {
  const head = await readHead(path);
  const raw = createReadStream(path);
  let bytes = 0;
  raw.on('data', (d) => onBytes?.((bytes += d.length)));
  const gzip = isGzip(head);
  if (!gzip) return { raw, stream: raw, gzip };
  const stream = raw.pipe(createGunzip());
  raw.on('error', (e) => stream.destroy(e));
  return { raw, stream, gzip };
}

/** zlib's errors carry Z_* codes (Z_DATA_ERROR, Z_BUF_ERROR for a cut-off stream). */
function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Reads a JSON array or NDJSON file of records one at a time, never holding the whole file:
 * memory stays below the record limit plus a chunk, whatever the file holds. The format is told
 * by the first non-blank character ('[' = JSON array, anything else = one JSON value per line).
 * A damaged array or damaged gzip data ends the stream with one problem carrying `stop`.
 */
export async function* readArticleFile(path: string, options: ReadOptions): AsyncGenerator<FileRecord> {
  const { raw, stream, gzip } = await openBytes(path, options.onBytes);
  const scanner = createScanner({ maxRecordBytes: options.maxRecordBytes });
  let decoded = 0;
  try {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        decoded += chunk.length;
        for (const record of scanner.push(chunk)) {
          yield record;
          if ('problem' in record && record.stop) return;
        }
      }
    } catch (error) {
      if (!gzip || !isZlibError(error)) throw error;
      const line = scanner.line;
      const message = `the gzip data is corrupt or cut off after ${decoded} decompressed bytes (${(error as Error).message}); reading stopped at line ${line}, and the unfinished record there was not read`;
      yield { ref: line, problem: { reason: 'invalid_gzip', message }, stop: { line, column: 0, recordsRead: scanner.recordsRead } };
      return;
    }
    yield* scanner.end();
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

export interface ScannerOptions {
  maxRecordBytes: number;
}

/**
 * Incremental splitter: bytes in, complete records out. It skips a UTF-8 BOM and leading blank
 * lines, then hands the bytes to the JSON-array or the NDJSON scanner. Exported for tests.
 */
export function createScanner(options: ScannerOptions) {
  let line = 1;
  // Characters before the first significant one on its line (the array scanner reports columns).
  let column = 0;
  let head: Uint8Array | null = new Uint8Array(0);
  let inner: ReturnType<typeof createNdjsonScanner> | ReturnType<typeof createJsonArrayScanner> | undefined;
  let recordsRead = 0;

  /** Waits for the first three bytes to drop a BOM; returns the bytes to scan, or null for more. */
  function takeHead(chunk: Uint8Array): Uint8Array | null {
    if (head === null) return chunk;
    const joined: Uint8Array = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const prefix = Math.min(joined.length, UTF8_BOM.length);
    const bomSoFar = UTF8_BOM.slice(0, prefix).every((b, i) => joined[i] === b);
    if (bomSoFar && joined.length < UTF8_BOM.length) {
      head = joined;
      return null;
    }
    head = null;
    return bomSoFar ? joined.subarray(UTF8_BOM.length) : joined;
  }

  function* count(records: Iterable<FileRecord>): Generator<FileRecord> {
    for (const record of records) {
      if (!('problem' in record && record.stop)) recordsRead++;
      yield record;
    }
  }

  return {
    get line() {
      return inner?.line ?? line;
    },
    get recordsRead() {
      return recordsRead;
    },
    *push(chunk: Uint8Array): Generator<FileRecord> {
      const bytes = takeHead(chunk);
      if (bytes === null) return;
      if (inner) return yield* count(inner.push(bytes));
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        if (b === 0x0a) {
          line++;
          column = 0;
        } else if (b !== 0x20 && b !== 0x09 && b !== 0x0d) {
          if (b === 0x5b /* [ */) {
            inner = createJsonArrayScanner(options.maxRecordBytes, line, column + 1);
            return yield* count(inner.push(bytes.subarray(i + 1)));
          }
          inner = createNdjsonScanner(options.maxRecordBytes, line);
          return yield* count(inner.push(bytes.subarray(i)));
        } else column++;
      }
    },
    *end(): Generator<FileRecord> {
      if (head !== null && head.length > 0) {
        const rest = head;
        head = null;
        yield* this.push(rest);
      }
      if (inner) yield* count(inner.end());
    },
  };
}
