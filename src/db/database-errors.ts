import { AppError } from '../errors.ts';

/** What a client is told to wait before trying again while the database is away (the gate probes far more often). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** postgres.js and socket codes that mean the connection to the server is gone or cannot be made. */
const CONNECTION_LOSS_CODES = new Set([
  'CONNECTION_ENDED', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now (starting up), too many connections.
  '57P01', '57P02', '57P03', '53300',
]);

/** Codes that mean "not reachable right now", not "the query was wrong": the above, plus a statement timeout. */
const UNAVAILABLE_CODES = new Set([...CONNECTION_LOSS_CODES, '57014']);

/** The driver code of `error`, searched through drizzle's cause chain. */
function codeIn(error: unknown, codes: Set<string>): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && codes.has(e.code)) return true;
  }
  return false;
}

/** Whether `error` says the server is gone (the outage gate closes on these), as opposed to one slow query. */
export const isConnectionLoss = (error: unknown): boolean => !(error instanceof AppError) && codeIn(error, CONNECTION_LOSS_CODES);

/** The one answer to a database outage: 503 DATABASE_UNAVAILABLE with Retry-After. */
export function databaseUnavailable(message = 'The database is not reachable right now; try again shortly.', cause?: unknown): AppError {
  return new AppError('DATABASE_UNAVAILABLE', message, { cause, retryAfter: DATABASE_RETRY_AFTER_SECONDS });
}

/**
 * A database outage becomes DATABASE_UNAVAILABLE (503, Retry-After) so clients retry instead of
 * reporting a bug. drizzle wraps what the driver (or the outage gate) threw in its own "Failed
 * query" error, so the cause chain is searched.
 */
export function asDatabaseOutage(error: unknown): unknown {
  if (error instanceof AppError) return error;
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (e instanceof AppError && e.code === 'DATABASE_UNAVAILABLE') return e;
  }
  return codeIn(error, UNAVAILABLE_CODES) ? databaseUnavailable(undefined, error) : error;
}
