/** What the import file readers produce: one record at a time, or why a record (or the rest of the file) is refused. */

/** Named reasons a record of an import file is refused before its fields are even looked at. */
export type RecordProblemReason =
  /** The record's text is not JSON (the other records are unaffected). */
  | 'invalid_json'
  /** One NDJSON line or array element is longer than the record limit; it was skipped unread. */
  | 'record_too_large'
  /** The JSON array's structure is broken here: where later records begin cannot be known. */
  | 'array_damaged'
  /** The gzip data is corrupt or cut off: nothing after this point can be read. */
  | 'invalid_gzip';

export interface RecordProblem {
  reason: RecordProblemReason;
  message: string;
}

/** Where reading stopped for good, and how many records were read before it. */
export interface StopPoint {
  line: number;
  column: number;
  recordsRead: number;
}

/**
 * One record read from an import file: its parsed value (and its size in bytes), or the problem
 * that refused it. A problem with `stop` is the last thing a reader yields: nothing after it was read.
 * `ref` is the 1-based line where the record starts.
 */
export type FileRecord =
  | { ref: number; value: unknown; bytes: number }
  | { ref: number; problem: RecordProblem; stop?: StopPoint };

/** Parses one record's bytes (UTF-8; invalid sequences become U+FFFD as a browser would show them). */
export function parseRecordBytes(ref: number, bytes: Uint8Array): FileRecord {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return { ref, value: JSON.parse(text), bytes: bytes.byteLength };
  } catch (error) {
    return { ref, problem: { reason: 'invalid_json', message: `not valid JSON: ${(error as Error).message}` } };
  }
}

/** The message for a record over the limit; says which setting raises it. */
export function describeTooLarge(what: string, maxRecordBytes: number, skippedTo: string): string {
  return `${what} is larger than the record limit of ${maxRecordBytes} bytes (import.maxRecordBytes, COPYHOUND_IMPORT_MAX_RECORD_BYTES); skipped to ${skippedTo} without reading it`;
}
