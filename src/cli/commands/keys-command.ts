import { Command, InvalidArgumentError } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { createKey, listKeyViews, revokeKey, type KeyView } from '../../accounts.ts';
import { LOCAL_PRINCIPAL, ROLES } from '../../auth/roles.ts';
import { withApp, withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine, showInline } from '../terminal-text.ts';
import { asUsage } from './users-command.ts';

/**
 * `keys`: API keys for programs. Adapters over src/accounts.ts, acting as `local` (an administrator:
 * any role, any licensee). A key is printed once, when it is made; only its SHA-256 is stored, so
 * lists show its first characters (the prefix) to tell keys apart, never the key.
 */

type Globals = () => GlobalOptions;

function parseKeyId(value: string): number {
  if (!/^[1-9]\d{0,15}$/.test(value.trim())) throw new InvalidArgumentError('must be an API key id (a whole number ≥ 1), as `keys list` shows it');
  return Number(value);
}

function describeKey(k: KeyView): string {
  const fields = [
    `#${k.id} ${k.prefix}…`,
    `"${showInline(k.name)}"`,
    k.role,
    `licensee: ${k.licensee !== null ? showInline(k.licensee) : '-'}`,
    `expires: ${k.expiresAt ?? 'never'}`,
    `last used: ${k.lastUsedAt ?? 'never'}`,
    `revoked: ${k.revokedAt ?? 'no'}`,
  ];
  return fields.join('  ');
}

export function createKeysCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('keys').description(COMMAND_DESCRIPTIONS.keys);
  command
    .command('create')
    .description('Create an API key and print it; it is shown this once and cannot be shown again')
    .requiredOption('--name <name>', 'what the key is for (shown in lists)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--licensee <name>', 'the licensee organisation a licensee key acts for (required for that role)')
    .option('--expires <date>', 'ISO 8601 date or date-time after which the key is refused (default: never)')
    .option('--json', 'print {"id","name","role","key"} on one line')
    .action(async (o: { name: string; role: string; licensee?: string; expires?: string; json?: boolean }, cmd: Command) => {
      await asUsage(cmd, async () =>
        await withApp(io, globals(), async (app) => {
          const { key, view } = await createKey({ db: app.database.db }, LOCAL_PRINCIPAL, { name: o.name, role: o.role, licensee: o.licensee ?? null, expires: o.expires ?? null });
          if (o.json) return writeLine(io.stdout, jsonLine({ id: view.id, name: view.name, role: view.role, key }));
          const licensee = view.licensee !== null ? ` for licensee "${showInline(view.licensee)}"` : '';
          writeLine(io.stdout, `created API key #${view.id} "${showInline(view.name)}" (${view.role}${licensee}): ${key}`);
          // On stderr: seen even when stdout goes to a file or a pipe.
          writeLine(io.stderr, 'warning: the key is shown only this once; store it now (only its hash is kept, so it cannot be shown again)');
        }),
      );
    });
  command
    .command('list')
    .description('List API keys: prefix, role, licensee, expiry, last use, revocation (never the key or its hash)')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        for (const k of await listKeyViews(app.database.db)) writeLine(io.stdout, o.json ? jsonLine(k) : describeKey(k));
      });
    });
  command
    .command('revoke')
    .description('Revoke an API key: the next request with it is refused; the record stays')
    .argument('<id>', 'the key id, as `keys list` shows it', parseKeyId)
    .option('--json', 'print the key record as JSON')
    .action(async (id: number, o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        const view = await revokeKey({ db: app.database.db }, id);
        writeLine(io.stdout, o.json ? jsonLine(view) : `revoked API key #${view.id} "${showInline(view.name)}" at ${view.revokedAt}`);
      });
    });
  return command;
}
