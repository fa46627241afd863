/**
 * A user-supplied list of candidate URLs: plain text (one per line, `#` comments) or a JSON array
 * (of strings, or of objects with a `url` field). Good entries are normalised and deduplicated;
 * bad ones are reported with their line (text) or index (JSON) so the user can fix the file.
 */
import { ValidationError } from '../src/errors.ts';
import { normaliseUrl } from './url-normalise.ts';

export interface UrlListProblem {
  /** 1-based line number (text lists). */
  line?: number;
  /** 0-based array index (JSON lists). */
  index?: number;
  input: string;
  reason: string;
}

export interface ParsedUrlList {
  format: 'text' | 'json';
  /** Normalised, first occurrence order, no duplicates. */
  urls: string[];
  problems: UrlListProblem[];
  /** Entries dropped because an earlier entry normalised to the same URL. */
  duplicates: number;
}

export interface ParseUrlListOptions {
  /** Upper bound on entries (config crawl.urlListMaxEntries). */
  maxEntries: number;
  format?: 'auto' | 'text' | 'json';
  extraStripParams?: readonly string[];
}

// Inline comments need whitespace before '#', so URL fragments (page#x) are not cut.
const INLINE_COMMENT = /\s+#.*$/;
// Problems beyond this many are summarised: a wrong file would otherwise produce a huge report.
const MAX_PROBLEMS_REPORTED = 1000;

interface RawEntry {
  line?: number;
  index?: number;
  value: unknown;
}

function textEntries(input: string): RawEntry[] {
  const out: RawEntry[] = [];
  const lines = input.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(INLINE_COMMENT, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    out.push({ line: i + 1, value: line });
  }
  return out;
}

function jsonEntries(input: string): RawEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(input);
  } catch (error) {
    throw new ValidationError(`URL list is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new ValidationError('A JSON URL list must be an array of URLs (strings or {"url": ...} objects)');
  return data.map((value, index) => ({ index, value }));
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function parseUrlList(input: string, options: ParseUrlListOptions): ParsedUrlList {
  const text = (typeof input === 'string' ? input : '').replace(/^\uFEFF/, '');
  const format = options.format === undefined || options.format === 'auto' ? (/^\s*\[/.test(text) ? 'json' : 'text') : options.format;
  const raw = format === 'json' ? jsonEntries(text) : textEntries(text);
  if (raw.length > options.maxEntries) {
    throw new ValidationError(`URL list has ${raw.length} entries; at most ${options.maxEntries} are accepted`, {
      entries: raw.length,
      maxEntries: options.maxEntries,
    });
  }

  const urls: string[] = [];
  const seen = new Set<string>();
  const problems: UrlListProblem[] = [];
  let duplicates = 0;
  let unreported = 0;
  const report = (entry: RawEntry, reason: string) => {
    if (problems.length >= MAX_PROBLEMS_REPORTED) {
      unreported++;
      return;
    }
    const p: UrlListProblem = { input: describe(entry.value).slice(0, 500), reason };
    if (entry.line !== undefined) p.line = entry.line;
    if (entry.index !== undefined) p.index = entry.index;
    problems.push(p);
  };

  for (const entry of raw) {
    let value = entry.value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'url' in value) value = (value as { url: unknown }).url;
    if (typeof value !== 'string') {
      report(entry, 'not a string');
      continue;
    }
    if (/\s/.test(value.trim())) {
      report(entry, 'contains whitespace (one URL per line)');
      continue;
    }
    let url: string;
    try {
      url = normaliseUrl(value, { extraStripParams: options.extraStripParams });
    } catch (error) {
      report(entry, (error as Error).message);
      continue;
    }
    if (seen.has(url)) {
      duplicates++;
      continue;
    }
    seen.add(url);
    urls.push(url);
  }
  if (unreported > 0) problems.push({ input: '', reason: `${unreported} more problems not listed` });
  return { format, urls, problems, duplicates };
}
