import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** One record read from an import file: its value, or why its text is not JSON. */
export type FileRecord = { ref: number; value: unknown } | { ref: number; syntaxError: string };

export interface ReadProgress {
  /** Bytes of the file read so far (compressed bytes for .gz). */
  onBytes?: (bytesRead: number) => void;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Opens the file, gunzipping when its first bytes say gzip (whatever its name). */
async function openText(path: string, progress: ReadProgress): Promise<AsyncIterable<string>> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const s = createReadStream(path, { start: 0, end: 1 });
    const parts: Buffer[] = [];
    s.on('data', (d) => parts.push(d as Buffer));
    s.on('end', () => resolve(Buffer.concat(parts)));
    s.on('error', reject);
  });
  const raw = createReadStream(path);
  let bytes = 0;
  raw.on('data', (d) => progress.onBytes?.((bytes += d.length)));
  const stream: Readable = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1] ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  return stream as AsyncIterable<string>;
}

/**
 * Reads a JSON array or NDJSON file of records one at a time, never holding the whole file:
 * memory stays proportional to the largest record. The format is told by the first
 * non-blank character ('[' = JSON array, anything else = one JSON value per line).
 * `ref` is the 1-based line where the record starts.
 */
export async function* readArticleFile(path: string, progress: ReadProgress = {}): AsyncGenerator<FileRecord> {
  const chunks = await openText(path, progress);
  const scanner = createScanner();
  for await (const chunk of chunks) yield* scanner.push(chunk);
  yield* scanner.end();
}

type Mode = 'start' | 'ndjson' | 'array' | 'done';

function parseRecord(ref: number, text: string): FileRecord {
  try {
    return { ref, value: JSON.parse(text) };
  } catch (error) {
    return { ref, syntaxError: `not valid JSON: ${(error as Error).message}` };
  }
}

/** Incremental splitter: text in, complete records out. Exported for tests. */
export function createScanner() {
  let mode: Mode = 'start';
  let line = 1;
  // NDJSON state
  let pending = '';
  // JSON array state
  let depth = 0;
  let inString = false;
  let escaped = false;
  let inElement = false;
  let sawElement = false;
  let from = 0;
  let parts: string[] = [];
  let elementLine = 0;

  function* pushNdjson(chunk: string): Generator<FileRecord> {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (text.trim() !== '') yield parseRecord(line, text);
      line++;
    }
  }

  function startElement(at: number): void {
    inElement = true;
    from = at;
    elementLine = line;
  }

  function takeElement(upTo: number, chunk: string): FileRecord {
    parts.push(chunk.slice(from, upTo));
    const record = parseRecord(elementLine, parts.join('').trim());
    parts = [];
    inElement = false;
    return record;
  }

  function* pushArray(chunk: string): Generator<FileRecord> {
    from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \\ */) escaped = true;
        else if (c === 34 /* " */) inString = false;
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) continue;
      if (depth === 0 && (c === 44 /* , */ || c === 93 /* ] */)) {
        if (inElement) yield takeElement(i, chunk);
        else if (c === 44 || sawElement) yield { ref: line, syntaxError: 'not valid JSON: empty array element' };
        if (c === 93) {
          mode = 'done';
          return;
        }
        sawElement = true;
        continue;
      }
      if (!inElement) startElement(i);
      if (c === 34) inString = true;
      else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
      else if (c === 125 /* } */ || c === 93) depth--;
    }
    if (inElement) parts.push(chunk.slice(from));
  }

  return {
    *push(chunk: string): Generator<FileRecord> {
      if (mode === 'start') {
        const firstNonBlank = chunk.search(/\S/);
        if (firstNonBlank === -1) {
          line += (chunk.match(/\n/g) ?? []).length;
          return;
        }
        if (chunk[firstNonBlank] === '[') {
          mode = 'array';
          const before = chunk.slice(0, firstNonBlank + 1);
          line += (before.match(/\n/g) ?? []).length;
          chunk = chunk.slice(firstNonBlank + 1);
        } else {
          mode = 'ndjson';
        }
      }
      if (mode === 'ndjson') yield* pushNdjson(chunk);
      else if (mode === 'array') yield* pushArray(chunk);
    },
    *end(): Generator<FileRecord> {
      if (mode === 'ndjson' && pending.trim() !== '') yield parseRecord(line, pending);
      if (mode === 'array') yield { ref: line, syntaxError: 'the JSON array is not closed with "]"' };
    },
  };
}
