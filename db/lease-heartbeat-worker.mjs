// Renews one crawl run's lease from its own thread and its own connection, so the lease stays
// fresh however busy the crawling thread is. Plain JavaScript: it needs no TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { dbPath, busyTimeoutMs, runId, owner, leaseMs } = workerData;
const db = new Database(dbPath, { timeout: busyTimeoutMs });
const renew = db.prepare('update crawl_runs set lease_until = ? where id = ? and lease_owner = ?');

function beat() {
  try {
    const held = renew.run(new Date(Date.now() + leaseMs).toISOString(), runId, owner).changes === 1;
    if (!held) {
      parentPort.postMessage({ type: 'lost' });
      stop();
    }
  } catch (error) {
    // A busy database delays one beat; the lease outlasts two more (renewed every third of it).
    parentPort.postMessage({ type: 'error', message: String(error?.message ?? error) });
  }
}

const timer = setInterval(beat, Math.max(1, Math.floor(leaseMs / 3)));
function stop() {
  clearInterval(timer);
  db.close();
  parentPort.close();
}
parentPort.on('message', (message) => {
  if (message === 'stop') stop();
});
beat();
