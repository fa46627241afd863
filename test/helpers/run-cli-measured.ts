import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_PATH, type CliResult } from './run-cli.ts';
import { cliDatabaseEnv } from './test-database.ts';

const PRELOAD = fileURLToPath(new URL('./report-peak-rss.mjs', import.meta.url));
// Output kept per stream: enough to assert on, bounded even if the child floods a pipe.
const MAX_KEPT_OUTPUT_CHARS = 1024 * 1024;

/**
 * Runs the real `copyhound` bin in a child process and reads back its peak RSS, as the kernel
 * counted it (ru_maxrss via process.resourceUsage() at exit). `dir` receives the measurement file.
 */
export async function runCliMeasured(args: string[], dir: string, env: Record<string, string> = {}): Promise<CliResult & { peakRssBytes: number; stderrChars: number }> {
  const rssFile = join(dir, `peak-rss-${process.pid}-${Date.now()}.txt`);
  const databaseEnv = await cliDatabaseEnv(args, env);
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PRELOAD, CLI_PATH, ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, ...databaseEnv, COPYHOUND_TEST_PEAK_RSS_FILE: rssFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let stderrChars = 0;
    child.stdout.on('data', (d) => {
      if (stdout.length < MAX_KEPT_OUTPUT_CHARS) stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderrChars += String(d).length;
      if (stderr.length < MAX_KEPT_OUTPUT_CHARS) stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const peakRssBytes = Number(readFileSync(rssFile, 'utf8'));
        // Printed so the figure is visible in a test run, not only asserted.
        console.log(`peak RSS ${(peakRssBytes / 2 ** 20).toFixed(0)} MB: copyhound ${args.join(' ').slice(0, 120)}`);
        resolve({ code, stdout, stderr, stderrChars, peakRssBytes });
      } catch (error) {
        reject(new Error(`the child did not report its peak RSS (exit ${code}): ${(error as Error).message}\n${stderr}`));
      }
    });
  });
}
