import OpenAI from 'openai';

export interface OpenRouterOptions {
  apiKey: string;
  baseUrl: string;
  /** The SDK's own retries of 408/409/429/5xx before a stream starts. */
  maxRetries?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * The `openai` SDK pointed at OpenRouter, with OpenRouter's attribution headers
 * (https://openrouter.ai/docs/api-reference/overview: `HTTP-Referer`, `X-Title`).
 */
export function createOpenRouterClient(options: OpenRouterOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseUrl,
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 120_000,
    fetch: options.fetch,
    defaultHeaders: {
      'HTTP-Referer': 'https://github.com/zoho-agent-runtime',
      'X-Title': 'Zoho agent runtime',
    },
  });
}
