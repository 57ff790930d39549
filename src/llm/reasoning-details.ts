/**
 * Reasoning that a model returns beside its answer, as OpenRouter streams it
 * (openrouter.ai/docs, "Reasoning tokens: preserving reasoning blocks"): `delta.reasoning` is plain
 * text; `delta.reasoning_details` is a list of blocks (`reasoning.text` with a `signature`,
 * `reasoning.summary`, `reasoning.encrypted`), each sent in fragments that share its `type` and
 * `index`. Gemini (thought signatures) and Claude with thinking refuse the next request when the
 * blocks of a turn with tool calls do not come back exactly, so they are reassembled here and sent
 * back on the assistant message as they came.
 */
export interface Reasoning {
  reasoning?: string;
  reasoning_details?: Array<Record<string, unknown>>;
}

type Detail = Record<string, unknown>;
/** Fields a block's fragments add to; every other field is taken from the last fragment that has it. */
const APPENDED = ['text', 'summary', 'data'] as const;

export function createReasoningAccumulator() {
  let text = '';
  const blocks = new Map<string, Detail>();
  return {
    add(delta: { reasoning?: unknown; reasoning_details?: unknown } | undefined) {
      if (typeof delta?.reasoning === 'string') text += delta.reasoning;
      if (!Array.isArray(delta?.reasoning_details)) return;
      for (const fragment of delta.reasoning_details as Detail[]) {
        if (!fragment || typeof fragment !== 'object') continue;
        const key = `${String(fragment.type)}:${String(fragment.index ?? 0)}`;
        const block = blocks.get(key);
        if (!block) {
          blocks.set(key, { ...fragment });
          continue;
        }
        for (const [field, value] of Object.entries(fragment)) {
          if ((APPENDED as readonly string[]).includes(field) && typeof value === 'string') block[field] = `${(block[field] as string | undefined) ?? ''}${value}`;
          else if (value !== undefined) block[field] = value;
        }
      }
    },
    /** The turn's reasoning, in the order the blocks started; empty when the model gave none. */
    finish(): Reasoning {
      const details = [...blocks.values()];
      return { ...(text ? { reasoning: text } : {}), ...(details.length ? { reasoning_details: details } : {}) };
    },
  };
}
