import { findCapturesByIds } from '../db/captures.ts';
import { findRendersByIds } from '../db/capture-renders.ts';
import { countCustodyEntries, digestRecord, findCustodyEntriesFor, findCustodyEntry, listCustodyEntriesAfter, listTileHashesAfter, listTreeHeads, TILE_LEAVES, type CustodyEntryRow } from '../db/custody-log.ts';
import { decisionRecordOf, listDecisionsAfter } from '../db/match-decisions.ts';
import type { Db } from '../db/open-db.ts';
import { eventRecordOf, listReportEventsByIds } from '../db/report-events.ts';
import { custodyPublicKey, checkConsistency } from './custody-log.ts';
import { rootOfLeaves, subtreeHash, type TreeReader } from './custody/merkle-tree.ts';
import { hashLeaf, verifyTreeHead } from './evidence-verify/verify-package.mjs';
import type { CaptureFileStore } from './evidence/capture-file-store.ts';

/**
 * `copyhound log verify`: recomputes the custody log from its stored entries and checks it
 * against everything that vouches for it — each leaf's hash, the stored tiles, every signed tree
 * head (root and signature), consistency between consecutive heads — and each entry against the
 * record it vouches for (the report event, the decision as it stands, the capture's WARC file, the
 * rendered view). Names the first entry that does not match, and every problem found. A capture
 * removed by `captures prune` is accepted without its row and file when a later `capture_pruned`
 * entry (its tombstone) records the same file digest; a tombstone whose capture is still there,
 * or that names no matching capture entry, is a problem.
 */

// Entries read per query: a bounded page of a log that may hold millions.
const PAGE = 5000;
// Problems listed one by one; past this, counted (a rewritten log would list every entry).
const MAX_LISTED_PROBLEMS = 50;

export interface LogVerification {
  entries: number;
  tiles: number;
  treeHeads: number;
  recordsChecked: number;
  filesChecked: number;
  /** Capture entries whose capture was removed under a capture_pruned tombstone (accepted). */
  capturesPruned: number;
  /** The lowest entry index named by a problem, or null when the log verifies. */
  firstBadEntry: number | null;
  problems: string[];
  problemCount: number;
}

interface Walk {
  result: LogVerification;
  leafHashes: Buffer;
}

function addProblem(walk: Walk, message: string, entry?: number): void {
  const r = walk.result;
  r.problemCount++;
  if (r.problems.length < MAX_LISTED_PROBLEMS) r.problems.push(message);
  if (entry !== undefined && (r.firstBadEntry === null || entry < r.firstBadEntry)) r.firstBadEntry = entry;
}

function describe(e: CustodyEntryRow): string {
  return `entry ${e.id - 1} (${e.type} ${e.refId}, ${e.at})`;
}

/** Each entry of the page against its leaf text and against the record it vouches for. */
async function checkPage(db: Db, files: CaptureFileStore, entries: CustodyEntryRow[], walk: Walk, expectId: number): Promise<number> {
  const events = new Map((await listReportEventsByIds(db, entries.filter((e) => e.type === 'report_event').map((e) => e.refId))).map((ev) => [ev.id, ev]));
  const captures = new Map((await findCapturesByIds(db, entries.filter((e) => e.type === 'capture' || e.type === 'capture_pruned').map((e) => e.refId))).map((c) => [c.id, c]));
  const renders = new Map((await findRendersByIds(db, entries.filter((e) => e.type === 'render').map((e) => e.refId))).map((r) => [r.id, r]));
  for (const e of entries) {
    for (; expectId < e.id; expectId++) addProblem(walk, `entry ${expectId - 1} is missing: its row was deleted`, expectId - 1);
    expectId = e.id + 1;
    const index = e.id - 1;
    const recomputed = hashLeaf(e.leaf);
    recomputed.copy(walk.leafHashes, index * 32);
    if (recomputed.toString('hex') !== e.leafHash) addProblem(walk, `${describe(e)}: its stored leaf hash does not match its leaf text (edited)`, index);
    let leaf: { type?: string; id?: number; at?: string; sha256?: string };
    try {
      leaf = JSON.parse(e.leaf) as typeof leaf;
    } catch {
      addProblem(walk, `${describe(e)}: its leaf text is not JSON`, index);
      continue;
    }
    if (leaf.type !== e.type || leaf.id !== e.refId || leaf.at !== e.at) addProblem(walk, `${describe(e)}: its leaf says ${leaf.type} ${leaf.id} at ${leaf.at}`, index);
    if (e.type === 'capture_pruned') {
      await checkTombstone(db, e, leaf as PrunedLeaf, captures.has(e.refId), walk);
      continue;
    }
    if (e.type === 'capture' && !captures.has(e.refId) && await acceptPruned(db, e, leaf.sha256, walk)) continue;
    const expected = await expectedDigest(files, e, events, captures, renders, walk);
    if (expected === undefined) continue;
    if (expected === null) addProblem(walk, `${describe(e)}: the ${e.type.replace('_', ' ')} it vouches for is gone`, index);
    else if (expected !== leaf.sha256) addProblem(walk, `${describe(e)}: the ${e.type.replace('_', ' ')} no longer matches what was logged (sha256 ${expected}, logged ${leaf.sha256})`, index);
  }
  return expectId;
}

