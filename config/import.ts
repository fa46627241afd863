import { defineSetting, envInt } from './define.ts';

/** Settings of `articles import` (the streaming file reader); see config/index.ts for how sections are loaded. */
export const importSettings = {
  // 16 MiB: the largest body the registry accepts (2M characters) fits even when every character
  // is written as a \uXXXX escape (Python's default json.dumps: 12 MB); a longer line is an export
  // mistake or an attack, and holding it with its decoded and parsed copies costs ~5x its size.
  maxRecordBytes: defineSetting('COPYHOUND_IMPORT_MAX_RECORD_BYTES', envInt(1024, 1024 ** 3), 16 * 1024 * 1024, 'Largest single record of an import file (one NDJSON line or one JSON-array element, after gunzip; bytes); a larger one is rejected as record_too_large and skipped.'),
};
