import { Worker } from 'node:worker_threads';

/**
 * Checkpoints a database's write-ahead log from a worker thread with its own connection.
 *
 * By default SQLite checkpoints inside the commit that pushes the log past 1000 pages: the
 * writer that happens to cross the line pays for copying everything back (about 1 s after a
 * consent change that re-decides 10,000 matches, on the thread that serves the API). With this
 * running the writing connection turns its automatic checkpoint off and this thread does the
 * copying in the background; if the thread fails, the connection turns it back on.
 */
export interface WalCheckpointer {
  /**
   * Stops the thread and waits (synchronously, up to STOP_WAIT_MS) until its connection is
   * closed; the caller then closes its own, the last one, as usual.
   */
  stop(): void;
}

export interface WalCheckpointerOptions {
  dbPath: string;
  busyTimeoutMs: number;
  /** Called when the thread fails: the caller restores SQLite's own automatic checkpoint. */
  onFailed(message: string): void;
}

// How often the thread looks for new log pages: often enough that the log stays small between
// commits (a crawl commits several times a second), rare enough to cost nothing while idle.
export const CHECKPOINT_POLL_MS = 200;

// The thread's JavaScript heap: it runs a pragma on a timer and nothing else.
const WORKER_HEAP_MB = 8;

// A checkpoint of a large log can take a second or two; stopping waits for it, not forever.
const STOP_WAIT_MS = 10_000;

export function startWalCheckpointer(options: WalCheckpointerOptions): WalCheckpointer {
  const stopped = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
    workerData: { dbPath: options.dbPath, busyTimeoutMs: options.busyTimeoutMs, pollMs: CHECKPOINT_POLL_MS, stopped },
    // It holds one statement's worth of objects: a small heap keeps the process's footprint down.
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 1 },
  });
  // Never holds a process open on its own.
  worker.unref();
  let stopping = false;
  const fail = (message: string) => {
    if (!stopping) options.onFailed(message);
  };
  worker.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'error') fail(message.message ?? 'checkpoint failed');
  });
  worker.on('error', (error) => fail(error.message));
  let exited = false;
  worker.once('exit', (code) => {
    exited = true;
    if (code !== 0) fail(`checkpoint thread exited with code ${code}`);
  });
  return {
    stop() {
      if (stopping || exited) return;
      stopping = true;
      worker.postMessage('stop');
      // A thread that is still starting has no connection yet; it reads the message once it has.
      Atomics.wait(stopped, 0, 0, STOP_WAIT_MS);
    },
  };
}