/** The fields a capture_pruned leaf carries (src/capture-retention.ts). */
interface PrunedLeaf {
  sha256?: string;
  /** Tree index of the capture's own entry; null for a capture stored before the log existed. */
  captureEntry?: number | null;
}

/** The leaf of an entry, parsed (entries are checked as JSON where they are walked). */
function leafOf(e: CustodyEntryRow): { type?: string; id?: number; sha256?: string } | undefined {
  try {
    return JSON.parse(e.leaf) as { type?: string; id?: number; sha256?: string };
  } catch {
    return undefined;
  }
}

/**
 * A capture entry whose row is gone: accepted when a later capture_pruned entry for it records
 * the digest this entry logged (capture ids are AUTOINCREMENT, never reused, so the id names one
 * capture for good). False when there is no tombstone: the caller reports the capture gone.
 */
async function acceptPruned(db: Db, e: CustodyEntryRow, logged: string | undefined, walk: Walk): Promise<boolean> {
  const tombstone = (await findCustodyEntriesFor(db, 'capture_pruned', e.refId)).find((t) => t.id > e.id);
  if (!tombstone) return false;
  walk.result.capturesPruned++;
  const recorded = leafOf(tombstone)?.sha256;
  if (recorded !== logged) addProblem(walk, `${describe(e)}: pruned under entry ${tombstone.id - 1}, which records sha256 ${recorded}, not the logged ${logged}`, e.id - 1);
  return true;
}

/** A capture_pruned entry: its capture's row must be gone, and the capture entry it names must be that capture's, with the same digest. */
async function checkTombstone(db: Db, e: CustodyEntryRow, leaf: PrunedLeaf, rowStillThere: boolean, walk: Walk): Promise<void> {
  const index = e.id - 1;
  walk.result.recordsChecked++;
  if (rowStillThere) addProblem(walk, `${describe(e)}: logs capture ${e.refId} as pruned, but its row is still there`, index);
  const named = leaf.captureEntry;
  if (named === null || named === undefined) {
    // A capture older than the log has no entry to name; one that has an entry must name it.
    if ((await findCustodyEntriesFor(db, 'capture', e.refId)).some((c) => c.id < e.id)) addProblem(walk, `${describe(e)}: names no capture entry, but capture ${e.refId} has one`, index);
    return;
  }
  const entry = typeof named === 'number' && named < index ? await findCustodyEntry(db, named) : undefined;
  const logged = entry ? leafOf(entry) : undefined;
  if (!logged || logged.type !== 'capture' || logged.id !== e.refId) addProblem(walk, `${describe(e)}: names entry ${named}, which is not an earlier entry of capture ${e.refId}`, index);
  else if (logged.sha256 !== leaf.sha256) addProblem(walk, `${describe(e)}: records sha256 ${leaf.sha256}, but entry ${named} logged ${logged.sha256}`, index);
}

/** The digest the entry should hold, from the record as it is now; null when the record is gone, undefined when not checked here. */
async function expectedDigest(
  files: CaptureFileStore,
  e: CustodyEntryRow,
  events: Map<number, Awaited<ReturnType<typeof listReportEventsByIds>>[number]>,
  captures: Map<number, Awaited<ReturnType<typeof findCapturesByIds>>[number]>,
  renders: Map<number, Awaited<ReturnType<typeof findRendersByIds>>[number]>,
  walk: Walk,
): Promise<string | null | undefined> {
  if (e.type === 'report_event') {
    const event = events.get(e.refId);
    walk.result.recordsChecked++;
    return event ? digestRecord(eventRecordOf(event)) : null;
  }
  if (e.type === 'capture' || e.type === 'render') {
    const path = e.type === 'capture' ? captures.get(e.refId)?.warcPath : renders.get(e.refId)?.path;
    walk.result.filesChecked++;
    return path ? files.sha256Of(path) : null;
  }
  // A decision is checked once per match, against its latest entry (checkDecisions): the row
  // is rewritten in place when the decision changes, and older entries vouch for history.
  return undefined;
}

/** Every stored decision against the entry its row names. */
async function checkDecisions(db: Db, walk: Walk): Promise<void> {
  for (let after = 0; ; ) {
    const rows = await listDecisionsAfter(db, after, PAGE);
    if (rows.length === 0) return;
    for (const row of rows) {
      after = row.matchId;
      if (row.custodyIndex === null) continue;
      walk.result.recordsChecked++;
      const leaf = (await findCustodyEntry(db, row.custodyIndex))?.leaf;
      const logged = leaf ? (JSON.parse(leaf) as { type?: string; id?: number; sha256?: string }) : undefined;
      if (!logged || logged.type !== 'decision' || logged.id !== row.matchId) {
        addProblem(walk, `match ${row.matchId}: its decision names custody entry ${row.custodyIndex}, which is not this decision's`, row.custodyIndex);
      } else if (logged.sha256 !== digestRecord(decisionRecordOf(row.matchId, row))) {
        addProblem(walk, `entry ${row.custodyIndex} (decision on match ${row.matchId}): the decision no longer matches what was logged`, row.custodyIndex);
      }
    }
  }
}

