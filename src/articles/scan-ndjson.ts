import { describeTooLarge, parseRecordBytes, type FileRecord } from './file-record.ts';

const NEWLINE = 0x0a;

function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}

/**
 * Splits NDJSON bytes into records, one per line, in linear time: each chunk is scanned once for
 * newlines and a line's pieces are joined once, when it ends. A line longer than maxRecordBytes
 * is rejected as soon as it passes the limit and the rest of it is dropped as it streams by, so
 * memory stays below the limit plus one chunk whatever the file holds.
 */
export function createNdjsonScanner(maxRecordBytes: number, firstLine: number) {
  let line = firstLine;
  let parts: Uint8Array[] = [];
  let size = 0;
  let oversized = false;

  function* add(piece: Uint8Array): Generator<FileRecord> {
    if (oversized || piece.length === 0) return;
    if (size + piece.length > maxRecordBytes) {
      oversized = true;
      parts = [];
      size = 0;
      yield { ref: line, problem: { reason: 'record_too_large', message: describeTooLarge('the line', maxRecordBytes, 'the next line') } };
      return;
    }
    parts.push(piece);
    size += piece.length;
  }

  function* endLine(): Generator<FileRecord> {
    if (!oversized && size > 0) {
      const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
      if (!isBlank(bytes)) yield parseRecordBytes(line, bytes);
    }
    parts = [];
    size = 0;
    oversized = false;
  }

  return {
    get line() {
      return line;
    },
    *push(chunk: Uint8Array): Generator<FileRecord> {
      let from = 0;
      for (;;) {
        const newline = chunk.indexOf(NEWLINE, from);
        if (newline === -1) {
          yield* add(chunk.subarray(from));
          return;
        }
        yield* add(chunk.subarray(from, newline));
        yield* endLine();
        line++;
        from = newline + 1;
      }
    },
    *end(): Generator<FileRecord> {
      yield* endLine();
    },
  };
}
