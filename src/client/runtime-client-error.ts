/**
 * What the runtime client throws when a request itself fails: a non-2xx answer (its JSON
 * `{error: {code, message, details?}}`), a connection that could not be made or broke, or an
 * answer that does not follow the contract. A failed tool run or an SSE `error` event is data,
 * not this error.
 */
export class RuntimeClientError extends Error {
  override name = 'RuntimeClientError';
  /** HTTP status of the answer; 0 when there was no answer (network failure, broken stream). */
  readonly status: number;
  /** The server's stable code (`UNAUTHORIZED`, `NOT_FOUND`, …) or one of the client's own: `NETWORK_ERROR`, `STREAM_INTERRUPTED`, `INVALID_EVENT`, `UNEXPECTED_RESPONSE`. */
  readonly code: string;
  readonly details?: Record<string, unknown>;
  /** Seconds to wait before trying again, from `Retry-After` (429/503). */
  readonly retryAfter?: number;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; retryAfter?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }
}

/** Reads a non-2xx answer into a `RuntimeClientError`; a body that is not the contract's JSON still gives one. */
export async function errorFromResponse(response: Response): Promise<RuntimeClientError> {
  const text = await response.text().catch(() => '');
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry >= 0 && response.headers.has('retry-after') ? retry : undefined;
  const error = errorBodyOf(parseJson(text));
  if (error) return new RuntimeClientError(response.status, error.code, error.message, { details: error.details, retryAfter });
  const message = `The runtime answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
  return new RuntimeClientError(response.status, `HTTP_${response.status}`, message, { retryAfter });
}

/** The `{code, message, details?}` inside an error answer, if it has one. */
export function errorBodyOf(body: unknown): { code: string; message: string; details?: Record<string, unknown> } | undefined {
  const error = (body as { error?: unknown } | undefined)?.error as Record<string, unknown> | undefined;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return undefined;
  const details = typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
  return { code: error.code, message: error.message, ...(details ? { details } : {}) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
