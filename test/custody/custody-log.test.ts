import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendCustodyEntry, countCustodyEntries, flatCanonicalJson, listTreeHeads, readLeafHashes, TILE_LEAVES } from '../../db/custody-log.ts';
import { sql, type SQL } from 'drizzle-orm';
import { dialectOf, executeStatement } from '../../db/dialect.ts';
import type { Db } from '../../db/open-db.ts';
import { writeTransaction } from '../../db/write-transaction.ts';
import { checkConsistency, currentTree, custodyPublicKey, proveInclusion, signNewTreeHead, signTreeHeadIfDue, treeReaderOf } from '../../src/custody-log.ts';
import { verifyCustodyLog } from '../../src/custody-verify.ts';
import { createFolderFileStore } from '../../src/evidence/index.ts';
import { consistencyProof, rootOfLeaves, subtreeHash } from '../../src/custody/merkle-tree.ts';
import { canonicalJson, hashLeaf, verifyConsistency, verifyInclusion, verifyTreeHead } from '../../src/evidence-verify/verify-package.mjs';
import { useTempDir } from '../helpers/temp-dir.ts';
import { openTestDatabase } from '../helpers/test-database.ts';

const CONFIG = { tsaUrl: '', tsaTimeoutMs: 1000, treeHeadEveryHours: 24 };
// Enough entries for two complete tiles and a partial third: roots and proofs cross tile edges.
const ENTRIES = 2 * TILE_LEAVES + 300;

async function openDb(dir: string): Promise<Db> {
  return (await openTestDatabase(join(dir, 'copyhound.db'), 5000)).db;
}

// Decision entries: a decision is checked against its match's row, and these matches have none,
// so the log's own checks are all that speak.
async function appendEntries(db: Db, count: number, offset = 0): Promise<void> {
  await writeTransaction(db, async (tx) => {
    for (let i = offset; i < offset + count; i++) {
      await appendCustodyEntry(tx, { type: 'decision', refId: i + 1, at: `2026-12-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`, sha256: String(i).padStart(64, '0') });
    }
  });
}

/** A statement run as someone with direct access to the database would: below the application. */
async function runRaw(db: Db, statement: string | SQL): Promise<void> {
  await executeStatement(db, typeof statement === 'string' ? sql.raw(statement) : statement);
}

/** Why the database refused a raw statement (drizzle wraps the driver's error as its cause). */
async function refusalOf(db: Db, statement: string): Promise<string> {
  try {
    await runRaw(db, statement);
  } catch (error) {
    return String((error as { cause?: Error }).cause?.message ?? (error as Error).message);
  }
  return 'not refused';
}

/** Drops an append-only trigger (PostgreSQL names the trigger's table, SQLite does not). */
async function dropTrigger(db: Db, name: string, table: string): Promise<void> {
  await runRaw(db, dialectOf(db) === 'pg' ? `DROP TRIGGER "${name}" ON "${table}"` : `DROP TRIGGER ${name}`);
}

/** An attacker with the database: the append-only triggers do not stop someone who drops them. */
async function tamper(db: Db, statement: string): Promise<void> {
  await dropTrigger(db, 'custody_entries_no_update', 'custody_entries');
  await dropTrigger(db, 'custody_entries_no_delete', 'custody_entries');
  await runRaw(db, statement);
}

