import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../../config/index.ts';
import { CopyhoundError } from '../errors.ts';
import { writeLine, type CliIo, type GlobalOptions } from './cli-context.ts';
import { createArticlesCommand } from './commands/articles-command.ts';
import { createCapturesCommand } from './commands/captures-command.ts';
import { createCheckCommand, createExtractCommand } from './commands/check-command.ts';
import { createConfigCommand } from './commands/config-command.ts';
import { createMatchesCommand } from './commands/matches-command.ts';
import { createCrawlCommand } from './commands/crawl-command.ts';
import { createSourcesCommand } from './commands/sources-command.ts';
import { createServeCommand } from './commands/serve-command.ts';
import { createLicenseesCommand, createOwnerSitesCommand } from './commands/rights-commands.ts';
import { createConsentsCommand } from './commands/consents-command.ts';
import { createReportsCommand } from './commands/reports-command.ts';
import { createUsersCommand } from './commands/users-command.ts';
import { createKeysCommand } from './commands/keys-command.ts';
import { createLogCommand } from './commands/log-command.ts';
import { createEvidenceCommand } from './commands/evidence-command.ts';
import { createDemoCommand } from './commands/demo-command.ts';
import { createBackupCommands } from './commands/backup-command.ts';
import { createInitCommand } from './commands/init-command.ts';

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
    .enablePositionalOptions(false);
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };
  program.addCommand(createInitCommand(io, globals));
  program.addCommand(createArticlesCommand(io, globals, setExit));
  program.addCommand(createCheckCommand(io, globals, setExit));
  program.addCommand(createExtractCommand(io, globals, setExit));
  program.addCommand(createSourcesCommand(io, globals));
  program.addCommand(createCrawlCommand(io, globals, setExit));
  program.addCommand(createMatchesCommand(io, globals));
  program.addCommand(createCapturesCommand(io, globals, setExit));
  program.addCommand(createOwnerSitesCommand(io, globals));
  program.addCommand(createLicenseesCommand(io, globals));
  program.addCommand(createConsentsCommand(io, globals));
  program.addCommand(createReportsCommand(io, globals));
  program.addCommand(createUsersCommand(io, globals));
  program.addCommand(createKeysCommand(io, globals));
  program.addCommand(createLogCommand(io, globals, setExit));
  program.addCommand(createEvidenceCommand(io, globals, setExit));
  program.addCommand(createServeCommand(io, globals));
  program.addCommand(createDemoCommand(io, globals));
  program.addCommand(createConfigCommand(io, globals));
  for (const command of createBackupCommands(io, globals, setExit)) program.addCommand(command);
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
