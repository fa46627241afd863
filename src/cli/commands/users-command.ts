import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { COMMAND_DESCRIPTIONS } from '../command-descriptions.ts';
import { addUser, checkNewUser, getUser, listUserViews, resetPassword, setUserDisabled, type UserView } from '../../accounts.ts';
import { checkNewPassword, MAX_PASSWORD_LENGTH } from '../../auth/passwords.ts';
import { LOCAL_PRINCIPAL, ROLES } from '../../auth/roles.ts';
import { ValidationError } from '../../errors.ts';
import { withApp, withExistingApp, writeLine, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { jsonLine, showInline } from '../terminal-text.ts';

/**
 * `users`: people who sign in to the web app and the API. Adapters over src/accounts.ts; the CLI
 * acts as `local`. A password never comes from a flag (shell history, `ps`): it is typed at a
 * terminal without echo, or read as one line of stdin when stdin is a pipe or a file.
 */

type Globals = () => GlobalOptions;
type Stdin = NodeJS.ReadStream;

const EXIT_USAGE = 2;
// A password is at most MAX_PASSWORD_LENGTH UTF-16 units; UTF-8 needs at most 4 bytes for each
// (an astral character is 4 bytes for 2 units), plus a BOM and CR LF. Stdin past that is not a
// password, and is not read on.
const MAX_STDIN_PASSWORD_BYTES = MAX_PASSWORD_LENGTH * 4 + 3 + 2;
/** Runs `run`; a ValidationError (a bad flag value, a weak password, no password) is a usage error (exit 2). */
export async function asUsage<T>(cmd: Command, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError) cmd.error(`error: ${error.message}`, { exitCode: EXIT_USAGE, code: 'copyhound.usage' });
    throw error;
  }
}

/** One line typed at the terminal, not echoed. readline does the line editing (backspace, paste, UTF-8). */
function askHidden(stdin: Stdin, stderr: NodeJS.WritableStream, prompt: string): Promise<string> {
  stderr.write(prompt);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  // historySize 0: readline keeps no copy of the line.
  const rl = createInterface({ input: stdin, output: silent, terminal: true, historySize: 0 });
  return new Promise((resolve, reject) => {
    let answered = false;
    rl.on('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      stderr.write('\n');
      if (!answered) reject(new ValidationError('password: none entered (the prompt was cancelled)', { field: 'password' }));
    });
  });
}

/** All of stdin, up to `maxBytes`; null when there is more. */
function readStdin(stdin: Stdin, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: Buffer | null, error?: Error) => {
      stdin.off('data', onData).off('end', onEnd).off('error', onError);
      stdin.pause();
      if (error) reject(error);
      else resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(null);
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onError = (error: Error) => finish(null, error);
    stdin.on('data', onData).on('end', onEnd).on('error', onError);
    stdin.resume();
  });
}

/** The password as exactly one line of stdin: its line end (LF or CR LF) dropped, nothing else touched. */
async function readPasswordLine(stdin: Stdin): Promise<string> {
  const bytes = await readStdin(stdin, MAX_STDIN_PASSWORD_BYTES);
  if (bytes === null) throw new ValidationError(`password: stdin holds more than ${MAX_STDIN_PASSWORD_BYTES} bytes; give the password as one line`, { field: 'password' });
  let text: string;
  try {
    // A leading BOM (some Windows tools write one) is dropped by the decoder: it is not typed.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError('password: stdin is not UTF-8 text', { field: 'password' });
  }
  if (text === '') throw new ValidationError('password: stdin is empty; give the password as one line on stdin, or run in a terminal to be asked for it', { field: 'password' });
  const line = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (/[\r\n]/.test(line)) throw new ValidationError('password: stdin holds more than one line; give exactly one line', { field: 'password' });
  if (line === '') throw new ValidationError('password: the line on stdin is empty', { field: 'password' });
  return line;
}

/**
 * A new password for `email`: asked twice at a terminal (checked after the first entry, so a weak
 * one is not typed again), else one line of stdin. The caller checks it again when it stores it.
 */
