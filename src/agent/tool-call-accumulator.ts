/** A tool call the model finished asking for. */
export interface AssembledToolCall {
  /** The model's id for it; '' when it gave none (src/agent/transcript.ts then names it). */
  id: string;
  name: string;
  arguments: string;
}

interface ToolCallDelta {
  index: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Streams split a tool call across chunks: the first carries `index`, `id` and the name, later ones
 * only `index` and a fragment of the arguments. Assemble them by index.
 */
export function createToolCallAccumulator() {
  const calls = new Map<number, AssembledToolCall>();
  return {
    add(deltas: ToolCallDelta[] | undefined) {
      for (const delta of deltas ?? []) {
        const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.name += delta.function.name;
        if (delta.function?.arguments) call.arguments += delta.function.arguments;
        calls.set(delta.index, call);
      }
    },
    /** The calls in index order. */
    finish(): AssembledToolCall[] {
      return [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    },
  };
}
