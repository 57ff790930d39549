/** Stable error codes every client can rely on (DESIGN.md), with their HTTP status. */
export const ERROR_STATUS = {
  UNAUTHORIZED: 401,
  INVALID_REQUEST: 400,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_PARAMS: 422,
  ZOHO_NOT_CONNECTED: 409,
  ZOHO_RECONNECT_REQUIRED: 409,
  ZOHO_PERMISSION_DENIED: 403,
  ZOHO_NOT_FOUND: 404,
  ZOHO_REJECTED: 400,
  ZOHO_RATE_LIMITED: 429,
  ZOHO_UNAVAILABLE: 502,
  ZOHO_NOT_CONFIGURED: 503,
  APPROVAL_INVALID: 409,
  REPAIR_NEEDS_APPROVAL: 409,
  RATE_LIMITED: 429,
  LLM_ERROR: 502,
  LLM_NOT_CONFIGURED: 503,
  DATABASE_UNAVAILABLE: 503,
  BROWSER_LOGIN_REQUIRED: 409,
  BROWSER_UNAVAILABLE: 503,
  BROWSER_NAVIGATION_REFUSED: 403,
  TIMEOUT: 504,
  ABORTED: 499,
  /** A resumed chat stream whose missed events are no longer all kept (past the per-run cap). */
  STREAM_NOT_RESUMABLE: 410,
  /** A resumed chat stream whose run stopped with its instance before it ended. */
  RUN_LOST: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
  /** Seconds a client should wait before trying again (429/503). */
  retryAfter?: number;
}

/** The one error type the runtime raises on purpose: a stable code and a message safe to show. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryAfter = options.retryAfter;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Turns any thrown value into the body a client sees; unknown errors are masked as INTERNAL. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  return { code: 'INTERNAL', message: 'Internal error; it has been logged.' };
}

/** The HTTP status for any thrown value. */
export function statusOf(error: unknown): number {
  return error instanceof AppError ? error.status : 500;
}
