import { randomUUID } from 'node:crypto';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources/chat/completions';
import type { Reasoning } from '../llm/reasoning-details.ts';
import type { AssembledToolCall } from './tool-call-accumulator.ts';

/**
 * The model's transcript, kept as the model wrote it (DESIGN.md "The model's transcript"): its own
 * tool-call ids, its reasoning, and exactly one `tool` message answering each tool call.
 */
export type TranscriptMessage = ChatCompletionMessageParam;

/** A tool call of one turn under both its names. */
export interface TurnCall {
  /** The runtime's id: what clients, approvals and the tool-call log see. Unique across every run. */
  callId: string;
  /** The id in the model's transcript: the model's own, or a minted one where it gave none or repeated one. */
  toolCallId: string;
  name: string;
  arguments: string;
}

const mintId = () => `call_${randomUUID()}`;

/** Names a turn's calls; an id the model left out, or already used in this conversation, is replaced on both sides. */
export function nameCalls(calls: AssembledToolCall[], transcript: readonly TranscriptMessage[]): TurnCall[] {
  const used = new Set(transcript.flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.id) : [])));
  return calls.map((call) => {
    const callId = mintId();
    const toolCallId = call.id && !used.has(call.id) ? call.id : callId;
    used.add(toolCallId);
    return { callId, toolCallId, name: call.name, arguments: call.arguments };
  });
}

/** The assistant message of a turn: its text, its tool calls under the model's ids, and its reasoning as it came. */
export function assistantTurn(text: string, calls: TurnCall[], reasoning: Reasoning): ChatCompletionAssistantMessageParam {
  return {
    role: 'assistant',
    content: text || null,
    ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.toolCallId, type: 'function' as const, function: { name: c.name, arguments: c.arguments || '{}' } })) } : {}),
    ...reasoning,
  } as ChatCompletionAssistantMessageParam;
}

/** A call's argument text as params: an empty string means `{}`; text that is not JSON is passed on for the repair steps to judge. */
export function parseArguments(text: string): unknown {
  if (!text?.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const toolMessage = (toolCallId: string, content: string): ChatCompletionToolMessageParam => ({ role: 'tool', tool_call_id: toolCallId, content });

/**
 * Puts every assistant tool call's answer right after it, exactly once: a call with no answer gets
 * `closing(call)` (a run cut off, a paused run cancelled or expired), a second answer or one to no
 * call is dropped. Providers refuse a transcript with either (OpenAI: "An assistant message with
 * 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'").
 */
export function closeDanglingCalls(
  messages: readonly TranscriptMessage[],
  closing: (call: { id: string; name: string }) => string,
): { messages: TranscriptMessage[]; added: ChatCompletionToolMessageParam[] } {
  const answers = new Map<string, ChatCompletionToolMessageParam>();
  for (const m of messages) if (m.role === 'tool' && !answers.has(m.tool_call_id)) answers.set(m.tool_call_id, m);
  const out: TranscriptMessage[] = [];
  const added: ChatCompletionToolMessageParam[] = [];
  for (const m of messages) {
    if (m.role === 'tool') continue;
    out.push(m);
    if (m.role !== 'assistant') continue;
    for (const call of m.tool_calls ?? []) {
      let answer = answers.get(call.id);
      answers.delete(call.id);
      if (!answer) {
        answer = toolMessage(call.id, closing({ id: call.id, name: call.type === 'function' ? call.function.name : '' }));
        added.push(answer);
      }
      out.push(answer);
    }
  }
  return { messages: out, added };
}

/**
 * What of a long conversation goes to the model: the most recent whole turns (each starts at a
 * user message, so no tool call is parted from its answer) within `maxMessages` and `maxChars`;
 * the last turn always. The stored transcript keeps everything.
 */
export function recentTurns(messages: readonly TranscriptMessage[], limits = { maxMessages: 200, maxChars: 400_000 }): TranscriptMessage[] {
  let start = -1;
  let chars = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    chars += JSON.stringify(messages[i]).length;
    if (messages[i]!.role !== 'user') continue;
    if (start !== -1 && (messages.length - i > limits.maxMessages || chars > limits.maxChars)) break;
    start = i;
  }
  return start <= 0 ? [...messages] : messages.slice(start);
}
