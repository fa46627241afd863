import type { Command } from 'commander';
import type { CliIo, GlobalOptions } from './cli-context.ts';
import type { CommandName } from './command-descriptions.ts';

/** What a command module exports: the command, built for one invocation. */
export type CommandFactory = (io: CliIo, globals: () => GlobalOptions, setExit: (code: number) => void) => Command;

function pickCommand(commands: Command[], name: string): Command {
  const found = commands.find((c) => c.name() === name);
  if (!found) throw new Error(`command module defines no "${name}" command`);
  return found;
}

/**
 * Where each top-level command lives, loaded only when that command runs: importing every command
 * pulled in the server, the browser driver and the crawlers for `copyhound --help` (1.7 s, compiled).
 */
export const COMMAND_LOADERS: Record<CommandName, () => Promise<CommandFactory>> = {
  init: async () => (await import('./commands/init-command.ts')).createInitCommand,
  articles: async () => (await import('./commands/articles-command.ts')).createArticlesCommand,
  check: async () => (await import('./commands/check-command.ts')).createCheckCommand,
  extract: async () => (await import('./commands/check-command.ts')).createExtractCommand,
  sources: async () => (await import('./commands/sources-command.ts')).createSourcesCommand,
  crawl: async () => (await import('./commands/crawl-command.ts')).createCrawlCommand,
  matches: async () => (await import('./commands/matches-command.ts')).createMatchesCommand,
  captures: async () => (await import('./commands/captures-command.ts')).createCapturesCommand,
  'owner-sites': async () => (await import('./commands/rights-commands.ts')).createOwnerSitesCommand,
  licensees: async () => (await import('./commands/rights-commands.ts')).createLicenseesCommand,
  consents: async () => (await import('./commands/consents-command.ts')).createConsentsCommand,
  reports: async () => (await import('./commands/reports-command.ts')).createReportsCommand,
  users: async () => (await import('./commands/users-command.ts')).createUsersCommand,
  keys: async () => (await import('./commands/keys-command.ts')).createKeysCommand,
  log: async () => (await import('./commands/log-command.ts')).createLogCommand,
  evidence: async () => (await import('./commands/evidence-command.ts')).createEvidenceCommand,
  serve: async () => (await import('./commands/serve-command.ts')).createServeCommand,
  worker: async () => (await import('./commands/worker-command.ts')).createWorkerCommand,
  demo: async () => (await import('./commands/demo-command.ts')).createDemoCommand,
  config: async () => (await import('./commands/config-command.ts')).createConfigCommand,
  backup: async () => {
    const { createBackupCommands } = await import('./commands/backup-command.ts');
    return (io, globals, setExit) => pickCommand(createBackupCommands(io, globals, setExit), 'backup');
  },
  restore: async () => {
    const { createBackupCommands } = await import('./commands/backup-command.ts');
    return (io, globals, setExit) => pickCommand(createBackupCommands(io, globals, setExit), 'restore');
  },
  migrate: async () => (await import('./commands/migrate-command.ts')).createMigrateCommand,
};

/**
 * The command an argument list names: the first word that is not an option or an option's value
 * (`--db x.db articles list` names "articles"); for `help articles`, the command after "help".
 * `program` knows which of its options take a value.
 */
export function findCommandName(program: Command, argv: readonly string[]): string | undefined {
  const takesValue = new Set<string>();
  for (const option of program.options) {
    if (!option.required && !option.optional) continue;
    if (option.long) takesValue.add(option.long);
    if (option.short) takesValue.add(option.short);
  }
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      if (argv[i + 1] !== undefined) words.push(argv[i + 1]!);
      break;
    }
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return words[0] === 'help' ? words[1] : words[0];
}
