import { AppError } from '../errors.ts';
import { ZohoApiError } from '../zoho/zoho-api-error.ts';
import type { ToolEffect } from './define-tool.ts';

/** What to do after a failed run. */
export type FailureKind = 'repair' | 'retry' | 'fail';

/** Zoho's answers that mean "the params are wrong" (ZOHO.md 3.4, 4.3): worth a repair. */
const INVALID_PARAM_CODES = new Set([
  'INVALID_DATA', 'MANDATORY_NOT_FOUND', 'REQUIRED_PARAM_MISSING', 'INVALID_MODULE', 'INVALID_QUERY', 'SYNTAX_ERROR',
  'INVALID_ALIAS', 'DUPLICATE_ALIAS', 'UNPROCESSABLE_ENTITY', 'INVALID_REQUEST', 'LIMIT_EXCEEDED', 'DEPENDENT_MISMATCH',
]);

/**
 * Decides between repair, retry and giving up. A transient failure (429, 5xx, network) is repeated
 * only where repeating cannot apply it twice: reads always, writes only when Zoho did nothing.
 */
export function classifyFailure(error: unknown, effect: ToolEffect): FailureKind {
  if (error instanceof ZohoApiError) {
    if (error.code === 'ZOHO_REJECTED' && error.zohoCode && INVALID_PARAM_CODES.has(error.zohoCode)) return 'repair';
    if (error.transient) return effect === 'read' || !error.mayHaveApplied ? 'retry' : 'fail';
    return 'fail';
  }
  if (error instanceof AppError) return 'fail';
  return 'fail';
}

/** One text for the model and the `repair` event: Zoho's code, message and details. */
export function describeZohoError(error: ZohoApiError): string {
  const details = error.zohoDetails === undefined ? '' : `\ndetails: ${JSON.stringify(error.zohoDetails)}`;
  return `${error.zohoCode ?? `HTTP ${error.httpStatus}`}: ${error.zohoMessage ?? error.message}${details}`;
}
