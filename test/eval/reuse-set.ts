import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { OwnedText } from '../../src/match/index.ts';
import type { ReuseLabels } from './reuse-score.ts';

export interface OwnedRecord extends OwnedText {
  url: string;
}

/** Owned articles of a set; keys are 1-based line numbers. */
export function loadOwned(setDir: string): OwnedRecord[] {
  return fs
    .readFileSync(path.join(setDir, 'owned.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const r = JSON.parse(line) as { id: string; url: string; title: string; body: string };
      return { key: i + 1, id: r.id, url: r.url, title: r.title ?? '', body: r.body ?? '' };
    });
}

export function loadLabels(setDir: string): ReuseLabels {
  return JSON.parse(fs.readFileSync(path.join(setDir, 'labels.json'), 'utf8')) as ReuseLabels;
}

/** A page's HTML (gzip or plain, by name). */
export function readPage(setDir: string, file: string): string {
  const bytes = fs.readFileSync(path.join(setDir, file));
  return (file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
}
