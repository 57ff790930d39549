/** Tokens (and OpenRouter's cost in credits) one run spent, summed over its completions. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  cost: number;
}

export const noUsage = (): TokenUsage => ({ promptTokens: 0, completionTokens: 0, reasoningTokens: 0, cachedTokens: 0, cost: 0 });

/**
 * Adds one completion's `usage` (OpenRouter sends it in the last SSE chunk: openrouter.ai/docs,
 * "Usage accounting") to a running total; a missing or partial one adds what it has.
 */
export function addUsage(total: TokenUsage, usage: any): TokenUsage {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  if (!usage || typeof usage !== 'object') return total;
  return {
    promptTokens: total.promptTokens + n(usage.prompt_tokens),
    completionTokens: total.completionTokens + n(usage.completion_tokens),
    reasoningTokens: total.reasoningTokens + n(usage.completion_tokens_details?.reasoning_tokens),
    cachedTokens: total.cachedTokens + n(usage.prompt_tokens_details?.cached_tokens),
    cost: total.cost + n(usage.cost),
  };
}
