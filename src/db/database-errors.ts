import { AppError } from '../errors.ts';

/** postgres.js and socket codes that mean "the database is not reachable", not "the query was wrong". */
const UNAVAILABLE_CODES = new Set([
  'CONNECTION_ENDED', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND',
  // PostgreSQL: admin shutdown, crash shutdown, cannot connect now, too many connections, statement timeout.
  '57P01', '57P02', '57P03', '53300', '57014',
]);

/**
 * A database outage becomes DATABASE_UNAVAILABLE (503, Retry-After) so clients retry instead of
 * reporting a bug; drizzle wraps driver errors, so the cause chain is searched.
 */
export function asDatabaseOutage(error: unknown): unknown {
  if (error instanceof AppError) return error;
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) {
      return new AppError('DATABASE_UNAVAILABLE', 'The database is not reachable right now; try again shortly.', { cause: error, retryAfter: 5 });
    }
  }
  return error;
}
