import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { COMMAND_DESCRIPTIONS } from '../../src/cli/command-descriptions.ts';
import { buildNewsPage, escapeHtml, OWNED_NDJSON, paragraphsOf, readOwnedFixtures } from '../fixtures/check/build-page.ts';
import { runCli, startServeProcess } from '../helpers/run-cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Dev-only packages the built package must run without: the TypeScript loader above all.
const DEV_ONLY = new Set(['tsx', 'typescript', 'vitest', 'drizzle-kit', '.bin']);

/**
 * The installed package as a user gets it: `npm run build` into a fresh folder, beside a
 * node_modules that holds the runtime dependencies but not tsx (nor the other dev-only tools), so
 * anything that still needs the TypeScript loader fails here.
 */
function buildPackage(root: string): string {
  const out = join(root, 'dist');
  const built = spawnSync(process.execPath, [join(ROOT, 'src/build/build-package.mjs'), '--out', out], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stdout}\n${built.stderr}`);
  mkdirSync(join(root, 'node_modules'));
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (!DEV_ONLY.has(name)) symlinkSync(join(ROOT, 'node_modules', name), join(root, 'node_modules', name));
  }
  return join(out, 'src/cli/copyhound.mjs');
}

describe('the built package (dist/)', () => {
  let root: string;
  let bin: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'copyhound-build-'));
    bin = buildPackage(root);
  }, 240_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs compiled JavaScript: --version, --help listing every command', async () => {
    const version = await runCli(['--version'], { bin });
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(packageJson.version);
    const help = await runCli(['--help'], { bin });
    expect(help.code, help.stderr).toBe(0);
    const helpText = help.stdout.replace(/\s+/g, ' ');
    for (const [name, description] of Object.entries(COMMAND_DESCRIPTIONS)) expect(helpText).toContain(`${name} ${description.slice(0, 30)}`);
    // Nothing under dist is TypeScript, and the bin did not fall back to the loader.
    expect(readFileSync(bin, 'utf8')).toContain("new URL('./main.js'");
  });

  it('creates a database with its migrations, imports, lists and checks a page in a worker thread', async () => {
    const env = { COPYHOUND_DATA_DIR: join(root, 'data') };
    expect((await runCli(['init'], { bin, env })).code).toBe(0);
    const imported = await runCli(['articles', 'import', fileURLToPath(OWNED_NDJSON), '--json'], { bin, env });
    expect(imported.code, imported.stderr).toBe(0);
    const owned = readOwnedFixtures();
    expect(JSON.parse(imported.stdout)).toMatchObject({ inserted: owned.length, rejected: 0 });
    const listed = await runCli(['articles', 'list', '--json'], { bin, env });
    expect(listed.stdout.trim().split('\n').map((l) => JSON.parse(l).id).sort()).toEqual(owned.map((a) => a.id).sort());

    // Extraction runs in the page worker threads (src/workers/page-worker.mjs), compiled here too.
    const article = owned[0]!;
    const page = join(root, 'copy.html');
    writeFileSync(page, buildNewsPage({ site: 'Copy Daily', headline: article.title, paragraphsHtml: paragraphsOf(article).map(escapeHtml) }));
    const checked = await runCli(['check', page, '--json', '--url', 'https://copy.example/story'], { bin, env });
    expect(checked.code, checked.stderr).toBe(0);
    const result = JSON.parse(checked.stdout);
    expect(result.matches.map((m: { articleId: string }) => m.articleId)).toContain(article.id);
  });

  it('serves the API, the web assets and the OpenAPI document from the build', async () => {
    const env = { COPYHOUND_DATA_DIR: join(root, 'serve-data') };
    const { child, url } = await startServeProcess([], env, bin);
    try {
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const css = await fetch(`${url}/assets/app.css`);
      expect(css.status).toBe(200);
      expect(await css.text()).toContain('{');
      const openapi = await fetch(`${url}/api/openapi.json`);
      expect(((await openapi.json()) as { info: { version: string } }).info.version).toBe(packageJson.version);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
