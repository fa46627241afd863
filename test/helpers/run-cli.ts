import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cliDatabaseEnv } from './test-database.ts';

export const CLI_PATH = fileURLToPath(new URL('../../src/cli/copyhound.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `copyhound` bin in a child process, as a user would. With `input`, that is written
 * to its stdin (a pipe, not a terminal: `echo pw | copyhound ...`); without, stdin is closed.
 */
export async function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; input?: string | Buffer; bin?: string } = {}): Promise<CliResult> {
  const env = { ...process.env, LOG_LEVEL: 'warn', ...options.env };
  const database = await cliDatabaseEnv(args, env, options.cwd);
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.bin ?? CLI_PATH, ...args], {
      cwd: options.cwd,
      env: { ...env, ...database },
      stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) {
      // The CLI may refuse before it reads stdin and close it: not the caller's failure.
      child.stdin!.on('error', () => {});
      child.stdin!.end(options.input);
    }
  });
}

/** Starts `copyhound serve` on a free port and resolves with its URL once it listens (`bin`: another build of the bin). */
export async function startServeProcess(args: string[], env: Record<string, string> = {}, bin = CLI_PATH): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const fullEnv = { ...process.env, LOG_LEVEL: 'info', PORT: '0', ...env };
  const database = await cliDatabaseEnv(args, fullEnv);
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args, 'serve'], {
      env: { ...fullEnv, ...database },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1], output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`serve exited early with ${code}: ${out}`)));
  });
}

/**
 * Runs the same CLI entry point in this process (no bin start-up cost), capturing its output.
 * Used for most CLI tests; the child-process runner above covers the bin itself.
 */
export async function runCliInProcess(args: string[], options: { env?: Record<string, string>; input?: string | Buffer } = {}): Promise<CliResult> {
  const { Readable, Writable } = await import('node:stream');
  const { runCli: run } = await import('../../src/cli/main.ts');
  let stdout = '';
  let stderr = '';
  const capture = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await run(args, {
    stdout: capture((s) => (stdout += s)),
    stderr: capture((s) => (stderr += s)),
    env: { LOG_LEVEL: 'warn', ...options.env, ...(await cliDatabaseEnv(args, { ...options.env })) },
    // A pipe's worth of input, as `echo pw | copyhound ...` gives it (not a terminal).
    ...(options.input !== undefined ? { stdin: Readable.from([Buffer.from(options.input)]) as unknown as NodeJS.ReadStream } : {}),
  });
  return { code, stdout, stderr };
}