/** `files`: where the logged WARC files and renders are (the app's captureFiles). */
export async function verifyCustodyLog(db: Db, files: CaptureFileStore, onProgress?: (done: number) => void): Promise<LogVerification> {
  const result: LogVerification = { entries: 0, tiles: 0, treeHeads: 0, recordsChecked: 0, filesChecked: 0, capturesPruned: 0, firstBadEntry: null, problems: [], problemCount: 0 };
  // The highest row id: a deleted last entry shows against the signed heads (they counted it).
  const last = await countCustodyEntries(db);
  const walk: Walk = { result, leafHashes: Buffer.alloc(last * 32) };
  let expectId = 1;
  for (let after = 0; ; ) {
    const page = await listCustodyEntriesAfter(db, after, PAGE);
    if (page.length === 0) break;
    expectId = await checkPage(db, files, page, walk, expectId);
    after = page.at(-1)!.id;
    result.entries += page.length;
    onProgress?.(result.entries);
  }
  await checkDecisions(db, walk);
  const reader = memoryReader(walk.leafHashes, last);
  await checkTiles(db, walk, last);
  await checkTreeHeads(db, walk, reader);
  return result;
}

/** A tree reader over the recomputed leaf hashes (index i at bytes 32i..32i+31). */
function memoryReader(hashes: Buffer, size: number): TreeReader {
  const leafHashes = (from: number, to: number) => {
    const out: Buffer[] = [];
    for (let i = from; i < Math.min(to, size); i++) out.push(hashes.subarray(i * 32, i * 32 + 32));
    return out;
  };
  const tileCache = new Map<number, Buffer>();
  return {
    tileLeaves: TILE_LEAVES,
    leafHashes,
    tileHashes(from, to) {
      const out: Buffer[] = [];
      for (let t = from; t < to; t++) {
        let h = tileCache.get(t);
        if (!h) tileCache.set(t, (h = rootOfLeaves(leafHashes(t * TILE_LEAVES, (t + 1) * TILE_LEAVES))));
        out.push(h);
      }
      return out;
    },
  };
}

/** Stored tiles against the recomputed entries (a tile rewritten to hide an edit shows here). */
async function checkTiles(db: Db, walk: Walk, size: number): Promise<void> {
  const complete = Math.floor(size / TILE_LEAVES);
  const reader = memoryReader(walk.leafHashes, size);
  let expected = 0;
  for (let after = -1; ; ) {
    const tiles = await listTileHashesAfter(db, after, PAGE);
    if (tiles.length === 0) break;
    for (const tile of tiles) {
      after = tile.id;
      walk.result.tiles++;
      for (; expected < tile.id; expected++) addProblem(walk, `tile ${expected} (entries ${expected * TILE_LEAVES}–${(expected + 1) * TILE_LEAVES - 1}) is missing`);
      expected = tile.id + 1;
      if (tile.id >= complete) addProblem(walk, `tile ${tile.id} covers entries the log does not hold`);
      else if ((await reader.tileHashes(tile.id, tile.id + 1))[0].toString('hex') !== tile.hash) addProblem(walk, `tile ${tile.id} (entries ${tile.id * TILE_LEAVES}–${(tile.id + 1) * TILE_LEAVES - 1}) does not match its entries`);
    }
  }
  for (; expected < complete; expected++) addProblem(walk, `tile ${expected} (entries ${expected * TILE_LEAVES}–${(expected + 1) * TILE_LEAVES - 1}) is missing`);
}

/** Every signed head: its signature, its root against the recomputed tree, and consistency with the one before. */
async function checkTreeHeads(db: Db, walk: Walk, reader: TreeReader): Promise<void> {
  const heads = await listTreeHeads(db);
  const { publicKeyPem } = heads.length > 0 ? await custodyPublicKey(db) : { publicKeyPem: '' };
  let previous: (typeof heads)[number] | undefined;
  for (const head of heads) {
    walk.result.treeHeads++;
    const name = `tree head #${head.id} (size ${head.size}, ${head.timestamp})`;
    if (!verifyTreeHead(head, publicKeyPem)) addProblem(walk, `${name}: its signature does not verify with this installation's key`);
    if (head.size > walk.result.entries) addProblem(walk, `${name}: the log holds only ${walk.result.entries} entries`);
    else if ((await subtreeHash(reader, 0, head.size)).toString('hex') !== head.rootHash) addProblem(walk, `${name}: the log's first ${head.size} entries no longer give its signed root: history was rewritten`);
    if (previous && previous.size <= head.size && head.size <= walk.result.entries) {
      // Proved from the stored tiles and entries, as anyone asking for a proof would get it.
      try {
        if (!(await checkConsistency(db, previous, head)).consistent) addProblem(walk, `${name}: not consistent with tree head #${previous.id} (size ${previous.size}): the log no longer extends it`);
      } catch (error) {
        addProblem(walk, `${name}: no consistency proof from tree head #${previous.id}: ${(error as Error).message}`);
      }
    }
    previous = head;
  }
}
