import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../../config/config-error.ts';
import { CopyhoundError } from '../errors.ts';
import type { CliIo, GlobalOptions } from './cli-context.ts';
import { writeLine } from './terminal-text.ts';
import packageJson from '../../package.json' with { type: 'json' };
import { COMMAND_DESCRIPTIONS, type CommandName } from './command-descriptions.ts';
import { COMMAND_LOADERS, findCommandName } from './command-index.ts';

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

function configureCommand(command: Command, io: CliIo): void {
  command.exitOverride();
  command.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  command.showHelpAfterError('(add --help for usage)');
  for (const sub of command.commands) configureCommand(sub, io);
}

/** Runs one CLI invocation and returns its exit status: 0 ok, 1 failed, 2 bad usage or config. */
export async function runCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  let exitCode = 0;
  const program = new Command('copyhound')
    .description('Copyhound: find, verify and document unlicensed reproductions of your articles')
    .option('--db <path>', 'SQLite database file (env COPYHOUND_DB, default copyhound.db in the data folder, COPYHOUND_DATA_DIR or ./data)')
    .addOption(new Option('--log-level <level>', 'log level (env LOG_LEVEL; default warn, serve info)').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .addOption(new Option('--log-format <format>', 'log lines on stderr: json, pretty, or auto = pretty on a terminal (env LOG_FORMAT)').choices(['auto', 'json', 'pretty']))
    .version(packageJson.version, '-V, --version', 'print the version and exit')
    .enablePositionalOptions(false);
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  // Only the command that runs is loaded; the others are listed by name and description for the
  // help and for commander's "did you mean" on a misspelt name.
  const wanted = findCommandName(program, argv);
  for (const [name, description] of Object.entries(COMMAND_DESCRIPTIONS)) {
    if (name === wanted) program.addCommand((await COMMAND_LOADERS[name as CommandName]())(io, globals, setExit));
    else program.command(name).description(description);
  }
  configureCommand(program, io);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof ConfigError) {
      writeLine(io.stderr, error.message);
      return EXIT_USAGE;
    }
    if (error instanceof CopyhoundError) {
      writeLine(io.stderr, `error: ${error.message}`);
      return EXIT_FAILURE;
    }
    writeLine(io.stderr, `error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT_FAILURE;
  }
}
