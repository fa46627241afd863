#!/usr/bin/env node
// Builds the package into dist/ (or --out DIR): a clean folder, TypeScript compiled by tsc with the
// sources' layout, then every file tsc does not emit (SQL migrations, web assets, worker scripts
// written as .mjs, the demo's data, the offline verifier) copied beside the compiled code, because
// the code finds them relative to its own file. Plain Node (no tsx): it runs at `npm install`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// The trees that hold runtime code; test/ stays out of the package.
const SOURCE_TREES = ['src', 'crawlers', 'db', 'config'];
// tsc emits these; everything else in the trees is copied as it is.
const COMPILED_EXTENSION = /\.ts$/;
// Build tooling and type declarations are not needed at run time.
const NOT_COPIED = [/^src\/build\//, /\.d\.mts$/];

function parseOut(argv) {
  const at = argv.indexOf('--out');
  if (at === -1) return join(ROOT, 'dist');
  if (!argv[at + 1]) throw new Error('--out needs a folder');
  return resolve(argv[at + 1]);
}

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function compile(outDir) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc failed (status ${result.status}); the package was not built`);
}

function copyAssets(outDir) {
  let copied = 0;
  for (const tree of SOURCE_TREES) {
    for (const file of listFiles(join(ROOT, tree))) {
      const rel = relative(ROOT, file).split('\\').join('/');
      if (COMPILED_EXTENSION.test(rel) || NOT_COPIED.some((re) => re.test(rel))) continue;
      mkdirSync(dirname(join(outDir, rel)), { recursive: true });
      cpSync(file, join(outDir, rel));
      copied++;
    }
  }
  return copied;
}

const outDir = parseOut(process.argv.slice(2));
if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
const started = Date.now();
compile(outDir);
const copied = copyAssets(outDir);
process.stdout.write(`built ${relative(process.cwd(), outDir) || outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s (${copied} files copied beside the compiled code)\n`);
