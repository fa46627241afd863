/** At most `limit` renders at once; the others wait in order, each until its own signal aborts. */
export interface RenderSlots {
  /** Resolves with the slot's release function; rejects with the signal's reason on abort. */
  acquire(signal: AbortSignal): Promise<() => void>;
}

export function createRenderSlots(limit: number): RenderSlots {
  let busy = 0;
  const waiting: Array<() => void> = [];

  function release(): void {
    const next = waiting.shift();
    if (next !== undefined) next();
    else busy -= 1;
  }

  function releaseOnce(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  }

  function acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (busy < limit) {
      busy += 1;
      return Promise.resolve(releaseOnce());
    }
    return new Promise((resolve, reject) => {
      // The slot is handed over as it is (busy stays the same) to the first one waiting.
      const grant = () => {
        signal.removeEventListener('abort', giveUp);
        resolve(releaseOnce());
      };
      const giveUp = () => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        reject(signal.reason);
      };
      waiting.push(grant);
      signal.addEventListener('abort', giveUp, { once: true });
    });
  }

  return { acquire };
}
