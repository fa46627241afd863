/**
 * The one error the render leaf throws. `reason` is stable (for API answers, logs and retries);
 * the message says what failed and what to do about it.
 */
export type RenderErrorReason =
  /** No executable at chromiumPath: install Debian's chromium or point the config elsewhere. */
  | 'browser_missing'
  /** The executable is there but the browser did not start (or died while starting). */
  | 'browser_launch_failed'
  /** The whole render (queue, launch, load, screenshot, PDF) did not finish within timeoutMs. */
  | 'render_timeout'
  /** Chromium failed while loading or painting the page (or crashed). */
  | 'render_failed'
  /** The input is malformed: a URL, a content type, a viewport, a timeout. */
  | 'input_invalid'
  /** The HTML or the resources are above the caps. */
  | 'input_too_large'
  /** render() after close(), or close() while the render was running. */
  | 'renderer_closed';

export class RenderError extends Error {
  readonly reason: RenderErrorReason;
  constructor(reason: RenderErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderError';
    this.reason = reason;
  }
}

/** The message for a missing browser names both ways out (the config variable is read elsewhere). */
export function describeMissingBrowser(chromiumPath: string): string {
  return (
    `Chromium not found at ${chromiumPath}; install Debian's chromium package (apt-get install chromium) ` +
    'or set COPYHOUND_CHROMIUM_PATH'
  );
}

/** Playwright's messages carry a multi-line call log; the first line says what went wrong. */
export function firstLineOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').find((part) => part.trim() !== '') ?? 'unknown error';
  return line.trim().slice(0, MAX_CAUSE_CHARS);
}

/** Enough for any Chromium net error or Playwright summary line; a hostile URL inside is cut. */
const MAX_CAUSE_CHARS = 500;
