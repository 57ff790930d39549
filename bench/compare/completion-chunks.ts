// Assembles one streamed chat completion (OpenAI's chunk format, as OpenRouter sends it) by hand:
// text deltas in order, tool calls by `index` (their arguments arrive in fragments), the finish reason.
// Shared by the floor (the client doing it all itself) and the hand-written runtime.

export interface AssembledCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Completion {
  text: string;
  calls: AssembledCall[];
  finishReason?: string;
}

interface Chunk {
  error?: { message?: string };
  choices?: Array<{
    delta?: { content?: string | null; tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }> };
    finish_reason?: string | null;
  }>;
}

export const newCompletion = (): Completion => ({ text: '', calls: [] });

/** Adds one `data:` payload; returns its text delta, if any. Throws on OpenRouter's mid-stream error. */
export function addChunk(c: Completion, data: string): string | undefined {
  const chunk = JSON.parse(data) as Chunk;
  if (chunk.error) throw new Error(`upstream error: ${chunk.error.message}`);
  const choice = chunk.choices?.[0];
  if (!choice) return undefined;
  for (const t of choice.delta?.tool_calls ?? []) {
    const call = (c.calls[t.index] ??= { id: '', name: '', arguments: '' });
    if (t.id) call.id = t.id;
    if (t.function?.name) call.name = t.function.name;
    if (t.function?.arguments) call.arguments += t.function.arguments;
  }
  if (choice.finish_reason) c.finishReason = choice.finish_reason;
  const delta = choice.delta?.content;
  if (delta) c.text += delta;
  return delta || undefined;
}

/** The assistant message that carries the calls, and one `tool` message per call, for the next request. */
export function toolTurn(calls: AssembledCall[], results: unknown[]) {
  return [
    { role: 'assistant', content: null, tool_calls: calls.map((k) => ({ id: k.id, type: 'function', function: { name: k.name, arguments: k.arguments } })) },
    ...calls.map((k, i) => ({ role: 'tool', tool_call_id: k.id, content: JSON.stringify(results[i]) })),
  ];
}
