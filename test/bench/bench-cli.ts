/**
 * bench:cli — how long a user waits for the built `copyhound` bin to answer.
 *
 * Builds the package (npm run build; --no-build uses dist/ as it is), seeds a data folder with
 * ARTICLES owned articles through the built bin, then times RUNS runs each of `node -e 0` (what
 * Node itself costs on this machine, right now), `copyhound --help`, `copyhound --version` and
 * `copyhound articles list`, interleaved so a busy moment hits all alike. Wall time of the whole
 * process, spawned as a user's shell would. Prints the medians and checks the targets.
 * Run: npm run bench:cli [-- --runs N --no-build]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile } from './percentile.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'dist/src/cli/copyhound.mjs');
// The targets, wall time in seconds, median of the runs.
const TARGETS: Record<string, number> = { '--help': 0.3, 'articles list': 0.5 };
// A registry big enough that listing is a real query on a real index, small enough to seed quickly.
const ARTICLES = 2000;
const DEFAULT_RUNS = 10;

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

function run(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`);
  return seconds;
}

function seed(dataDir: string, env: NodeJS.ProcessEnv): void {
  const file = join(dataDir, 'articles.ndjson');
  const lines: string[] = [];
  for (let i = 0; i < ARTICLES; i++) {
    const body = Array.from({ length: 12 }, (_, p) => `Paragraph ${p} of story ${i} says what the minister said about the budget on day ${i % 365}.`).join('\n\n');
    lines.push(JSON.stringify({ id: `cli-bench-${i}`, url: `https://wire.example/${i}`, title: `Story ${i}`, body, publishedAt: '2026-01-01T00:00:00Z' }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  run([BIN, 'init'], env);
  run([BIN, 'articles', 'import', file], env);
}

function main(): number {
  const runs = Number(argValue('--runs') ?? DEFAULT_RUNS);
  if (!process.argv.includes('--no-build')) {
    const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  if (!existsSync(BIN)) throw new Error(`no built bin at ${BIN}: run npm run build`);
  const dataDir = mkdtempSync(join(tmpdir(), 'copyhound-bench-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, COPYHOUND_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.COPYHOUND_DB;
  try {
    seed(dataDir, env);
    const cases: Record<string, string[]> = {
      'node -e 0': ['-e', '0'],
      '--help': [BIN, '--help'],
      '--version': [BIN, '--version'],
      'articles list': [BIN, 'articles', 'list'],
    };
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    run([BIN, 'articles', 'list'], env); // warm the file cache once, as a second call would find it
    for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(cases)) times[name]!.push(run(args, env));
    let failed = 0;
    process.stdout.write(`median of ${runs} runs, wall seconds (node ${process.version}, ${ARTICLES} articles)\n`);
    for (const [name, list] of Object.entries(times)) {
      const sorted = [...list].sort((a, b) => a - b);
      const median = percentile(sorted, 0.5);
      const target = TARGETS[name];
      const verdict = target === undefined ? '' : median <= target ? `  ≤ ${target} s: ok` : `  > ${target} s: MISSED`;
      if (target !== undefined && median > target) failed++;
      process.stdout.write(`${name.padEnd(16)} ${median.toFixed(3)} s  (min ${sorted[0]!.toFixed(3)}, max ${sorted[sorted.length - 1]!.toFixed(3)})${verdict}\n`);
    }
    return failed === 0 ? 0 : 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
