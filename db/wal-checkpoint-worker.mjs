// Copies the write-ahead log back into the database file from its own thread and connection, so
// the thread that writes never stops inside a commit to do it. Plain JavaScript: no TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { dbPath, busyTimeoutMs, pollMs, stopped } = workerData;
const db = new Database(dbPath, { timeout: busyTimeoutMs });
// A checkpoint copies log frames straight to the file; it needs no page cache of its own.
db.pragma('cache_size = -256');

function checkpoint() {
  try {
    // PASSIVE never waits for readers or the writer: it copies what it can now and tries again
    // on the next poll. With nothing new in the log it only reads the log's index (microseconds).
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error?.message ?? error) });
  }
}

const timer = setInterval(checkpoint, pollMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  // The owner waits for this (synchronously) before closing its own connection, so that one is
  // the last to close and SQLite's final checkpoint and log removal happen there, as without us.
  Atomics.store(stopped, 0, 1);
  Atomics.notify(stopped, 0);
  parentPort.close();
});
