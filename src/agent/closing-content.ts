import { AppError, toErrorBody } from '../errors.ts';
import { wrapToolOutput } from './system-prompt.ts';

/** What the model reads for a call that ended without a result of its own, so no tool call is left unanswered. */
const closing = (tool: string, error: { code: string; message: string }) => wrapToolOutput(tool, JSON.stringify({ ok: false, error }));

/** Cut off while it ran (a disconnect, the time limit, a failure of the run): Zoho may or may not have applied it. */
export const cutOffContent = (tool: string, error?: unknown) =>
  closing(tool, error instanceof AppError && error.code !== 'ABORTED'
    ? toErrorBody(error)
    : { code: 'ABORTED', message: 'The call was cut off; it may or may not have been applied.' });

/** Waiting for approval when the user sent a new message instead: never run. */
export const cancelledContent = (tool: string) =>
  closing(tool, { code: 'NOT_RUN', message: 'The user sent a new message instead of deciding on this action, so it was not run.' });

/** Waiting for approval when its time ran out: never run. */
export const expiredContent = (tool: string) =>
  closing(tool, { code: 'NOT_RUN', message: 'This action waited for approval until it expired; it was not run.' });
