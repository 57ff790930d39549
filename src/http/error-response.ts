import type { Context } from 'hono';
import { AppError, statusOf, toErrorBody } from '../errors.ts';
import { asDatabaseOutage } from '../db/database-errors.ts';
import { describeInternalError, type Logger } from '../log.ts';

/** Logs an error the way DESIGN.md asks: code and message; unknown errors in full, masked to the client. */
export function logError(logger: Logger, error: unknown, fields: Record<string, unknown> = {}): void {
  if (error instanceof AppError) {
    const level = error.status >= 500 ? 'error' : 'warn';
    logger[level]('request.error', { ...fields, code: error.code, message: error.message });
  } else {
    logger.error('request.internal_error', { ...fields, error: describeInternalError(error) });
  }
}

/** The JSON answer for any error: `{"error": {code, message, details?}}` with the status of its code. */
export function errorResponse(c: Context, thrown: unknown, logger: Logger): Response {
  const error = asDatabaseOutage(thrown);
  logError(logger, error, { method: c.req.method, path: c.req.path });
  if (error instanceof AppError && error.retryAfter !== undefined) c.header('Retry-After', String(Math.ceil(error.retryAfter)));
  return c.json({ error: toErrorBody(error) }, statusOf(error) as 400);
}
