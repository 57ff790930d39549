import { asDatabaseOutage } from '../db/database-errors.ts';
import { AppError, toErrorBody } from '../errors.ts';
import { describeInternalError, type Logger } from '../log.ts';

/** The `error` event's data for what a run threw: a stable code; a bug is masked and logged, never shown. */
export function finalErrorBody(thrown: unknown, logger: Logger) {
  const error = asDatabaseOutage(thrown);
  if (!(error instanceof AppError) || error.code === 'INTERNAL') {
    logger.error('stream.internal_error', { error: describeInternalError(error) });
  }
  return toErrorBody(error);
}
