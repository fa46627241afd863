/**
 * Import benchmark: does a large article file stream?
 *   npm run bench:import [-- --articles 100000 --words 600]
 * Writes a synthetic NDJSON file of owned articles, imports it with the real `copyhound` bin into
 * a fresh SQLite file, and reports time, records/s and the importer's peak RSS (sampled from
 * /proc while it runs), next to the file's size: a peak well under the file size means it streamed.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { articles: { type: 'string', default: '100000' }, words: { type: 'string', default: '600' } } });
const count = Number(values.articles);
const words = Number(values.words);
// A small vocabulary with a skewed draw keeps texts news-like without shipping a corpus.
const VOCABULARY = 'the of and to in a is that for on with as by at from his her said minister government year people new police city court report after over their more state would about market week country president talks'.split(' ');
// Words per paragraph: a typical news paragraph.
const PARAGRAPH_WORDS = 60;

function makeBody(seed: number): string {
  let x = seed * 2654435761;
  const paragraphs: string[] = [];
  let current: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    current.push(VOCABULARY[Math.floor(((x / 2 ** 32) ** 2) * VOCABULARY.length)]);
    if (current.length === PARAGRAPH_WORDS) (paragraphs.push(`${current.join(' ')}.`), (current = []));
  }
  if (current.length) paragraphs.push(`${current.join(' ')}.`);
  return paragraphs.join('\n\n');
}

async function writeFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < count; i++) {
    const line = JSON.stringify({ id: `bench-${i}`, url: `https://wire.example/${i}`, title: `Story ${i}`, body: makeBody(i + 1), publishedAt: '2026-01-01T00:00:00Z' });
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function readRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status) ?? /VmRSS:\s+(\d+) kB/.exec(status);
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'copyhound-bench-import-'));
try {
  const file = join(dir, 'articles.ndjson');
  await writeFile(file);
  const size = statSync(file).size;
  console.log(`file: ${count} articles of ${words} words, ${(size / 1024 / 1024).toFixed(0)} MB`);
  const bin = fileURLToPath(new URL('../../src/cli/copyhound.mjs', import.meta.url));
  const started = performance.now();
  const child = spawn(process.execPath, [bin, '--db', join(dir, 'c.db'), '--log-level', 'warn', 'articles', 'import', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, readRssBytes(child.pid!))), 50);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  console.log(`import: ${output.trim()} (exit ${code})`);
  console.log(`time: ${seconds.toFixed(1)} s, ${(count / seconds).toFixed(0)} articles/s (fingerprints included)`);
  console.log(`importer peak RSS: ${(peak / 1024 / 1024).toFixed(0)} MB for a ${(size / 1024 / 1024).toFixed(0)} MB file`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
