// What providers check in the transcript a client sends back, played by the fake as a 400:
// - a `tool` message answers a tool call of the assistant message right before it, and every tool
//   call is answered (OpenAI's two errors, quoted below; Anthropic and Gemini refuse the same);
// - tool-call ids are unique in the transcript (Anthropic: "tool_use ids must be unique");
// - a tool-call id is one the model issued: the provider remembers what it sent (Anthropic and
//   Gemini sign their turns), so a client that renames the model's ids is refused. Where the model
//   gave no id, or repeated one, the client names the call itself; the fake accepts one such name
//   per call it sent that way;
// - the reasoning_details sent with tool calls come back unchanged on that assistant message
//   (Gemini's thought signatures, Claude's signed thinking blocks).
import { isDeepStrictEqual } from 'node:util';

type Json = Record<string, any>;

export function createProviderMemory() {
  const issued = new Set<string>();
  const adopted = new Set<string>();
  const reasoningFor = new Map<string, Json[]>();
  let unnamed = 0;

  return {
    /** Records the calls of a turn about to be sent; an id of '' (none sent) or one already sent counts as unnamed. */
    issue(ids: string[], reasoningDetails?: Json[]) {
      for (const id of ids) {
        if (!id || issued.has(id)) unnamed += 1;
        else issued.add(id);
        if (id && reasoningDetails) reasoningFor.set(id, reasoningDetails);
      }
    },
    /** The 400 message for a transcript a provider would refuse, or undefined. */
    check(messages: unknown): string | undefined {
      if (!Array.isArray(messages)) return undefined;
      const seen = new Set<string>();
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i] as Json;
        if (m?.role === 'tool') return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
        if (m?.role !== 'assistant' || !Array.isArray(m.tool_calls) || m.tool_calls.length === 0) continue;
        const ids: string[] = m.tool_calls.map((c: Json) => String(c?.id ?? ''));
        for (const id of ids) {
          if (!id || seen.has(id)) return `messages.${i}: tool_use ids must be unique (${JSON.stringify(id)})`;
          seen.add(id);
          if (issued.has(id) || adopted.has(id)) continue;
          if (unnamed === 0) return `messages.${i}: tool call id ${JSON.stringify(id)} is not one the model issued`;
          unnamed -= 1;
          adopted.add(id);
        }
        const required = ids.map((id) => reasoningFor.get(id)).find(Boolean);
        if (required && !isDeepStrictEqual(m.reasoning_details, required)) {
          return `Function call is missing a thought_signature in functionCall parts (messages.${i}): send reasoning_details back exactly as received.`;
        }
        const answered: string[] = [];
        while (messages[i + 1]?.role === 'tool') {
          i += 1;
          const answer = String((messages[i] as Json).tool_call_id);
          if (!ids.includes(answer) || answered.includes(answer)) {
            return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
          }
          answered.push(answer);
        }
        const missing = ids.filter((id) => !answered.includes(id));
        if (missing.length) {
          return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
            `The following tool_call_ids did not have response messages: ${missing.join(', ')}`;
        }
      }
      return undefined;
    },
  };
}

export type ProviderMemory = ReturnType<typeof createProviderMemory>;
