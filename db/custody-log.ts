import { dialectOf, firstRow, lockTransactionScope, queryRows, returnedRow } from './dialect.ts';
import { hash } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { rootOfLeaves } from '../src/custody/merkle-tree.ts';
import { hashLeaf } from '../src/evidence-verify/verify-package.mjs';
import type { Db } from './open-db.ts';
import { placeholders, prepared, preparedWrite } from './prepared.ts';
import { custodyEntries, custodyTiles, treeHeads, type CustodyEntryRow, type TreeHeadRow } from './schema/custody.ts';

/**
 * The custody log's storage: entries appended in the writer's own transaction (so a record and
 * its entry commit together or not at all), tiles of TILE_LEAVES leaf hashes kept as they fill,
 * and signed tree heads. The hashing is the verifier's own (src/evidence-verify), so what is
 * written and what an offline check recomputes cannot drift apart.
 */

export type { CustodyEntryRow, TreeHeadRow };
export type CustodyEntryType = CustodyEntryRow['type'];

// 1,024 leaves per tile: a root over 3 million entries reads ~3,000 tile hashes plus at most
// 1,023 leaves, and a tile is written once per 1,024 appends (a few µs each on average).
export const TILE_LEAVES = 1024;

export interface NewCustodyEntry {
  type: CustodyEntryType;
  refId: number;
  at: string;
  /** The digest of what the entry vouches for (a file's bytes, or a record's canonical JSON). */
  sha256: string;
  /** Further fields shown in the leaf (ids, URL...): they are part of what is hashed. */
  fields?: Record<string, FlatValue>;
}

/** A value of a flat record: what rows hold (a JSON column is logged as its stored text). */
export type FlatValue = string | number | boolean | null | undefined | readonly (string | number | boolean | null)[];

/**
 * Canonical JSON (the package format's: keys sorted, JSON.stringify's forms) of a flat record —
 * the same bytes as the verifier's canonicalJson, without its general walk over nested objects:
 * a consent change digests 20,000 records in one transaction, and the walk was a third of it.
 */
export function flatCanonicalJson(record: Readonly<Record<string, FlatValue>>): string {
  const keys = Object.keys(record);
  checkFlat(record, keys);
  // Keys already in order (records are built that way): JSON.stringify writes the same bytes.
  if (isSorted(keys)) return JSON.stringify(record);
  let text = '';
  for (const key of keys.sort()) {
    const value = record[key];
    if (value !== undefined) text += `${text ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value)}`;
  }
  return `{${text}}`;
}

function checkFlat(record: Readonly<Record<string, FlatValue>>, keys: readonly string[]): void {
  for (const key of keys) {
    const value = record[key];
    if (value === null || typeof value !== 'object') continue;
    if (!Array.isArray(value)) throw new TypeError(`flatCanonicalJson: ${key} is an object; log its JSON text instead`);
    for (const item of value) if (item !== null && typeof item === 'object') throw new TypeError(`flatCanonicalJson: ${key} holds an object; log its JSON text instead`);
  }
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return false;
  return true;
}

/** SHA-256 of a flat record's canonical JSON: what an entry vouches for when it logs a row. */
export function digestRecord(record: Readonly<Record<string, FlatValue>>): string {
  return hash('sha256', flatCanonicalJson(record), 'hex');
}

/** The leaf text an entry is hashed from. */
export function buildLeaf(entry: NewCustodyEntry): string {
  const core = { at: entry.at, id: entry.refId, sha256: entry.sha256, type: entry.type, v: 1 };
  return flatCanonicalJson(entry.fields ? { ...entry.fields, ...core } : core);
}

/** Appends an entry; returns its index in the tree (0-based). Call inside a write transaction. */
export async function appendCustodyEntry(db: Db, entry: NewCustodyEntry): Promise<number> {
  const leaf = buildLeaf(entry);
  const id = await insertCustodyEntry(db, { type: entry.type, refId: entry.refId, at: entry.at, leaf, leafHash: hashLeaf(leaf).toString('hex') });
  if (id % TILE_LEAVES === 0) await sealTile(db, id / TILE_LEAVES - 1);
  return id - 1;
}

