import { resolve } from 'node:path';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import type { Config } from '../../../config/index.ts';
import { runDemoUntilSignal } from '../../demo/run-demo.ts';
import { buildConfig, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';

// The printout is the demo's interface; log lines at info would bury it. LOG_LEVEL or
// --log-level still win.
const DEMO_LOG_LEVEL: Config['log']['level'] = 'warn';
const EXIT_USAGE = 2;

export function createDemoCommand(io: CliIo, globals: () => GlobalOptions): Command {
  return new Command('demo')
    .description(COMMAND_DESCRIPTIONS.demo)
    .option('--port <port>', 'port for the app (0 = any free port; default PORT or 3000)')
    .option('--data <dir>', 'folder for the demo database and captures, new or empty (default: a new temp folder, removed at exit)')
    .addHelpText(
      'after',
      '\nThe sample web runs on 127.0.0.1 and a free port. The demo prints the app URL, one login per role\n' +
        '(admin, rights_manager, legal, licensee) and which report a pending consent would license.\n' +
        'It runs until Ctrl-C (SIGINT) or SIGTERM.',
    )
    .action(async function (this: Command, options: { port?: string; data?: string }) {
      const given = globals();
      if (given.db) this.error('error: demo makes its own fresh database; use --data DIR instead of --db', { exitCode: EXIT_USAGE });
      const logLevel = given.logLevel || io.env.LOG_LEVEL ? {} : { log: { level: DEMO_LOG_LEVEL } };
      await runDemoUntilSignal({
        ...(options.port !== undefined ? { port: options.port as unknown as number } : {}),
        // Absolute, as every data folder is: the printout names it, and a later `cd` cannot move it.
        ...(options.data !== undefined ? { dataDir: resolve(options.data) } : {}),
        loadConfig: (overrides) => buildConfig(io, given, { ...logLevel, ...overrides }),
        print: (line) => writeLine(io.stdout, line),
      });
    });
}
