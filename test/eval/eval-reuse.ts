/**
 * Runs the match engine over a labelled reuse set and prints its quality and speed.
 *   npm run eval:reuse -- --set DIR [--out results.ndjson] [--json] [--families winnow|simhash|both]
 * --families picks the candidate fingerprint families: the default (document simhash + winnowed
 * k-grams), `simhash` (document + passage simhashes, the engine before winnowing) or `both`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.ts';
import { extractArticle } from '../../src/extract/extract-article.ts';
import { fingerprintText } from '../../src/fingerprint/index.ts';
import { CandidateIndex, matchText, type CandidateFamilies, type MatchResult } from '../../src/match/index.ts';
import { formatScore, scoreReuse, type ResultMatch } from './reuse-score.ts';
import { loadLabels, loadOwned, readPage } from './reuse-set.ts';

const { values } = parseArgs({
  options: { set: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean', default: false }, families: { type: 'string', default: 'winnow' } },
});
if (!values.set) {
  console.error('usage: npm run eval:reuse -- --set DIR [--out results.ndjson] [--json]');
  process.exit(2);
}
const setDir = values.set;
const config = loadConfig(process.env).match;
const owned = loadOwned(setDir);
const byKey = new Map(owned.map((o) => [o.key, o]));
const labels = loadLabels(setDir);

const FAMILIES: Record<string, CandidateFamilies> = {
  winnow: {},
  simhash: { simhashPassages: true, winnow: false },
  both: { simhashPassages: true, winnow: true },
};
const families = FAMILIES[values.families!];
if (!families) {
  console.error(`--families must be one of ${Object.keys(FAMILIES).join(', ')}`);
  process.exit(2);
}
const index = new CandidateIndex(config, families);
const t0 = performance.now();
for (const o of owned) index.add(o.key, fingerprintText(o.body, config));
const indexMs = performance.now() - t0;

const lines: string[] = [];
const results = new Map<string, ResultMatch[]>();
let extractMs = 0;
let matchMs = 0;
// CPU time as well as wall time: on a shared box the wall clock also counts time descheduled.
let matchCpuMs = 0;
let pageChars = 0;
for (const page of labels.pages) {
  const html = readPage(setDir, page.file);
  const e0 = performance.now();
  const article = extractArticle(html, {});
  const e1 = performance.now();
  const c1 = process.cpuUsage();
  const found: MatchResult[] = matchText(article.text, { index, config, loadArticles: (keys) => keys.map((k) => byKey.get(k)!).filter(Boolean) }, { title: article.title, links: article.links.map((l) => l.href) });
  matchMs += performance.now() - e1;
  const c = process.cpuUsage(c1);
  matchCpuMs += (c.user + c.system) / 1000;
  extractMs += e1 - e0;
  pageChars += article.text.length;
  const matches = found.map((m) => ({ articleId: m.articleId, coverage: Math.round(m.coverage * 10000) / 10000, kind: m.kind, rule: m.rule.name, copiedWords: m.copiedWords, longestRun: m.longestRun, pageShare: Math.round(m.pageShare * 10000) / 10000 }));
  results.set(page.file, matches);
  lines.push(JSON.stringify({ file: page.file, matches }));
}

const outFile = values.out ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eval-reuse-')), 'results.ndjson');
fs.writeFileSync(outFile, lines.join('\n') + '\n');
const score = scoreReuse(labels, results);

// Cross-check with the set's reference scorer when it ships one.
let reference = 'not available';
const refScript = path.join(setDir, 'score-reuse.mjs');
if (fs.existsSync(refScript)) {
  const refJson = path.join(path.dirname(outFile), 'reference-score.json');
  execFileSync(process.execPath, [refScript, '--set', setDir, '--results', outFile, '--json', refJson, '--quiet']);
  const ref = JSON.parse(fs.readFileSync(refJson, 'utf8'));
  const close = (a: number | null, b: number | null) => (a === null ? b === null : b !== null && Math.abs(a - b) < 1e-4);
  const agree =
    ref.pairs.tp === score.tp && ref.pairs.fp === score.fp && ref.pairs.fn === score.fn &&
    close(ref.precision, score.precision) && close(ref.recall, score.recall) && close(ref.f1, score.f1) && close(ref.coverageMae, score.coverageError) &&
    Object.entries(score.recallPerClass).every(([c, v]) => close(ref.recallPerPositiveClass[c]?.recall ?? null, v.recall)) &&
    Object.entries(score.fprPerClass).every(([c, v]) => close(ref.falsePositiveRatePerNegativeClass[c]?.fpr ?? null, v.fpr));
  reference = agree ? 'agrees' : `DISAGREES (see ${refJson})`;
}

const speed = {
  ownedArticles: owned.length,
  indexBuildMs: Math.round(indexMs),
  pages: labels.pages.length,
  extractMsPerPage: +(extractMs / labels.pages.length).toFixed(2),
  matchMsPerPage: +(matchMs / labels.pages.length).toFixed(2),
  matchPagesPerSecond: Math.round(labels.pages.length / (matchMs / 1000)),
  matchCpuMsPerPage: +(matchCpuMs / labels.pages.length).toFixed(2),
  matchPagesPerCpuSecond: Math.round(labels.pages.length / (matchCpuMs / 1000)),
  matchMBPerSecond: +(pageChars / 1e6 / (matchMs / 1000)).toFixed(2),
};
if (values.json) console.log(JSON.stringify({ set: labels.name ?? path.basename(setDir), score, referenceScorer: reference, speed, results: outFile }));
else {
  console.log(`${labels.name ?? setDir}: ${labels.pages.length} pages, ${owned.length} owned articles; candidate families: ${values.families}`);
  console.log(formatScore(score));
  console.log(`\nreference scorer (score-reuse.mjs) on ${outFile}: ${reference}`);
  console.log(`throughput: extract ${speed.extractMsPerPage} ms/page; matchText ${speed.matchMsPerPage} ms/page wall = ${speed.matchPagesPerSecond} pages/s (${speed.matchMBPerSecond} MB/s of page text), ${speed.matchCpuMsPerPage} ms/page CPU = ${speed.matchPagesPerCpuSecond} pages/s; index build ${speed.indexBuildMs} ms`);
}
