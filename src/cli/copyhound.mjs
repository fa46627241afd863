#!/usr/bin/env node
// The package's bin: registers tsx so the TypeScript sources run without a build step. It runs
// in this process (no child), so a supervisor's SIGTERM or a terminal's Ctrl-C reaches the command.
import { register } from 'tsx/esm/api';

// A reader that stops early (`copyhound articles list | head -1`) closes the pipe: what it did
// not read is not wanted, so the command ends quietly with status 0 instead of a stack trace.
// A closed stderr loses only messages; nothing to stop for.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.stderr.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
});

register();
const { runCli } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2));