/**
 * Appends entries in the order given; answers their indexes. The same rows, ids and tiles as
 * appendCustodyEntry once per entry; on PostgreSQL one statement per call instead of one round
 * trip per entry (a consent change logs 20,000).
 */
export async function appendCustodyEntries(db: Db, entries: readonly NewCustodyEntry[]): Promise<number[]> {
  if (dialectOf(db) !== 'pg') {
    const indexes: number[] = [];
    for (const entry of entries) indexes.push(await appendCustodyEntry(db, entry));
    return indexes;
  }
  if (entries.length === 0) return [];
  await lockTransactionScope(db, 'custody-log');
  const rows = entries.map((e, i) => {
    const leaf = buildLeaf(e);
    return { n: i + 1, type: e.type, ref_id: e.refId, at: e.at, leaf, leaf_hash: hashLeaf(leaf).toString('hex') };
  });
  // Ids follow the last row's without gaps, in the order given (see insertCustodyEntry).
  const inserted = await queryRows<{ first: number }>(
    db,
    sql`with base as (select coalesce(max(id), 0) as last from ${custodyEntries}),
        added as (
          insert into ${custodyEntries} (id, type, ref_id, at, leaf, leaf_hash)
          select base.last + x.n, x.type, x.ref_id, x.at, x.leaf, x.leaf_hash
          from base, json_to_recordset(${JSON.stringify(rows)}::json) as x(n bigint, type text, ref_id bigint, at text, leaf text, leaf_hash text)
          order by x.n
          returning id)
        select min(id) as first from added`,
  );
  const first = Number(returnedRow(inserted).first);
  const last = first + entries.length - 1;
  for (let id = Math.ceil(first / TILE_LEAVES) * TILE_LEAVES; id <= last; id += TILE_LEAVES) await sealTile(db, id / TILE_LEAVES - 1);
  return entries.map((_, i) => first - 1 + i);
}

/**
 * Inserts the entry row and answers its id, the leaf's 1-based position. The ids must run without
 * gaps (an entry's index is its id - 1). SQLite's AUTOINCREMENT counter rolls back with the
 * transaction, so it never skips. A PostgreSQL sequence does not roll back, so there the id is
 * the next after the last row, which is safe because write transactions on PostgreSQL hold the
 * writer lock (db/write-transaction.ts).
 */
async function insertCustodyEntry(db: Db, row: { type: CustodyEntryType; refId: number; at: string; leaf: string; leafHash: string }): Promise<number> {
  if (dialectOf(db) === 'pg') {
    // Page transactions run side by side (a shared writer lock): the log is appended one at a time.
    await lockTransactionScope(db, 'custody-log');
    // The next id and the row in one statement (one round trip per capture, not two). It runs after
    // the lock was granted, so its snapshot sees every entry committed before.
    const inserted = await queryRows<{ id: number }>(
      db,
      sql`insert into ${custodyEntries} (id, type, ref_id, at, leaf, leaf_hash)
          select coalesce(max(id), 0) + 1, ${row.type}::text, ${row.refId}::bigint, ${row.at}::text, ${row.leaf}::text, ${row.leafHash}::text from ${custodyEntries}
          returning id`,
    );
    return Number(returnedRow(inserted).id);
  }
  return await preparedWrite(db, 'appendCustodyEntry', (c) => c.insert(custodyEntries).values(placeholders('type', 'refId', 'at', 'leaf', 'leafHash')), { returnsId: true })(row);
}

/** Root of the perfect subtree over one tile's leaves. */
async function sealTile(db: Db, tile: number): Promise<void> {
  const root = rootOfLeaves(await readLeafHashes(db, tile * TILE_LEAVES, (tile + 1) * TILE_LEAVES));
  await db.insert(custodyTiles).values({ id: tile, hash: root.toString('hex') });
}

