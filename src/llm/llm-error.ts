import OpenAI from 'openai';
import { AppError } from '../errors.ts';

export type LlmFailureReason = 'auth' | 'credits' | 'rate_limit' | 'model' | 'stream' | 'upstream';

const MESSAGES: Record<LlmFailureReason, string> = {
  auth: 'The language model service refused our key (OPENROUTER_API_KEY).',
  credits: 'The language model account has run out of credits.',
  rate_limit: 'The language model service is rate limiting us; try again shortly.',
  model: 'The requested model is not available.',
  stream: 'The language model stream broke off before it finished.',
  upstream: 'The language model service failed.',
};

/** Turns what the openai SDK throws into LLM_ERROR with a reason a client can act on (DESIGN.md). */
export function toLlmError(error: unknown, streamStarted: boolean): AppError {
  if (error instanceof AppError) return error;
  const reason = reasonOf(error, streamStarted);
  const retryAfter = error instanceof OpenAI.APIError ? Number(error.headers?.get?.('retry-after')) : NaN;
  return new AppError('LLM_ERROR', MESSAGES[reason], {
    details: { reason, ...(error instanceof OpenAI.APIError && error.status ? { upstreamStatus: error.status } : {}) },
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    cause: error,
  });
}

function reasonOf(error: unknown, streamStarted: boolean): LlmFailureReason {
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    if (error.status === 401 || error.status === 403) return 'auth';
    if (error.status === 402) return 'credits';
    if (error.status === 429) return 'rate_limit';
    if (error.status === 400 && /model/i.test(error.message)) return 'model';
    if (error.status === 404) return 'model';
    return 'upstream';
  }
  // A mid-stream error chunk (APIError without status) or a dropped socket after the first chunk.
  return streamStarted || error instanceof OpenAI.APIError ? 'stream' : 'upstream';
}