export async function readNewPassword(io: CliIo, email: string, stdin: Stdin = io.stdin ?? process.stdin): Promise<string> {
  if (!stdin.isTTY) return readPasswordLine(stdin);
  const password = await askHidden(stdin, io.stderr, `New password for ${showInline(email)}: `);
  await checkNewPassword(password, email);
  const again = await askHidden(stdin, io.stderr, 'Repeat the password: ');
  if (again !== password) throw new ValidationError('password: the two entries differ', { field: 'password' });
  return password;
}

function describeUser(u: UserView): string {
  const licensee = u.licensee !== null ? `  licensee: ${showInline(u.licensee)}` : '';
  return `#${u.id} ${showInline(u.email)}  ${u.role}${licensee}  ${u.disabled ? 'disabled' : 'enabled'}  created by ${showInline(u.createdBy)} at ${u.createdAt}`;
}

function printUser(io: CliIo, json: boolean | undefined, user: UserView, human: string): void {
  writeLine(io.stdout, json ? jsonLine(user) : human);
}

export function createUsersCommand(io: CliIo, globals: Globals): Command {
  const command = new Command('users').description(COMMAND_DESCRIPTIONS.users);
  command
    .command('add')
    .description('Add a user; the password is asked for at a terminal (twice, not shown) or read as one line of stdin')
    .requiredOption('--email <email>', 'e-mail address (the sign-in name)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--licensee <name>', 'the licensee organisation a licensee user acts for (required for that role)')
    .option('--json', 'print the user as JSON')
    .action(async (o: { email: string; role: string; licensee?: string; json?: boolean }, cmd: Command) => {
      await asUsage(cmd, async () =>
        await withApp(io, globals(), async (app) => {
          const db = app.database.db;
          const { email } = await checkNewUser(db, o);
          const password = await readNewPassword(io, email);
          const user = await addUser({ db }, { email, role: o.role, licensee: o.licensee ?? null, password }, LOCAL_PRINCIPAL.actor);
          printUser(io, o.json, user, `added user #${user.id} ${showInline(user.email)} (${user.role})`);
        }),
      );
    });
  command
    .command('list')
    .description('List users (never a password or its hash)')
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withExistingApp(io, globals(), async (app) => {
        for (const u of await listUserViews(app.database.db)) writeLine(io.stdout, o.json ? jsonLine(u) : describeUser(u));
      });
    });
  for (const [name, disabled] of [['disable', true], ['enable', false]] as const) {
    command
      .command(name)
      .description(disabled ? 'Disable a user: signing in is refused and every session of theirs ends now' : 'Enable a disabled user again')
      .argument('<email>', "the user's e-mail address")
      .option('--json', 'print the user as JSON')
      .action(async (email: string, o: { json?: boolean }, cmd: Command) => {
        await asUsage(cmd, async () =>
          await withExistingApp(io, globals(), async (app) => {
            const user = await setUserDisabled({ db: app.database.db }, email, disabled);
            const ended = disabled ? '; their sessions are ended' : '';
            printUser(io, o.json, user, `${name}d user #${user.id} ${showInline(user.email)}${ended}`);
          }),
        );
      });
  }
  command
    .command('reset-password')
    .description("Set a user's new password (asked for at a terminal, or one line of stdin); ends their sessions")
    .argument('<email>', "the user's e-mail address")
    .option('--json', 'print the user as JSON')
    .action(async (email: string, o: { json?: boolean }, cmd: Command) => {
      await asUsage(cmd, async () =>
        await withExistingApp(io, globals(), async (app) => {
          const db = app.database.db;
          const found = await getUser(db, email);
          const password = await readNewPassword(io, found.email);
          const user = await resetPassword({ db }, found.id, password);
          printUser(io, o.json, user, `set a new password for user #${user.id} ${showInline(user.email)}; their sessions are ended`);
        }),
      );
    });
  return command;
}
