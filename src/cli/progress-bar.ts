import type cliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import type { LogDestination } from '../log.ts';

// The bar library loads on the first bar (a terminal and a long command), not with every command.
const requireCliProgress = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress') as typeof cliProgress;

/**
 * A progress bar and log lines share stderr. A bar redraws its line in place, so a log line
 * written meanwhile would be drawn over or glued to it; instead the line goes above the bar:
 * the bar's line is cleared, the log line written, and the bar drawn again below it.
 */

type Stderr = NodeJS.WritableStream & { isTTY?: boolean };
type Bar = cliProgress.SingleBar & { isActive?: boolean; lastDrawnString?: string | null; render?: () => void };

const activeBars = new WeakMap<object, Bar>();
// Erases the current terminal line: carriage return, then clear to the end of the line.
const CLEAR_LINE = '\r\x1b[K';

/** The destination for the CLI's logger: stderr, with a running progress bar kept below the lines. */
export function createStderrLogDestination(stderr: Stderr): LogDestination {
  return {
    write(line: string) {
      const bar = activeBars.get(stderr);
      if (!bar?.isActive) return stderr.write(line);
      stderr.write(`${CLEAR_LINE}${line}`);
      // Forces the redraw: the bar only draws when its text changed since it last drew.
      bar.lastDrawnString = null;
      bar.render?.();
      return true;
    },
  };
}

/** A progress bar on stderr when it is a terminal (nothing otherwise), drawn below log lines. */
export function startProgressBar<P extends object>(stderr: Stderr, format: string, total: number, payload: P): cliProgress.SingleBar | undefined {
  if (!stderr.isTTY) return undefined;
  const { SingleBar, Presets } = requireCliProgress();
  const bar = new SingleBar({ stream: stderr as NodeJS.WriteStream, format, hideCursor: true }, Presets.shades_classic) as Bar;
  activeBars.set(stderr, bar);
  bar.start(total, 0, payload);
  return bar;
}
