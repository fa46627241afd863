import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config, type ConfigOverrides } from '../../config/index.ts';
import { CLI_PATH } from '../helpers/run-cli.ts';
import { cliDatabaseEnv, testDatabaseSettings } from '../helpers/test-database.ts';

/** `copyhound demo` in a child process, as a user starts it, up to its ready line. */
export interface DemoProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * The database a demo started with `args` would use, for the pg suite: copyhound.db in its --data
 * folder, else (a temp folder the demo makes itself) a database of its own.
 */
function findDemoDatabasePath(args: string[]): string {
  const at = args.indexOf('--data');
  return at >= 0 && args[at + 1] ? join(args[at + 1], 'copyhound.db') : join(tmpdir(), `copyhound-demo-${randomUUID()}.db`);
}

/**
 * startDemo's loadConfig for tests: silent, and in the pg suite on a PostgreSQL schema of this
 * demo's own (the demo names only its SQLite file, in a temp folder it makes itself).
 */
export async function makeDemoConfigLoader(): Promise<(overrides: ConfigOverrides) => Config> {
  const { url, poolSize } = await testDatabaseSettings(findDemoDatabasePath([]));
  return (o) => loadConfig({}, { ...o, db: { ...o.db, ...(url ? { url, poolSize } : {}) }, log: { level: 'silent' } });
}

export async function startDemoProcess(args: string[], env: Record<string, string> = {}): Promise<DemoProcess> {
  const databaseEnv = await cliDatabaseEnv([], { ...env, COPYHOUND_DB: findDemoDatabasePath(args) });
  return await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, 'demo', ...args], { env: { ...process.env, ...env, ...databaseEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<number | NodeJS.Signals | null>((done) => child.on('exit', (code, signal) => done(code ?? signal)));
    child.stdout!.on('data', (d) => {
      out += d;
      if (/^Open http:\/\/\S+ and sign in/m.test(out)) resolve({ child, output: () => out, exited });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', reject);
    void exited.then((code) => reject(new Error(`demo exited before it was ready (${code}):\n${out}\n${err}`)));
  });
}

export interface PrintedDemo {
  url: string;
  sampleWeb: string;
  logins: { role: string; email: string; password: string }[];
  pendingConsentId: number;
  coveredReportId: number;
  coveredUrl: string;
}

/** What a person reads off the printout: the app URL, the logins, the pending consent and its report. */
export function readPrintout(text: string): PrintedDemo {
  const url = /^Open (http:\/\/\S+?)\/ and sign in/m.exec(text)?.[1];
  const sampleWeb = /^ {2}sample web {2}(http:\/\/\S+?)\/ /m.exec(text)?.[1];
  const pending = /^Pending consent (\d+) \(.*?\) would license report (\d+) \((http:\/\/\S+)\):$/m.exec(text);
  const logins = [...text.matchAll(/^ {2}(admin|rights_manager|legal|licensee) +(\S+@\S+) +(\S+)/gm)].map((m) => ({ role: m[1], email: m[2], password: m[3] }));
  if (!url || !sampleWeb || !pending) throw new Error(`printout not as expected:\n${text}`);
  return { url, sampleWeb, logins, pendingConsentId: Number(pending[1]), coveredReportId: Number(pending[2]), coveredUrl: pending[3] };
}

/** One signed-in browser: its cookies and CSRF token. */
export interface Session {
  cookies: Map<string, string>;
  csrf: string;
  role: string;
}

export async function send(url: string, init: { session?: Session; method?: string; body?: unknown } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.session) {
    headers.cookie = [...init.session.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    headers['x-csrf-token'] = init.session.csrf;
  }
  const response = await fetch(url, { method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'), headers, body: init.body !== undefined ? JSON.stringify(init.body) : undefined });
  for (const c of response.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const at = pair.indexOf('=');
    init.session?.cookies.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function signIn(base: string, login: { email: string; password: string }): Promise<Session> {
  const session: Session = { cookies: new Map(), csrf: '', role: '' };
  const answer = await send(`${base}/api/auth/login`, { session, body: { email: login.email, password: login.password } });
  if (answer.status !== 200) throw new Error(`sign-in as ${login.email}: ${answer.status} ${JSON.stringify(answer.body)}`);
  session.csrf = answer.body.csrfToken;
  session.role = answer.body.user.role;
  return session;
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}
