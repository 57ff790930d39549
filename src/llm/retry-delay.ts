// When to ask the language model service again after a failed attempt, as the `openai` SDK decides it
// (its client.js shouldRetry / retryRequest, v6): the lean streamed request (./completion-stream.ts) keeps
// the SDK's retry behaviour without the SDK on the hot path.

/** Whether a failed answer is worth another attempt: the server's `x-should-retry`, else 408, 409, 429, 5xx. */
export function shouldRetryStatus(status: number, shouldRetryHeader: string | undefined): boolean {
  if (shouldRetryHeader === 'true') return true;
  if (shouldRetryHeader === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const MAX_HONOURED_MS = 60_000;

/**
 * The wait before the next attempt: `retry-after-ms`, else `Retry-After` (seconds or an HTTP date), when it
 * asks for less than a minute; else 0.5 s doubling per retry up to 8 s, minus up to 25% jitter.
 */
export function retryDelayMs(headers: { 'retry-after-ms'?: string; 'retry-after'?: string } | undefined, retriesLeft: number, maxRetries: number): number {
  let asked: number | undefined;
  const ms = headers?.['retry-after-ms'];
  if (ms !== undefined && !Number.isNaN(parseFloat(ms))) asked = parseFloat(ms);
  const after = headers?.['retry-after'];
  if (asked === undefined && after !== undefined) {
    const seconds = parseFloat(after);
    asked = Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
  }
  if (asked !== undefined && asked >= 0 && asked < MAX_HONOURED_MS) return asked;
  const retryNumber = maxRetries - retriesLeft;
  return Math.min(0.5 * 2 ** retryNumber, 8) * (1 - Math.random() * 0.25) * 1000;
}
