// Renews one crawl run's lease from its own thread and its own connection, so the lease stays
// fresh however busy the crawling thread is. Plain JavaScript: it needs no TypeScript loader.
// SQLite (dbPath) or PostgreSQL (pgUrl); each driver is loaded only when used.
import { parentPort, workerData } from 'node:worker_threads';

const { dbPath, pgUrl, busyTimeoutMs, runId, owner, leaseMs } = workerData;
const RENEW_SQL = 'update crawl_runs set lease_until = ? where id = ? and lease_owner = ?';

/** The renewal on this thread's own connection: answers how many rows it changed. */
async function connect() {
  if (pgUrl) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: pgUrl, application_name: 'copyhound lease heartbeat' });
    // A dropped connection is reported by the next beat's failure, not thrown from the emitter.
    client.on('error', () => {});
    await client.connect();
    return {
      renew: async (until) => (await client.query('update crawl_runs set lease_until = $1 where id = $2 and lease_owner = $3', [until, runId, owner])).rowCount ?? 0,
      close: () => client.end().catch(() => {}),
    };
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(dbPath, { timeout: busyTimeoutMs });
  const statement = db.prepare(RENEW_SQL);
  return { renew: async (until) => statement.run(until, runId, owner).changes, close: async () => db.close() };
}

const connection = await connect();
let timer;

async function beat() {
  try {
    const held = (await connection.renew(new Date(Date.now() + leaseMs).toISOString())) === 1;
    if (!held) {
      parentPort.postMessage({ type: 'lost' });
      await stop();
    }
  } catch (error) {
    // A busy database delays one beat; the lease outlasts two more (renewed every third of it).
    parentPort.postMessage({ type: 'error', message: String(error?.message ?? error) });
  }
}

async function stop() {
  clearInterval(timer);
  await connection.close();
  parentPort.close();
}
parentPort.on('message', (message) => {
  if (message === 'stop') void stop();
});
timer = setInterval(() => void beat(), Math.max(1, Math.floor(leaseMs / 3)));
await beat();