/** Leaf hashes of entries [from, to) (0-based indexes), in order. */
export async function readLeafHashes(db: Db, from: number, to: number): Promise<Buffer[]> {
  const rows = (await prepared(db, 'readLeafHashes', (c) =>
    c
      .select({ leafHash: custodyEntries.leafHash })
      .from(custodyEntries)
      .where(and(gt(custodyEntries.id, sql.placeholder('from')), lte(custodyEntries.id, sql.placeholder('to'))))
      .orderBy(asc(custodyEntries.id)),
  ).all({ from, to }));
  return rows.map((r) => Buffer.from(r.leafHash, 'hex'));
}

/** Hashes of tiles [from, to), in order. */
export async function readTileHashes(db: Db, from: number, to: number): Promise<Buffer[]> {
  return (await db
    .select({ hash: custodyTiles.hash })
    .from(custodyTiles)
    .where(and(gt(custodyTiles.id, from - 1), lte(custodyTiles.id, to - 1)))
    .orderBy(asc(custodyTiles.id)))
    .map((r) => Buffer.from(r.hash, 'hex'));
}

/** Number of entries in the log. */
export async function countCustodyEntries(db: Db): Promise<number> {
  return firstRow(await db.select({ id: custodyEntries.id }).from(custodyEntries).orderBy(desc(custodyEntries.id)).limit(1))?.id ?? 0;
}

export async function findCustodyEntry(db: Db, index: number): Promise<CustodyEntryRow | undefined> {
  return firstRow(await db.select().from(custodyEntries).where(eq(custodyEntries.id, index + 1)).limit(1));
}

/** The entries logged for a record (a capture, a report event...), oldest first. */
export async function findCustodyEntriesFor(db: Db, type: CustodyEntryType, refId: number): Promise<CustodyEntryRow[]> {
  return (await db.select().from(custodyEntries).where(and(eq(custodyEntries.type, type), eq(custodyEntries.refId, refId))).orderBy(asc(custodyEntries.id)));
}

/** The tree index of the first entry logged for each of these records (one query for many). */
export async function findCustodyIndexes(db: Db, type: Exclude<CustodyEntryType, 'decision'>, refIds: readonly number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (refIds.length === 0) return found;
  const rows = (await db
    .select({ id: custodyEntries.id, refId: custodyEntries.refId })
    .from(custodyEntries)
    .where(and(eq(custodyEntries.type, type), inArray(custodyEntries.refId, [...refIds])))
    .orderBy(asc(custodyEntries.id)));
  for (const r of rows) if (!found.has(r.refId)) found.set(r.refId, r.id - 1);
  return found;
}

/** One page of entries after `afterId` (row ids), for a full walk (`log verify`). */
export async function listCustodyEntriesAfter(db: Db, afterId: number, limit: number): Promise<CustodyEntryRow[]> {
  return (await db.select().from(custodyEntries).where(gt(custodyEntries.id, afterId)).orderBy(asc(custodyEntries.id)).limit(limit));
}

export async function listTileHashesAfter(db: Db, afterId: number, limit: number): Promise<{ id: number; hash: string }[]> {
  return (await db.select().from(custodyTiles).where(gt(custodyTiles.id, afterId)).orderBy(asc(custodyTiles.id)).limit(limit));
}

export async function insertTreeHead(db: Db, head: Omit<TreeHeadRow, 'id'>): Promise<TreeHeadRow> {
  return returnedRow(await db.insert(treeHeads).values(head).returning());
}

export async function findLatestTreeHead(db: Db): Promise<TreeHeadRow | undefined> {
  return firstRow(await db.select().from(treeHeads).orderBy(desc(treeHeads.id)).limit(1));
}

export async function listTreeHeads(db: Db): Promise<TreeHeadRow[]> {
  return (await db.select().from(treeHeads).orderBy(asc(treeHeads.id)));
}

