import type PgBoss from 'pg-boss';
import { computeAdvisoryLockKey, takeSessionLock } from '../../db/pg/advisory-locks.ts';
import { ensureFetchOrderIndex } from '../../db/pg/crawl-queue-jobs.ts';
import { connectPgClient } from '../../db/pg/pg-connection.ts';
import type { Logger } from '../log.ts';

// Tries of the queues' set-up when PostgreSQL answers "deadlock detected" (it rolls one side back).
const SETUP_DEADLOCK_TRIES = 3;
const DEADLOCK_CODE = '40P01';

function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === DEADLOCK_CODE || e?.cause?.code === DEADLOCK_CODE;
}

/**
 * Starts pg-boss (installing or migrating its schema) and creates both queues with their policies,
 * one process at a time: creating a queue attaches a partition to pg-boss's job table, and two
 * processes doing that at once (workers started together on a new installation) deadlocked, seen
 * as a worker that never became ready. A session advisory lock on a connection of its own
 * serialises the set-up; a deadlock with another process's maintenance is still possible while a
 * queue is first created, so that is tried again. Then the index our fetches need
 * (db/pg/crawl-queue-jobs.ts ensureFetchOrderIndex) is made, once.
 */
export async function setUpQueues(boss: PgBoss, target: { connectionString: string; schema: string; queues: readonly (PgBoss.Queue & { name: string })[] }, logger: Logger | undefined): Promise<void> {
  const client = await connectPgClient({ connectionString: target.connectionString, applicationName: 'copyhound-queue-setup' }, (error) =>
    logger?.warn({ err: error }, 'crawl queue: set-up connection lost'),
  );
  const key = computeAdvisoryLockKey('copyhound.queue-setup', target.schema);
  try {
    await takeSessionLock(client, key);
    await boss.start();
    for (const queue of target.queues) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await boss.createQueue(queue.name, queue);
          // createQueue keeps an existing queue's settings; this applies the current ones.
          await boss.updateQueue(queue.name, queue);
          break;
        } catch (error) {
          if (!isDeadlock(error) || attempt >= SETUP_DEADLOCK_TRIES) throw error;
          logger?.warn({ queue: queue.name, attempt }, 'crawl queue: deadlock while creating the queue; trying again');
        }
      }
    }
    await ensureFetchOrderIndex(client, target.schema);
  } finally {
    // Ending the session releases the lock whatever happened above.
    await client.end().catch(() => undefined);
  }
}

