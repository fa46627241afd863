import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/open-db.ts';
import { CHECKPOINT_POLL_MS } from '../../db/wal-checkpointer.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

// Transactions of ~2 MB each, with pauses longer than the checkpoint thread's poll between them.
const TRANSACTIONS = 12;
const ROWS_PER_TRANSACTION = 500;
const ROW_BYTES = 4000;

function clientOf(database: OpenDatabase) {
  return (database.db as unknown as { $client: import('better-sqlite3').Database }).$client;
}

/** Writes ~24 MB in separate transactions, pausing between them; returns the largest log seen. */
async function writeInBursts(database: OpenDatabase, path: string): Promise<number> {
  const client = clientOf(database);
  client.exec('create table if not exists blobs (id integer primary key, body text not null)');
  const insert = client.prepare('insert into blobs (body) values (?)');
  const body = 'x'.repeat(ROW_BYTES);
  let largest = 0;
  for (let t = 0; t < TRANSACTIONS; t++) {
    client.transaction(() => {
      for (let i = 0; i < ROWS_PER_TRANSACTION; i++) insert.run(body);
    }).immediate();
    largest = Math.max(largest, statSync(`${path}-wal`).size);
    await sleep(CHECKPOINT_POLL_MS * 2);
  }
  return largest;
}

describe('background WAL checkpoint (db/wal-checkpointer.ts)', () => {
  const tempDir = useTempDir();

  it('keeps the log small while commits skip the checkpoint, and the last close removes it', { timeout: 60_000 }, async () => {
    const path = join(tempDir(), 'c.db');
    const database = openDatabase({ path, busyTimeoutMs: 5000, checkpointInBackground: true });
    expect(clientOf(database).pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const largest = await writeInBursts(database, path);
    // Each burst is ~2 MB; the thread copies it back and the next writer starts the log over.
    expect(largest).toBeLessThan(8 * 1024 * 1024);
    await database.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = openDatabase({ path, busyTimeoutMs: 5000 });
    expect(clientOf(reopened).prepare('select count(*) from blobs').pluck().get()).toBe(TRANSACTIONS * ROWS_PER_TRANSACTION);
    await reopened.close();
  });

  it('without the thread and without SQLite\'s own checkpoint the same writes grow the log (the check above can fail)', { timeout: 60_000 }, async () => {
    const path = join(tempDir(), 'c.db');
    const database = openDatabase({ path, busyTimeoutMs: 5000 });
    clientOf(database).pragma('wal_autocheckpoint = 0');
    const largest = await writeInBursts(database, path);
    expect(largest).toBeGreaterThan(20 * 1024 * 1024);
    await database.close();
  });

  it('leaves an in-memory database and a plain open alone', async () => {
    const memory = openDatabase({ path: ':memory:', busyTimeoutMs: 5000, checkpointInBackground: true });
    // No thread for a database without a file: SQLite's own setting is left as it was.
    expect(clientOf(memory).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await memory.close();
    const path = join(tempDir(), 'plain.db');
    const plain = openDatabase({ path, busyTimeoutMs: 5000 });
    expect(clientOf(plain).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await plain.close();
  });
});
