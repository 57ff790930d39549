import { AppError } from '../errors.ts';
import { ZohoApiError, type ZohoApp } from './zoho-api-error.ts';
import { BodyTooLargeError, type ZohoAnswer } from './zoho-transport.ts';

export interface FailedExchange {
  app: ZohoApp;
  timeoutMs: number;
  /** The caller's signal: aborted, the call was cancelled. */
  callerSignal?: AbortSignal;
  /** Aborted when the request's own time limit ran out. */
  timedOut: AbortSignal;
  /** The answer, if its headers had come when the body's read failed. */
  response?: ZohoAnswer;
}

/**
 * What a Zoho request that got no whole answer throws (the transport's failure, or its body's): ABORTED for
 * the caller's cancel, an open breaker's AppError as it is, else a ZohoApiError saying whether Zoho may
 * have applied it (only a connection never made, refused or unresolved, cannot have).
 */
export function transportFailure(cause: unknown, exchange: FailedExchange): Error {
  if (exchange.callerSignal?.aborted) return new AppError('ABORTED', 'The call was cancelled.', { cause });
  // An open circuit answered without sending: nothing to retry, nothing that may have applied.
  if (cause instanceof AppError) return cause;
  const { app, response } = exchange;
  if (cause instanceof BodyTooLargeError && response) {
    return new ZohoApiError({ app, httpStatus: response.status, zohoCode: 'RESPONSE_TOO_LARGE', zohoMessage: cause.message, mayHaveApplied: true, cause });
  }
  const timedOut = exchange.timedOut.aborted || (cause as Error)?.name === 'TimeoutError';
  // node:http puts the code on the error; fetch on its cause.
  const code = String((cause as any)?.code ?? (cause as any)?.cause?.code ?? '');
  return new ZohoApiError({
    app,
    httpStatus: 0,
    zohoMessage: timedOut ? `no answer within ${exchange.timeoutMs} ms` : 'network error',
    mayHaveApplied: !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(code),
    cause,
  });
}
