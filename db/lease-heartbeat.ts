import { Worker } from 'node:worker_threads';

export interface LeaseHeartbeat {
  /** Stops renewing (the lease itself is released by the caller). */
  stop(): Promise<void>;
}

export interface LeaseHeartbeatOptions {
  /** The SQLite file, or (pgUrl) the PostgreSQL server to renew on. */
  dbPath?: string;
  pgUrl?: string;
  busyTimeoutMs: number;
  runId: number;
  owner: string;
  leaseMs: number;
  /** Another process took the run over: the caller must stop working on it. */
  onLost(): void;
  onError?(message: string): void;
}

/**
 * Keeps a run's lease fresh from a worker thread with its own database connection: page work on
 * the crawling thread (a long extraction, a large match) can no longer starve the heartbeat and
 * let a second process take over a run that is still alive.
 */
export function startLeaseHeartbeat(options: LeaseHeartbeatOptions): LeaseHeartbeat {
  const worker = new Worker(new URL('./lease-heartbeat-worker.mjs', import.meta.url), {
    workerData: { dbPath: options.dbPath, pgUrl: options.pgUrl, busyTimeoutMs: options.busyTimeoutMs, runId: options.runId, owner: options.owner, leaseMs: options.leaseMs },
  });
  worker.unref();
  worker.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'lost') options.onLost();
    else if (message.type === 'error') options.onError?.(message.message ?? '');
  });
  worker.on('error', (error) => options.onError?.(error.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Unref'd so it never holds a process open; while we wait for it to end, it must.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
