import { hash, verify } from '@node-rs/argon2';
import { ValidationError } from '../errors.ts';

/**
 * Password hashing (argon2id through @node-rs/argon2, a maintained native binding) and the
 * rules a new password must meet.
 */

// OWASP Password Storage Cheat Sheet, argon2id: 19 MiB of memory, 2 iterations, 1 lane.
// algorithm 2 is Argon2id (the package's const enum cannot be imported under isolatedModules).
const ARGON2ID = 2;
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// NIST SP 800-63B asks for at least 8; a service holding legal evidence asks for a passphrase.
export const MIN_PASSWORD_LENGTH = 12;
// Beyond this a "password" is a pasted file: refused before it reaches the hash.
export const MAX_PASSWORD_LENGTH = 1024;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** True when the password matches the stored hash; a malformed hash is an internal error, not "no". */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return verify(storedHash, password);
}

let dummyHash: Promise<string> | undefined;
/**
 * A hash to verify against when the account does not exist, so an unknown email takes as long
 * as a wrong password (no timing oracle for which emails have accounts).
 */
export function hashForUnknownAccounts(): Promise<string> {
  dummyHash ??= hash('copyhound: no such account', ARGON2_OPTIONS);
  return dummyHash;
}

let common: Set<string> | undefined;
/** The ~49,000 most common passwords (zxcvbn-ts's list), loaded on first use. */
async function loadCommonPasswords(): Promise<Set<string>> {
  if (!common) {
    const { dictionary } = await import('@zxcvbn-ts/language-common');
    common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  }
  return common;
}

/** Refuses a password that is too short, too long, or one of the most common ones (case ignored). */
export async function checkNewPassword(password: string, email?: string): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new ValidationError(`password: must be at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password' });
  if (password.length > MAX_PASSWORD_LENGTH) throw new ValidationError(`password: must be at most ${MAX_PASSWORD_LENGTH} characters`, { field: 'password' });
  const lowered = password.toLowerCase();
  if ((await loadCommonPasswords()).has(lowered)) throw new ValidationError('password: this is one of the most common passwords; choose another', { field: 'password' });
  if (email && lowered.includes(email.toLowerCase().split('@')[0]) && email.split('@')[0].length >= 4) {
    throw new ValidationError('password: must not contain the account name', { field: 'password' });
  }
}
