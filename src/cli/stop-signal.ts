/**
 * Resolves with the first SIGTERM or SIGINT. Its listeners are removed then, so a second Ctrl-C
 * while a long-running command (serve, worker) finishes its work ends the process at once.
 */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
