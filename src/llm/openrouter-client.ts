import OpenAI from 'openai';

export interface OpenRouterOptions {
  apiKey: string;
  baseUrl: string;
  /** Retries of 408/409/429/5xx before a stream starts (the SDK's, and ./completion-stream.ts's). */
  maxRetries?: number;
  timeoutMs?: number;
  /** The SDK's fetch only; the streamed request (./completion-stream.ts) uses node:http. */
  fetch?: typeof fetch;
}

/** OpenRouter's attribution headers (https://openrouter.ai/docs/api-reference/overview), on every request. */
export const ATTRIBUTION_HEADERS = {
  'HTTP-Referer': 'https://github.com/zoho-agent-runtime',
  'X-Title': 'Zoho agent runtime',
} as const;

/**
 * The `openai` SDK pointed at OpenRouter (for the calls off the chat's hot path: model repair; the streamed
 * completion is ./completion-stream.ts), with OpenRouter's attribution headers
 * (https://openrouter.ai/docs/api-reference/overview: `HTTP-Referer`, `X-Title`).
 */
export function createOpenRouterClient(options: OpenRouterOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 120_000,
    fetch: options.fetch,
    defaultHeaders: ATTRIBUTION_HEADERS,
  });
}
