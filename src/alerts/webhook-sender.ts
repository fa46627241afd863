/**
 * Sends one webhook request: a POST with a time budget for the whole exchange, redirects not
 * followed (a receiver that moved must be reconfigured, not guessed at), and at most a few
 * kilobytes of the answer read, for the delivery log.
 */

// Enough of an error page to tell what went wrong; the rest is not read.
export const MAX_RESPONSE_BYTES = 4096;
// What the delivery log keeps of an error or answer.
export const MAX_ERROR_CHARS = 500;

export type WebhookOutcome = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborts the attempt (shutdown). */
  signal?: AbortSignal;
}

export async function sendWebhook(request: WebhookRequest): Promise<WebhookOutcome> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal });
  } catch (error) {
    return { ok: false, statusCode: null, error: describeFailure(error, timeout, request.timeoutMs) };
  }
  let answer: string;
  try {
    answer = await readBounded(response, MAX_RESPONSE_BYTES);
  } catch (error) {
    // The status arrived; a body cut off by the time budget does not undo a 2xx.
    if (response.ok) return { ok: true, statusCode: response.status };
    return { ok: false, statusCode: response.status, error: `HTTP ${response.status}; ${describeFailure(error, timeout, request.timeoutMs)}` };
  }
  if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status };
  const detail = answer.replace(/[\s\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').trim();
  return { ok: false, statusCode: response.status, error: clip(`HTTP ${response.status}${detail ? `: ${detail}` : ''}`) };
}

/** Up to `limit` bytes of the body as text; the rest is cancelled unread. */
async function readBounded(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describeFailure(error: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return clip(`${cause.code}${cause.message ? `: ${cause.message}` : ''}`);
  return clip((error as Error)?.message ?? String(error));
}

function clip(text: string): string {
  return text.length <= MAX_ERROR_CHARS ? text : `${text.slice(0, MAX_ERROR_CHARS - 1)}…`;
}
