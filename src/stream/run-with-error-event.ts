import type { Logger } from '../log.ts';
import type { EmitEvent } from './events.ts';
import { finalErrorBody } from './final-error.ts';

/** Runs a streamed run; a throw becomes its `error` event (final-error.ts), whichever encoder writes it. */
export async function runWithErrorEvent(logger: Logger, emit: EmitEvent, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (thrown) {
    emit({ type: 'error', data: finalErrorBody(thrown, logger) });
  }
}
