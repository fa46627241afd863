#!/usr/bin/env node
// The package's bin. In the built package (dist/, made by `npm run build` at install) it loads the
// compiled main.js beside it; in a source checkout without a build (development, the tests) it
// registers tsx, a dev dependency, and runs the TypeScript. Either way the command runs in this
// process (no child), so a supervisor's SIGTERM or a terminal's Ctrl-C reaches it.
import { existsSync } from 'node:fs';

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

const compiled = new URL('./main.js', import.meta.url);
let main;
if (existsSync(compiled)) {
  main = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  main = await import('./main.ts');
}
process.exitCode = await main.runCli(process.argv.slice(2));
