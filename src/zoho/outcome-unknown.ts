import { AppError } from '../errors.ts';
import { ZohoApiError } from './zoho-api-error.ts';

/**
 * A write that failed after its request may have reached Zoho (the connection reset or timed out
 * after sending, or Zoho answered 5xx) may have been applied: Zoho can have stored the record and
 * lost only the answer. Such a failure is not retried (a second create would be a duplicate); it
 * says so, in `details.outcomeUnknown` and in the message the model reads, so that it checks first.
 * Any other failure, and every failure of a read, is returned as it is.
 */
export function markOutcomeUnknown(error: unknown, isWrite: boolean): unknown {
  if (!isWrite || !(error instanceof AppError)) return error;
  const unknown = error instanceof ZohoApiError ? error.transient && error.mayHaveApplied : error.code === 'TIMEOUT';
  if (!unknown) return error;
  return new AppError(
    error.code,
    `${error.message} The change may have been made in Zoho anyway: check first (for example, search for the record or read it) ` +
      'before trying it again, or it may be made twice.',
    { cause: error, retryAfter: error.retryAfter, details: { ...error.details, outcomeUnknown: true } },
  );
}
