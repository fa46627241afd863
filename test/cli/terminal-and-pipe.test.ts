import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, runCli, runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { cliDatabaseEnv } from '../helpers/test-database.ts';

// Articles enough that `articles list` prints well over a pipe's 64 KiB buffer: `head -1` has
// long exited and closed the pipe while copyhound is still writing.
const ARTICLES = 1500;
const LONG_TITLE = 'A headline long enough to fill a pipe quickly with the listing of many articles';

/** Runs a shell command line (bash, for pipefail) and resolves with its status and output. */
async function runShell(line: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // The command lines name no --db: the database is the one in env's data folder.
  const databaseEnv = await cliDatabaseEnv([], env);
  return await new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', line], { env: { ...process.env, ...env, ...databaseEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const bin = (args: string[]) => [process.execPath, CLI_PATH, ...args].map(quote).join(' ');
/** The command in a pseudo-terminal (util-linux `script`): stdin, stdout and stderr are a TTY; -e passes its exit status on. */
const inTerminal = (args: string[]) => `script -qfec ${quote(bin(args))} /dev/null`;
// Colours and cursor moves (a terminal gets them), removed to read the text.
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');

describe('the real bin in a terminal and in a pipe', () => {
  const tempDir = useTempDir();

  async function seeded(): Promise<{ dir: string; env: Record<string, string> }> {
    const dir = tempDir();
    const env = { COPYHOUND_DATA_DIR: join(dir, 'data') };
    const file = join(dir, 'many.ndjson');
    const lines = Array.from({ length: ARTICLES }, (_, i) => JSON.stringify({ id: `story-${i}`, url: `https://news.example/${i}`, title: `${LONG_TITLE} ${i}`, body: `Body of story ${i}.` }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const imported = await runCliInProcess(['articles', 'import', file], { env });
    expect(imported.code, imported.stderr).toBe(0);
    return { dir, env };
  }

  it('in a pipe that closes early (`| head -1`) ends quietly with status 0; its logs are JSON lines', async () => {
    const { env } = await seeded();
    const piped = await runShell(`set -o pipefail; ${bin(['articles', 'list', '--limit', String(ARTICLES)])} | head -1`, { ...env, LOG_LEVEL: 'warn' });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(piped.stdout).toMatch(/^story-\d+\t-\tA headline long enough .* \d+\n$/);
    // --json too, and a listing of another kind.
    const json = await runShell(`set -o pipefail; ${bin(['articles', 'list', '--limit', String(ARTICLES), '--json'])} | head -1`, env);
    expect(json.code, json.stderr).toBe(0);
    expect(json.stderr).not.toMatch(/EPIPE|Error/);
    expect(JSON.parse(json.stdout).id).toMatch(/^story-/);

    // Not a terminal: the log is JSON lines, one object each.
    const logged = await runCli(['--log-level', 'info', 'articles', 'import', '/dev/null'], { env });
    const lines = logged.stderr.trim().split('\n').filter((l) => l.startsWith('{'));
    expect(lines.map((l) => JSON.parse(l).msg)).toContain('import finished');
  });

  it('in a terminal: readable log lines, not JSON (warn by default, info when asked), the documented exit codes', async () => {
    const { env } = await seeded();
    const listed = await runShell(inTerminal(['articles', 'list', '--limit', '2']), env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^story-\d+\t-\tA headline/m);
    expect(listed.stdout).toContain(`2 of ${ARTICLES} articles`);

    const info = await runShell(inTerminal(['--log-level', 'info', 'articles', 'import', '/dev/null']), env);
    expect(info.code).toBe(0);
    // One line per entry, its fields after the message.
    expect(plain(info.stdout)).toMatch(/^\[[\d:]+\] INFO: import finished \{"file":"\/dev\/null","inserted":0,/m);
    expect(info.stdout).not.toMatch(/\{"level"/);
    // At warn (the default for commands) the info line is not shown.
    const quiet = await runShell(inTerminal(['articles', 'import', '/dev/null']), env);
    expect(plain(quiet.stdout)).toMatch(/inserted 0, updated 0, unchanged 0, rejected 0\r?\n$/);
    // --log-format json wins over the terminal.
    const json = await runShell(inTerminal(['--log-level', 'info', '--log-format', 'json', 'articles', 'import', '/dev/null']), env);
    expect(json.stdout).toMatch(/\{"level":30,.*"msg":"import finished"/);

    const missing = await runShell(inTerminal(['articles', 'show', 'nope']), env);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^error: .*nope/m);
    expect(missing.stdout).not.toMatch(/\n\s+at /);
    const usage = await runShell(inTerminal(['articles', 'list', '--limit', '0']), env);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toContain("option '--limit <n>' argument '0' is invalid");
  });
});
