import { AppError, toErrorBody } from '../errors.ts';
import { asDatabaseOutage } from '../db/database-errors.ts';
import { describeInternalError, type Logger } from '../log.ts';
import type { EmitEvent } from './events.ts';

/**
 * Runs a streamed run; a throw becomes its `error` event, whichever encoder writes it: an AppError
 * says its code and message, anything else is masked as INTERNAL and logged (without bound values).
 */
export async function runWithErrorEvent(logger: Logger, emit: EmitEvent, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (thrown) {
    const error = asDatabaseOutage(thrown);
    if (!(error instanceof AppError) || error.code === 'INTERNAL') {
      logger.error('stream.internal_error', { error: describeInternalError(error) });
    }
    emit({ type: 'error', data: toErrorBody(error) });
  }
}