describe('custody log (RFC 6962 Merkle tree in SQLite)', () => {
  const tempDir = useTempDir();

  it('keeps the RFC 6962 root over every entry; tiles give the same root as the leaves', async () => {
    const db = await openDb(tempDir());
    await appendEntries(db, ENTRIES);
    expect(await countCustodyEntries(db)).toBe(ENTRIES);
    const leaves = await readLeafHashes(db, 0, ENTRIES);
    expect(leaves).toHaveLength(ENTRIES);
    for (const size of [1, 2, 3, TILE_LEAVES - 1, TILE_LEAVES, TILE_LEAVES + 1, 2 * TILE_LEAVES, ENTRIES]) {
      expect((await subtreeHash(treeReaderOf(db), 0, size)).toString('hex'), `size ${size}`).toBe(rootOfLeaves(leaves.slice(0, size)).toString('hex'));
    }
  });

  it('proves inclusion of any entry and consistency between any two sizes, checked by the offline verifier', async () => {
    const db = await openDb(tempDir());
    await appendEntries(db, ENTRIES);
    const root = (await currentTree(db)).rootHash;
    const leaves = await readLeafHashes(db, 0, ENTRIES);
    for (const index of [0, 1, 511, 1023, 1024, 1500, 2047, 2048, ENTRIES - 1]) {
      const proof = await proveInclusion(db, index, ENTRIES);
      expect(verifyInclusion({ index, size: ENTRIES, leafHash: leaves[index], proof, rootHash: root }), `entry ${index}`).toBe(true);
      expect(verifyInclusion({ index, size: ENTRIES, leafHash: leaves[index], proof: [...proof].reverse(), rootHash: root })).toBe(proof.length < 2);
    }
    for (const [m, n] of [[1, ENTRIES], [TILE_LEAVES, ENTRIES], [1000, 2100], [2048, 2049], [ENTRIES, ENTRIES]]) {
      const proof = await consistencyProof(treeReaderOf(db), m, n);
      const rootOf = (size: number) => rootOfLeaves(leaves.slice(0, size));
      expect(verifyConsistency({ size1: m, size2: n, root1: rootOf(m), root2: rootOf(n), proof }), `${m} → ${n}`).toBe(true);
    }
  });

  it('signs tree heads with the installation key, daily when due, and verifies the whole log', async () => {
    const dir = tempDir();
    const db = await openDb(dir);
    expect(await signTreeHeadIfDue({ db, config: CONFIG }, '2026-12-01T00:00:00.000Z')).toMatchObject({ size: 0, reason: 'first_start' });
    await appendEntries(db, 10);
    expect(await signTreeHeadIfDue({ db, config: CONFIG }, '2026-12-01T12:00:00.000Z')).toBeNull();
    const daily = await signTreeHeadIfDue({ db, config: CONFIG }, '2026-12-02T00:00:00.000Z');
    expect(daily).toMatchObject({ size: 10, reason: 'daily' });
    const { publicKeyPem, keyId } = await custodyPublicKey(db);
    expect(daily!.keyId).toBe(keyId);
    expect(verifyTreeHead(daily!, publicKeyPem)).toBe(true);
    expect(verifyTreeHead({ ...daily!, size: 11 }, publicKeyPem)).toBe(false);
    // The key is made once and kept: a second head is signed with the same one.
    await appendEntries(db, 5, 10);
    const next = await signNewTreeHead({ db, config: CONFIG }, 'command', '2026-12-02T01:00:00.000Z');
    expect(next.keyId).toBe(keyId);
    expect((await checkConsistency(db, daily!, next)).consistent).toBe(true);
    expect(await verifyCustodyLog(db, createFolderFileStore(dir))).toMatchObject({ entries: 15, treeHeads: 3, problems: [], problemCount: 0, firstBadEntry: null });
  });

  it('log verify names an edited entry, a deleted entry, and a rewritten history that no longer extends a signed head', async () => {
    const dir = tempDir();
    const db = await openDb(dir);
    await appendEntries(db, TILE_LEAVES + 10);
    const before = await signNewTreeHead({ db, config: CONFIG }, 'command', '2026-12-01T00:00:00.000Z');
    await appendEntries(db, 10, TILE_LEAVES + 10);
    const after = await signNewTreeHead({ db, config: CONFIG }, 'command', '2026-12-02T00:00:00.000Z');
    const found = async () => (await verifyCustodyLog(db, createFolderFileStore(dir))).problems.join('\n');
    expect(await found()).toBe('');

    // Entry 7's leaf text edited (its stored hash left alone).
    await tamper(db, `UPDATE custody_entries SET leaf = replace(leaf, '"sha256":"', '"sha256":"f') WHERE id = 8`);
    expect((await verifyCustodyLog(db, createFolderFileStore(dir))).firstBadEntry).toBe(7);
    const edited = await found();
    expect(edited).toMatch(/entry 7 \(decision 8[^)]*\): its stored leaf hash does not match its leaf text/);
    expect(edited).toMatch(/tile 0 \(entries 0–1023\) does not match its entries/);
    expect(edited).toMatch(/tree head #1 .*history was rewritten/);

    // Leaf and hash rewritten together: only the signed heads (and the tile) can tell, and the
    // consistency proof from yesterday's head to today's fails.
    const rewritten = canonicalJson({ at: '2026-12-01T00:00:07.000Z', id: 8, sha256: 'e'.repeat(64), type: 'decision', v: 1 });
    await runRaw(db, sql`UPDATE custody_entries SET leaf = ${rewritten}, leaf_hash = ${hashLeaf(rewritten).toString('hex')} WHERE id = 8`);
    // ...and the tile over it recomputed, so the stored tree agrees with itself throughout.
    await dropTrigger(db, 'custody_tiles_no_update', 'custody_tiles');
    await runRaw(db, sql`UPDATE custody_tiles SET hash = ${rootOfLeaves(await readLeafHashes(db, 0, TILE_LEAVES)).toString('hex')} WHERE id = 0`);
    expect((await checkConsistency(db, before, after)).consistent).toBe(false);
    const consistent = await found();
    expect(consistent).not.toMatch(/leaf hash does not match|tile 0/);
    expect(consistent).toMatch(/tree head #1 .*history was rewritten/);
    expect(consistent).toMatch(/tree head #2 .*not consistent with tree head #1/);

    // An entry deleted.
    await runRaw(db, 'DELETE FROM custody_entries WHERE id = 21');
    expect(await found()).toMatch(/entry 20 is missing: its row was deleted/);
  });

  it('refuses to change or delete log rows, tiles and tree heads (append-only)', async () => {
    const db = await openDb(tempDir());
    await appendEntries(db, TILE_LEAVES);
    await signNewTreeHead({ db, config: CONFIG }, 'command');
    expect(await refusalOf(db, `UPDATE custody_entries SET leaf = 'x' WHERE id = 1`)).toMatch(/append-only/);
    expect(await refusalOf(db, 'DELETE FROM custody_entries WHERE id = 1')).toMatch(/append-only/);
    expect(await refusalOf(db, `UPDATE custody_tiles SET hash = 'x'`)).toMatch(/append-only/);
    expect(await refusalOf(db, 'DELETE FROM tree_heads')).toMatch(/append-only/);
    expect(await listTreeHeads(db)).toHaveLength(1);
  });

  it('writes flat records as canonical JSON: the same bytes as the verifier, key order or not', () => {
    const samples = [
      { b: 1, a: 'x', c: null, d: ['q', 2, true, null] },
      { at: 'z', id: 3, sha256: 'ab', type: 'capture', v: 1, url: 'https://example.org/é?"\\' },
      { '10': 1, '9': 2, a: undefined, B: false },
    ];
    for (const s of samples) expect(flatCanonicalJson(s)).toBe(canonicalJson(s));
    expect(() => flatCanonicalJson({ a: { nested: 1 } } as never)).toThrow(/JSON text/);
  });
});
