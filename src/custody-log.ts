import { readTransaction } from '../db/write-transaction.ts';
import type { Config } from '../config/index.ts';
import { countCustodyEntries, findLatestTreeHead, insertTreeHead, readLeafHashes, readTileHashes, TILE_LEAVES, type TreeHeadRow } from '../db/custody-log.ts';
import type { Db } from '../db/open-db.ts';
import { getOrCreateServerSecret } from '../db/server-secrets.ts';
import { consistencyProof, inclusionProof, subtreeHash, type TreeReader } from './custody/merkle-tree.ts';
import { requestTimestampToken } from './custody/rfc3161.ts';
import { generateSigningKey, keyIdOf, publicKeyOf, signTreeHead } from './custody/tree-head.ts';
import { treeHeadMessage, verifyConsistency } from './evidence-verify/verify-package.mjs';
import type { Logger } from './log.ts';
import { millisOfStoredUtc } from './time/parse-date.ts';

/**
 * The custody log as the application uses it: the installation's signing key, signed tree heads
 * (daily from `serve`, and on every export), and proofs. Entries themselves are appended by the
 * db modules that write captures, decisions and report events (db/custody-log.ts).
 */

export interface CustodyDeps {
  db: Db;
  config: Pick<Config['evidence'], 'tsaUrl' | 'tsaTimeoutMs' | 'treeHeadEveryHours'>;
  logger?: Logger;
}

export type TreeHeadReason = 'daily' | 'export' | 'command' | 'first_start';

const SIGNING_KEY_SECRET = 'custody_signing_key';
const HOUR_MS = 3_600_000;

/** The installation's Ed25519 key (private PEM), made the first time it is asked for. */
export async function custodySigningKey(db: Db, now = new Date().toISOString()): Promise<string> {
  return await getOrCreateServerSecret(db, SIGNING_KEY_SECRET, generateSigningKey, now);
}

/** The public key a publisher hands out so anyone can check its packages and tree heads. */
export async function custodyPublicKey(db: Db): Promise<{ publicKeyPem: string; keyId: string }> {
  const publicKeyPem = publicKeyOf(await custodySigningKey(db));
  return { publicKeyPem, keyId: keyIdOf(publicKeyPem) };
}

export function treeReaderOf(db: Db): TreeReader {
  return {
    tileLeaves: TILE_LEAVES,
    leafHashes: async (from, to) => await readLeafHashes(db, from, to),
    tileHashes: async (from, to) => await readTileHashes(db, from, to),
  };
}

/** Size and root of the log as it stands, read in one snapshot. */
export async function currentTree(db: Db): Promise<{ size: number; rootHash: string }> {
  return await readTransaction(db, async () => {
    const size = await countCustodyEntries(db);
    return { size, rootHash: (await subtreeHash(treeReaderOf(db), 0, size)).toString('hex') };
  });
}

/**
 * Signs a tree head over the log as it stands (time-stamped by the configured authority, when
 * there is one) and stores it. A failing authority is logged and the head kept without a token:
 * the signature alone still proves the log's state, and an export must not fail on a third party.
 */
export async function signNewTreeHead(deps: CustodyDeps, reason: TreeHeadReason, now = new Date().toISOString()): Promise<TreeHeadRow> {
  const key = await custodySigningKey(deps.db, now);
  const tree = await currentTree(deps.db);
  const signed = signTreeHead({ ...tree, timestamp: now }, key);
  let timestampToken: string | null = null;
  if (deps.config.tsaUrl) {
    try {
      timestampToken = (await requestTimestampToken(deps.config.tsaUrl, treeHeadMessage(signed), deps.config.tsaTimeoutMs)).toString('base64');
    } catch (error) {
      deps.logger?.warn({ err: error, tsa: deps.config.tsaUrl, size: signed.size }, 'the time-stamping authority did not stamp the tree head; kept without a time-stamp token');
    }
  }
  const head = await insertTreeHead(deps.db, { ...signed, keyId: keyIdOf(publicKeyOf(key)), reason, timestampToken });
  deps.logger?.info({ size: head.size, rootHash: head.rootHash, reason, timestamped: timestampToken !== null }, 'custody log tree head signed');
  return head;
}

/** Signs a head when the latest is older than the configured interval (or there is none). */
export async function signTreeHeadIfDue(deps: CustodyDeps, now = new Date().toISOString()): Promise<TreeHeadRow | null> {
  const latest = await findLatestTreeHead(deps.db);
  const age = latest ? (millisOfStoredUtc(now) ?? 0) - (millisOfStoredUtc(latest.timestamp) ?? 0) : Infinity;
  if (age < deps.config.treeHeadEveryHours * HOUR_MS) return null;
  return signNewTreeHead(deps, latest ? 'daily' : 'first_start', now);
}

/** Audit paths (hex) of entries under a head's tree. */
export async function proveInclusion(db: Db, index: number, size: number): Promise<string[]> {
  return (await inclusionProof(treeReaderOf(db), index, size)).map((h) => h.toString('hex'));
}

/**
 * Whether the log still extends the older head: a consistency proof from the stored entries,
 * checked against both heads' signed roots. False when history before `older.size` was rewritten.
 */
export async function checkConsistency(db: Db, older: Pick<TreeHeadRow, 'size' | 'rootHash'>, newer: Pick<TreeHeadRow, 'size' | 'rootHash'>): Promise<{ proof: string[]; consistent: boolean }> {
  const proof = await consistencyProof(treeReaderOf(db), older.size, newer.size);
  const consistent = verifyConsistency({ size1: older.size, size2: newer.size, root1: older.rootHash, root2: newer.rootHash, proof });
  return { proof: proof.map((h) => h.toString('hex')), consistent };
}
