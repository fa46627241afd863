/**
 * Scores main-content extraction on a snippet-annotated set laid out like extraction-dev
 * (evaldata.json + pages/*.html[.gz]) and runs @mozilla/readability on linkedom beside it.
 *
 *   npm run eval:extract -- --set DIR [--json OUT] [--misses] [--only NAME] [--dump DIR]
 *
 * --misses lists missed/leaked snippets of the first extractor; --dump writes its outputs, one file per page.
 *
 * For a one-core figure run it under `taskset -c 0`; the script itself is single-threaded.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { extractArticle } from '../../src/extract/extract-article.ts';
import { decodePage } from './extract-decode.ts';
import { foldWhitespace, scorePage, summarise, type Counts, type Scores } from './extract-score.ts';

interface Entry {
  file: string;
  url: string;
  with: string[];
  without: string[];
}

interface Page extends Entry {
  key: string;
  html: string;
}

interface Extractor {
  name: string;
  version: string;
  run: (html: string, url: string) => string;
}

interface RunResult {
  name: string;
  version: string;
  scores: Scores;
  noOutput: number;
  pagesPerSecCold: number;
  pagesPerSecWarm: number;
  outputs: string[];
}

function readVersion(pkg: string): string {
  const path = join(import.meta.dirname, '../../node_modules', pkg, 'package.json');
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}

function loadPages(dir: string): Page[] {
  const evaldata = JSON.parse(readFileSync(join(dir, 'evaldata.json'), 'utf8')) as Record<string, Entry>;
  return Object.entries(evaldata).map(([key, entry]) => {
    const raw = readFileSync(join(dir, entry.file));
    const bytes = entry.file.endsWith('.gz') ? gunzipSync(raw) : raw;
    return { key, ...entry, html: decodePage(bytes).text };
  });
}

const EXTRACTORS: Extractor[] = [
  {
    name: 'copyhound',
    version: `src/extract (cheerio ${readVersion('cheerio')})`,
    run: (html, url) => extractArticle(html, { url }).text,
  },
  {
    name: 'readability-linkedom',
    version: `@mozilla/readability ${readVersion('@mozilla/readability')} + linkedom ${readVersion('linkedom')}`,
    run: (html) => {
      const { document } = parseHTML(html);
      return new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse()?.textContent ?? '';
    },
  },
];

/** One timed pass; a crash counts as empty output (TP = FP = 0) as in the recipe. */
function runPass(extractor: Extractor, pages: Page[]): { outputs: string[]; seconds: number } {
  const outputs: string[] = new Array(pages.length);
  const start = process.hrtime.bigint();
  for (let i = 0; i < pages.length; i++) {
    try {
      outputs[i] = extractor.run(pages[i].html, pages[i].url);
    } catch {
      outputs[i] = '';
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { outputs, seconds };
}

function evaluate(extractor: Extractor, pages: Page[]): RunResult {
  const cold = runPass(extractor, pages);
  const warm = runPass(extractor, pages);
  const counts: Counts[] = pages.map((p, i) => scorePage(cold.outputs[i], p.with, p.without));
  return {
    name: extractor.name,
    version: extractor.version,
    scores: summarise(counts),
    noOutput: cold.outputs.filter((o) => foldWhitespace(o) === '').length,
    pagesPerSecCold: pages.length / cold.seconds,
    pagesPerSecWarm: pages.length / warm.seconds,
    outputs: cold.outputs,
  };
}

function printMisses(result: RunResult, pages: Page[]): void {
  pages.forEach((page, i) => {
    const folded = foldWhitespace(result.outputs[i]);
    const missed = page.with.filter((s) => !folded.includes(foldWhitespace(s)));
    const leaked = page.without.filter((s) => folded && folded.includes(foldWhitespace(s)));
    if (missed.length === 0 && leaked.length === 0) return;
    console.log(`\n## ${page.key} (${page.file}) output ${folded.length} chars`);
    for (const s of missed) console.log(`  MISSED  ${s.slice(0, 140)}`);
    for (const s of leaked) console.log(`  LEAKED  ${s.slice(0, 140)}`);
  });
}

function formatTable(results: RunResult[]): string {
  const header = '| extractor | F1 | P | R | accuracy | pages/s cold | pages/s warm | no output |';
  const rows = results.map((r) => {
    const s = r.scores;
    return `| ${r.name} | ${s.f1.toFixed(3)} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.accuracy.toFixed(3)} | ${r.pagesPerSecCold.toFixed(1)} | ${r.pagesPerSecWarm.toFixed(1)} | ${r.noOutput} |`;
  });
  return [header, '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      set: { type: 'string' },
      json: { type: 'string' },
      misses: { type: 'boolean', default: false },
      only: { type: 'string' },
      dump: { type: 'string' },
    },
  });
  if (!values.set) {
    console.error('usage: npm run eval:extract -- --set DIR [--json OUT] [--misses] [--only NAME] [--dump DIR]');
    process.exit(2);
  }
  const pages = loadPages(values.set);
  const chosen = EXTRACTORS.filter((e) => !values.only || e.name === values.only);
  const results = chosen.map((e) => evaluate(e, pages));

  if (values.misses) printMisses(results[0], pages);
  if (values.dump) {
    mkdirSync(values.dump, { recursive: true });
    pages.forEach((p, i) => writeFileSync(join(values.dump!, `${basename(p.file).replace(/\.html(\.gz)?$/, '')}.txt`), results[0].outputs[i]));
  }
  console.log(`\n${pages.length} pages from ${values.set}; Node ${process.version}; single thread`);
  console.log('timed: parse + extract + text per page, pages decoded in memory; cold = 1st pass, warm = 2nd pass\n');
  console.log(formatTable(results));
  const ours = results.find((r) => r.name === 'copyhound');
  const ref = results.find((r) => r.name === 'readability-linkedom');
  if (ours && ref) {
    const cold = ours.pagesPerSecCold / ref.pagesPerSecCold;
    const warm = ours.pagesPerSecWarm / ref.pagesPerSecWarm;
    console.log(`\nspeed ratio copyhound / readability-linkedom: cold ${cold.toFixed(2)}x, warm ${warm.toFixed(2)}x`);
  }
  if (values.json) {
    const summary = results.map(({ outputs: _outputs, ...rest }) => rest);
    writeFileSync(values.json, JSON.stringify({ set: values.set, pages: pages.length, node: process.version, results: summary }, null, 1));
  }
}

main();
