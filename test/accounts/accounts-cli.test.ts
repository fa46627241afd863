import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findApiKeyByHash } from '../../db/api-keys.ts';
import type { Db } from '../../db/open-db.ts';
import { findSessionByTokenHash, insertSession } from '../../db/sessions.ts';
import { findUserByEmail } from '../../db/users.ts';
import { verifyPassword } from '../../src/auth/passwords.ts';
import { hashToken } from '../../src/auth/tokens.ts';
import { runCli as runBin, runCliInProcess } from '../helpers/run-cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON lines are read loosely */
type Json = any;

// Every password-reading command runs as the real bin (stdin must be a pipe of its own); each start
// loads tsx and every module, ~3 s alone on a 2-core machine and more while other test files run.
const SPAWNING_TEST_TIMEOUT_MS = 90_000;
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a quite different passphrase';

function jsonLines(stdout: string): Json[] {
  return stdout.trim() === '' ? [] : stdout.trim().split('\n').map((line) => JSON.parse(line));
}

describe('copyhound users and keys', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  const tempDir = useTempDir();

  /** A database file, created and migrated before any command runs (two processes must not both create it). */
  async function setup() {
    const db = join(tempDir(), 'c.db');
    const cli = (...args: string[]) => runCliInProcess(['--db', db, ...args]);
    // In process (each real bin start costs seconds); the first test pipes into the real bin.
    const piped = (input: string | Buffer, ...args: string[]) => runCliInProcess(['--db', db, ...args], { input });
    const pipedBin = (input: string | Buffer, ...args: string[]) => runBin(['--db', db, ...args], { input });
    /** Reads the database file the CLI wrote. */
    const read = async <T>(look: (d: Db) => T | Promise<T>): Promise<T> => {
      const database = await openTestDatabase(db, 2000);
      try {
        return await look(database.db);
      } finally {
        await database.close();
      }
    };
    const passwordWorks = async (email: string, password: string) => verifyPassword(await read(async (d) => (await findUserByEmail(d, email))!.passwordHash), password);
    const addSession = async (email: string, token: string) =>
      await read(async (d) => await insertSession(d, { tokenHash: hashToken(token), userId: (await findUserByEmail(d, email))!.id, createdAt: '2025-01-01T00:00:00.000Z', lastSeenAt: '2025-01-01T00:00:00.000Z', expiresAt: '2099-01-01T00:00:00.000Z' }));
    /** The tokens, of those given, that still open a session. */
    const liveSessions = async (...tokens: string[]) =>
      await read(async (d) => {
        const live: string[] = [];
        for (const t of tokens) if ((await findSessionByTokenHash(d, hashToken(t))) !== undefined) live.push(t);
        return live;
      });
    expect((await cli('init')).code).toBe(0);
    return { db, cli, piped, pipedBin, read, passwordWorks, addSession, liveSessions };
  }

  it('users add reads the password as one line of stdin, stores only its hash, and list never shows either', async () => {
    const { cli, piped, pipedBin, passwordWorks } = await setup();
    const added = await pipedBin(`${PASSWORD}\n`, 'users', 'add', '--email', 'Alice@Example.com', '--role', 'admin');
    expect(added).toEqual({ code: 0, stdout: 'added user #1 alice@example.com (admin)\n', stderr: '' });
    expect(await passwordWorks('alice@example.com', PASSWORD)).toBe(true);
    expect(await passwordWorks('alice@example.com', `${PASSWORD}\n`)).toBe(false);

    // A Windows line end is a line end too, not part of the password.
    const crlf = await piped(`${NEW_PASSWORD}\r\n`, 'users', 'add', '--email', 'bob@example.com', '--role', 'legal', '--json');
    expect(crlf.code).toBe(0);
    expect(jsonLines(crlf.stdout)).toEqual([{ id: 2, email: 'bob@example.com', role: 'legal', licenseeId: null, licensee: null, disabled: false, createdBy: 'local', createdAt: expect.any(String) }]);
    expect(await passwordWorks('bob@example.com', NEW_PASSWORD)).toBe(true);

    const listed = await cli('users', 'list', '--json');
    expect(listed.code).toBe(0);
    const users = jsonLines(listed.stdout);
    expect(users.map((u) => [u.email, u.role, u.disabled])).toEqual([['alice@example.com', 'admin', false], ['bob@example.com', 'legal', false]]);
    for (const u of users) expect(Object.keys(u).filter((k) => /hash|password/i.test(k))).toEqual([]);
    const human = await cli('users', 'list');
    expect(human.stdout).toMatch(/^#1 alice@example\.com {2}admin {2}enabled {2}created by local at \d{4}-/);
    for (const out of [listed.stdout, listed.stderr, human.stdout, human.stderr]) {
      expect(out).not.toContain(PASSWORD);
      expect(out).not.toContain(NEW_PASSWORD);
      expect(out).not.toContain('$argon2');
    }
  });

  it('refuses a short, common or account-named password (exit 2, nothing stored)', async () => {
    const { cli, piped } = await setup();
    const cases: [string, string][] = [
      ['short pw\n', 'error: password: must be at least 12 characters\n'],
      ['Qwerty123456\n', 'error: password: this is one of the most common passwords; choose another\n'],
      ['my name is carol, ok?\n', 'error: password: must not contain the account name\n'],
    ];
    const results = await Promise.all(cases.map(([input]) => piped(input, 'users', 'add', '--email', 'carol@example.com', '--role', 'rights_manager')));
    results.forEach((result, i) => expect(result, cases[i][0]).toEqual({ code: 2, stdout: '', stderr: `${cases[i][1]}(add --help for usage)\n` }));
    expect((await cli('users', 'list', '--json')).stdout).toBe('');
  });

  it('refuses stdin that is empty, an empty line or more than one line (exit 2 naming the problem)', async () => {
    const { cli, piped } = await setup();
    const cases: [string, string][] = [
      ['', 'error: password: stdin is empty; give the password as one line on stdin, or run in a terminal to be asked for it\n'],
      ['\n', 'error: password: the line on stdin is empty\n'],
      [`${PASSWORD}\nsecond line\n`, 'error: password: stdin holds more than one line; give exactly one line\n'],
    ];
    const results = await Promise.all(cases.map(([input]) => piped(input, 'users', 'add', '--email', 'carol@example.com', '--role', 'legal')));
    results.forEach((result, i) => expect(result, JSON.stringify(cases[i][0])).toEqual({ code: 2, stdout: '', stderr: `${cases[i][1]}(add --help for usage)\n` }));
    expect((await cli('users', 'list', '--json')).stdout).toBe('');
  });

  it('refuses stdin that is not UTF-8, too long, or absent (exit 2); there is no default password', async () => {
    const { cli, piped, db } = await setup();
    const add = (input: Buffer | string) => piped(input, 'users', 'add', '--email', 'carol@example.com', '--role', 'legal');
    const [notUtf8, tooLong, none] = await Promise.all([
      add(Buffer.from([0x70, 0x61, 0xff, 0xfe, 0x0a])),
      add(`${'x'.repeat(5000)}\n`),
      // /dev/null, as under cron: the empty case.
      runBin(['--db', db, 'users', 'add', '--email', 'carol@example.com', '--role', 'legal']),
    ]);
    expect(notUtf8).toEqual({ code: 2, stdout: '', stderr: 'error: password: stdin is not UTF-8 text\n(add --help for usage)\n' });
    expect(tooLong).toEqual({ code: 2, stdout: '', stderr: 'error: password: stdin holds more than 4101 bytes; give the password as one line\n(add --help for usage)\n' });
    expect(none).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('error: password: stdin is empty') });
    expect((await cli('users', 'list', '--json')).stdout).toBe('');
  });

  it('refuses a bad role or email before reading a password, and has no password flag', async () => {
    const { cli, piped, db } = await setup();
    const add = (...args: string[]) => piped(`${PASSWORD}\n`, 'users', 'add', ...args);
    const [role, email, flag] = await Promise.all([
      add('--email', 'd@example.com', '--role', 'owner'),
      add('--email', 'not an address', '--role', 'admin'),
      add('--email', 'd@example.com', '--role', 'admin', '--password', PASSWORD),
    ]);
    expect(role).toMatchObject({ code: 2, stderr: expect.stringContaining('error: role: "owner" is not a role; roles: admin, rights_manager, legal, licensee\n') });
    expect(email).toMatchObject({ code: 2, stderr: expect.stringContaining('error: email: "not an address" is not an e-mail address\n') });
    expect(flag).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--password'") });
    // Checked before stdin is read: the bad role is named, not the missing password.
    const noStdin = await runBin(['--db', db, 'users', 'add', '--email', 'd@example.com', '--role', 'owner']);
    expect(noStdin).toMatchObject({ code: 2, stderr: expect.stringContaining('error: role: "owner" is not a role') });
    expect((await cli('users', 'list', '--json')).stdout).toBe('');
  });

  it('binds a licensee user to an existing licensee only, and refuses a duplicate email', async () => {
    const { cli, piped } = await setup();
    const add = (...args: string[]) => piped(`${PASSWORD}\n`, 'users', 'add', ...args);
    const [noLicensee, notLicenseeRole, unknownLicensee] = await Promise.all([
      add('--email', 'd@example.com', '--role', 'licensee'),
      add('--email', 'd@example.com', '--role', 'legal', '--licensee', 'Partner Post'),
      add('--email', 'd@example.com', '--role', 'licensee', '--licensee', 'Nobody'),
    ]);
    expect(noLicensee).toMatchObject({ code: 2, stderr: expect.stringContaining('error: licensee: the licensee role needs the organisation it acts for\n') });
    expect(notLicenseeRole).toMatchObject({ code: 2, stderr: expect.stringContaining('error: licensee: only the licensee role is bound to a licensee (role is legal)\n') });
    expect(unknownLicensee).toEqual({ code: 1, stdout: '', stderr: 'error: No licensee named "Nobody"\n' });

    expect((await cli('licensees', 'add', '--name', 'Partner Post', '--place', 'pp.example')).code).toBe(0);
    const bound = await add('--email', 'd@example.com', '--role', 'licensee', '--licensee', 'Partner Post', '--json');
    expect(jsonLines(bound.stdout)).toEqual([expect.objectContaining({ email: 'd@example.com', role: 'licensee', licenseeId: 1, licensee: 'Partner Post' })]);
    const again = await piped(`${NEW_PASSWORD}\n`, 'users', 'add', '--email', 'D@EXAMPLE.COM', '--role', 'admin');
    expect(again).toEqual({ code: 1, stdout: '', stderr: 'error: A user with email d@example.com already exists\n' });
    expect(jsonLines((await cli('users', 'list', '--json')).stdout).map((u) => [u.email, u.role])).toEqual([['d@example.com', 'licensee']]);
  });

  it('users disable ends the sessions, enable lets the user in again; unknown users exit 1', async () => {
    const { cli, piped, addSession, liveSessions } = await setup();
    expect((await piped(`${PASSWORD}\n`, 'users', 'add', '--email', 'erin@example.com', '--role', 'legal')).code).toBe(0);
    await addSession('erin@example.com', 'session-one');
    await addSession('erin@example.com', 'session-two');
    expect(await liveSessions('session-one', 'session-two')).toEqual(['session-one', 'session-two']);

    const disabled = await cli('users', 'disable', 'Erin@example.com');
    expect(disabled).toEqual({ code: 0, stdout: 'disabled user #1 erin@example.com; their sessions are ended\n', stderr: '' });
    expect(await liveSessions('session-one', 'session-two')).toEqual([]);
    expect(jsonLines((await cli('users', 'list', '--json')).stdout)[0].disabled).toBe(true);
    expect((await cli('users', 'list')).stdout).toContain('erin@example.com  legal  disabled');

    const enabled = await cli('users', 'enable', 'erin@example.com', '--json');
    expect(jsonLines(enabled.stdout)).toEqual([expect.objectContaining({ id: 1, email: 'erin@example.com', disabled: false })]);
    expect(await cli('users', 'disable', 'nobody@example.com')).toEqual({ code: 1, stdout: '', stderr: 'error: No user with email nobody@example.com\n' });
    expect(await cli('users', 'enable', 'nobody')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: email: "nobody" is not an e-mail address') });
  });

  it('users reset-password sets the new password from stdin and ends the sessions; a weak one changes nothing', async () => {
    const { piped, passwordWorks, addSession, liveSessions } = await setup();
    expect((await piped(`${PASSWORD}\n`, 'users', 'add', '--email', 'frank@example.com', '--role', 'admin')).code).toBe(0);
    await addSession('frank@example.com', 'session-one');

    const weak = await piped('123456\n', 'users', 'reset-password', 'frank@example.com');
    expect(weak).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('error: password: must be at least 12 characters') });
    expect(await passwordWorks('frank@example.com', PASSWORD)).toBe(true);
    expect(await liveSessions('session-one')).toEqual(['session-one']);

    const reset = await piped(`${NEW_PASSWORD}\n`, 'users', 'reset-password', 'frank@example.com');
    expect(reset).toEqual({ code: 0, stdout: 'set a new password for user #1 frank@example.com; their sessions are ended\n', stderr: '' });
    expect(await passwordWorks('frank@example.com', NEW_PASSWORD)).toBe(true);
    expect(await passwordWorks('frank@example.com', PASSWORD)).toBe(false);
    expect(await liveSessions('session-one')).toEqual([]);
    expect(await piped(`${NEW_PASSWORD}\n`, 'users', 'reset-password', 'ghost@example.com')).toEqual({ code: 1, stdout: '', stderr: 'error: No user with email ghost@example.com\n' });
  });

  it('keys create prints the key once; keys list never shows it; revoke works once', async () => {
    const { cli, read } = await setup();
    const created = await cli('keys', 'create', '--name', 'ci deploy', '--role', 'rights_manager', '--json');
    expect(created.code).toBe(0);
    expect(created.stdout.split('\n')).toHaveLength(2); // one line and its newline
    const [made] = jsonLines(created.stdout);
    expect(Object.keys(made)).toEqual(['id', 'name', 'role', 'key']);
    expect(made).toMatchObject({ id: 1, name: 'ci deploy', role: 'rights_manager' });
    expect(made.key).toMatch(/^ch_[A-Za-z0-9_-]{43}$/);
    // The printed key is the one stored (as its hash), so a program can use it.
    expect((await read(async (d) => await findApiKeyByHash(d, hashToken(made.key))))?.id).toBe(1);

    const human = await cli('keys', 'create', '--name', 'reporting', '--role', 'legal', '--expires', '2099-06-01');
    const key2 = /: (ch_\S+)\n$/.exec(human.stdout)?.[1];
    expect(human.stdout).toBe(`created API key #2 "reporting" (legal): ${key2}\n`);
    expect(human.stderr).toContain('warning: the key is shown only this once');

    const listed = await cli('keys', 'list', '--json');
    const keys = jsonLines(listed.stdout);
    expect(keys.map((k) => [k.id, k.name, k.prefix, k.role, k.licensee, k.expiresAt, k.lastUsedAt, k.revokedAt])).toEqual([
      [1, 'ci deploy', made.key.slice(0, 9), 'rights_manager', null, null, null, null],
      [2, 'reporting', key2!.slice(0, 9), 'legal', null, '2099-06-01T00:00:00.000Z', null, null],
    ]);
    for (const k of keys) expect(Object.keys(k).filter((f) => /hash|^key$/i.test(f))).toEqual([]);
    const humanList = await cli('keys', 'list');
    expect(humanList.stdout).toContain(`#1 ${made.key.slice(0, 9)}…  "ci deploy"  rights_manager  licensee: -  expires: never  last used: never  revoked: no\n`);

    const revoked = await cli('keys', 'revoke', '1', '--json');
    expect(jsonLines(revoked.stdout)).toEqual([expect.objectContaining({ id: 1, revokedAt: expect.stringMatching(/^\d{4}-/) })]);
    const twice = await cli('keys', 'revoke', '1');
    expect(twice).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^error: API key 1 was already revoked at \d{4}-/) });
    expect(await cli('keys', 'revoke', '9')).toEqual({ code: 1, stdout: '', stderr: 'error: No API key with id 9\n' });
    expect((await cli('keys', 'revoke', 'one')).code).toBe(2);
    const afterRevoke = await cli('keys', 'list');
    expect(afterRevoke.stdout).toMatch(/^#1 .* revoked: \d{4}-.*\n#2 .* revoked: no\n$/);

    for (const out of [listed, humanList, afterRevoke, revoked].flatMap((r) => [r.stdout, r.stderr])) {
      expect(out).not.toContain(made.key);
      expect(out).not.toContain(key2);
      expect(out).not.toContain(hashToken(made.key));
    }
  });

  it('a licensee key needs --licensee naming an existing licensee; other roles refuse one; bad flags exit 2', async () => {
    const { cli } = await setup();
    const create = (...args: string[]) => cli('keys', 'create', '--name', 'partner feed', ...args);
    expect(await create('--role', 'licensee')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: licensee: the licensee role needs the organisation it acts for') });
    expect(await create('--role', 'licensee', '--licensee', 'Partner Post')).toEqual({ code: 1, stdout: '', stderr: 'error: No licensee named "Partner Post"\n' });
    expect(await create('--role', 'superuser')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: role: "superuser" is not a role') });
    expect(await create('--role', 'admin', '--expires', '2001-01-01')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: expires: 2001-01-01T00:00:00.000Z is in the past') });
    expect(await create('--role', 'admin', '--expires', 'next week')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: expires: "next week" is not an ISO 8601 date') });
    expect(await cli('keys', 'create', '--name', '  ', '--role', 'admin')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: name: must be 1-200 characters') });

    expect((await cli('licensees', 'add', '--name', 'Partner Post', '--place', 'x.example')).code).toBe(0);
    expect(await create('--role', 'legal', '--licensee', 'Partner Post')).toMatchObject({ code: 2, stderr: expect.stringContaining('error: licensee: only the licensee role is bound to a licensee (role is legal)') });
    const made = await create('--role', 'licensee', '--licensee', 'Partner Post', '--json');
    expect(jsonLines(made.stdout)).toEqual([{ id: 1, name: 'partner feed', role: 'licensee', key: expect.stringMatching(/^ch_/) }]);
    expect(jsonLines((await cli('keys', 'list', '--json')).stdout)).toEqual([expect.objectContaining({ id: 1, role: 'licensee', licenseeId: 1, licensee: 'Partner Post', createdBy: 'local' })]);
    expect((await cli('keys', 'list')).stdout).toContain('"partner feed"  licensee  licensee: Partner Post  expires: never');
  });

  it('shows a key name holding terminal controls escaped, in human output and in --json lines', async () => {
    const { cli } = await setup();
    const name = 'deploy\u202e\x1b[2Jbot';
    const human = await cli('keys', 'create', '--name', name, '--role', 'legal');
    expect(human.stdout).toMatch(/^created API key #1 "deploy\\u202e\\x1b\[2Jbot" \(legal\): ch_/);
    const outputs = [human.stdout, (await cli('keys', 'list')).stdout, (await cli('keys', 'list', '--json')).stdout];
    for (const out of outputs) expect(out).not.toMatch(/[\u202e\x1b]/);
    expect(jsonLines(outputs[2])[0].name).toBe(name);
  });
});
