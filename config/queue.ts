import { z } from 'zod';
import { defineSetting, envInt } from './define.ts';

/** The crawl job queue and its workers: PostgreSQL only (`copyhound worker`). */
export const queueSettings = {
  // Empty: "<the installation's schema>_jobs", so installations sharing a database keep their queues apart.
  schema: defineSetting(
    'COPYHOUND_QUEUE_SCHEMA',
    z.union([z.literal(''), z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case schema name')]),
    '',
    'PostgreSQL schema of the job queue (pg-boss); empty: the installation schema followed by _jobs.',
  ),
  // Eight pages in flight per worker: fetches wait on the network; more processes add more.
  concurrency: defineSetting('COPYHOUND_WORKER_CONCURRENCY', envInt(1, 256), 8, 'Page jobs one `copyhound worker` runs at once (--concurrency overrides).'),
  // 15 minutes outlasts any fetch (at most 10 min) plus extraction: a live worker never loses its job.
  pageLeaseSeconds: defineSetting('COPYHOUND_QUEUE_PAGE_LEASE_SECONDS', envInt(5, 86_400), 900, "How long a page job may run before it is given to another worker (a dead worker's jobs come back after this)."),
  // A minute before a failed page is tried again, doubling each time (pg-boss's backoff).
  retryDelaySeconds: defineSetting('COPYHOUND_QUEUE_RETRY_DELAY_SECONDS', envInt(1, 86_400), 60, 'Wait before a failed (or abandoned) page job is tried again, doubling per attempt (s).'),
  // 60 s: how much later than its lease a dead worker's job is noticed; pg-boss's own default.
  maintenanceSeconds: defineSetting('COPYHOUND_QUEUE_MAINTENANCE_SECONDS', envInt(1, 3600), 60, 'How often expired leases are looked for (s).'),
  // 2 s: an idle worker's query rate stays negligible; a busy one asks again at once.
  pollSeconds: defineSetting('COPYHOUND_QUEUE_POLL_SECONDS', envInt(1, 600), 2, 'How often an idle worker asks for a job (s).'),
};
