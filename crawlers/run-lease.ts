import { hostname } from 'node:os';
import { claimRun, releaseLease, renewLease, type CrawlRunRow, type LeaseHolderState } from '../db/crawl-state.ts';
import { startLeaseHeartbeat } from '../db/lease-heartbeat.ts';
import type { SourceRow } from '../db/schema/sources.ts';
import type { App } from '../src/app.ts';

// A run's lease is renewed every third of this while it works; a process that died without
// releasing it (on another host, where we cannot see its pid) blocks the source this long at most.
export const RUN_LEASE_MS = 60_000;

/** This process, as named in run leases. */
const LEASE_OWNER = `${hostname()}:${process.pid}`;

/**
 * What a lease holder named "host:pid" is doing: on this host its pid tells whether it is alive
 * (a SIGKILLed process holds nothing); on another host we cannot see, only its lease expiry tells.
 */
export function describeLeaseHolder(owner: string): LeaseHolderState {
  const at = owner.lastIndexOf(':');
  if (at < 0 || owner.slice(0, at) !== hostname()) return 'unknown';
  const pid = Number(owner.slice(at + 1));
  if (!Number.isInteger(pid) || pid <= 0) return 'unknown';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive';
  }
}

export interface RunLease {
  owner: string;
  /** Called when the lease turns out to be someone else's: the run stops at once. */
  lose(): void;
}

export interface HeldRun {
  run: CrawlRunRow;
  resumed: boolean;
  lease: RunLease;
  /** Aborted when another process took the run over. */
  lost: AbortSignal;
  /** Stops the heartbeat and frees the lease (the next process may resume at once). */
  release(): Promise<void>;
}

/**
 * Claims the source's run for this process and keeps its lease fresh until released; undefined
 * when another live process holds it.
 */
export async function claimRunLease(app: App, source: SourceRow, clock: () => Date): Promise<HeldRun | undefined> {
  const db = app.database.db;
  const now = clock();
  const leaseEnd = new Date(now.getTime() + RUN_LEASE_MS).toISOString();
  const claim = await claimRun(db, source.id, LEASE_OWNER, now.toISOString(), leaseEnd, describeLeaseHolder);
  if (!claim) return undefined;
  const log = app.logger.child({ source: source.name, sourceId: source.id, runId: claim.run.id });
  const lost = new AbortController();
  const lease: RunLease = {
    owner: LEASE_OWNER,
    lose() {
      if (lost.signal.aborted) return;
      log.warn('crawl run taken over by another process; this process stops working on it');
      lost.abort();
    },
  };
  const heartbeat = startHeartbeat(app, claim.run.id, () => lease.lose(), (message) => log.warn({ err: message }, 'lease renewal failed'));
  return {
    ...claim,
    lease,
    lost: lost.signal,
    async release() {
      await heartbeat.stop();
      await releaseLease(db, claim.run.id, LEASE_OWNER);
    },
  };
}

/** Lease renewal in its own thread and connection (PostgreSQL, or a SQLite file), else on this thread. */
function startHeartbeat(app: App, runId: number, onLost: () => void, onError: (message: string) => void): { stop(): Promise<void> } {
  if (app.database.pgUrl) {
    return startLeaseHeartbeat({ pgUrl: app.database.pgUrl, busyTimeoutMs: app.config.db.busyTimeoutMs, runId, owner: LEASE_OWNER, leaseMs: RUN_LEASE_MS, onLost, onError });
  }
  const path = app.database.path;
  if (path !== ':memory:' && path !== '') {
    return startLeaseHeartbeat({ dbPath: path, busyTimeoutMs: app.config.db.busyTimeoutMs, runId, owner: LEASE_OWNER, leaseMs: RUN_LEASE_MS, onLost, onError });
  }
  const timer = setInterval(() => {
    renewLease(app.database.db, runId, LEASE_OWNER, new Date(Date.now() + RUN_LEASE_MS).toISOString()).then(
      (renewed) => (renewed ? undefined : onLost()),
      (error: unknown) => onError((error as Error).message),
    );
  }, RUN_LEASE_MS / 3);
  timer.unref();
  return { stop: async () => clearInterval(timer) };
}
