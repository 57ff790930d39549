import type { ToolRegistry } from '../tools/registry.ts';
import { summarizeCall } from '../tools/summarize-call.ts';
import { toolOutputBody, unwrapToolOutput } from './system-prompt.ts';
import { parseArguments, type TranscriptMessage } from './transcript.ts';

/** One tool call as a person reads it: what ran, with what, and how it ended. */
export interface ToolPartView {
  type: 'tool';
  /** The call's id in the transcript (the model's own). */
  toolCallId: string;
  tool: string;
  params: unknown;
  summary?: string;
  /** `waiting`: no answer yet (a run paused for approval). */
  state: 'done' | 'failed' | 'waiting';
  /** A waiting call the user can still decide: what `action_required` (approval_required) said of it. */
  approval?: ApprovalView;
  result?: unknown;
  error?: { code: string; message: string; details?: unknown };
}

/** `createdAt`: when the user's message was stored, or the answer's last message. */
export interface ApprovalView {
  callId: string;
  paramsHash: string;
  message: string;
  effect?: string;
  names: Record<string, string>;
}

export type MessageView =
  | { role: 'user'; text: string; createdAt: string }
  | { role: 'assistant'; parts: Array<{ type: 'text'; text: string } | ToolPartView>; createdAt: string };

/**
 * A stored transcript as a page shows it: the user's messages, and after each one answer holding
 * the model's text and its tool calls with their results (parsed from the `<tool_output>` the
 * model read, never the wrapper itself). Reasoning and the system's own notes are left out.
 */
export function conversationView(
  transcript: ReadonlyArray<{ message: TranscriptMessage; createdAt: Date }>, registry: ToolRegistry, approvals = new Map<string, ApprovalView>(),
): MessageView[] {
  const answers = new Map<string, string>();
  for (const { message: m } of transcript) if (m.role === 'tool' && typeof m.content === 'string' && !answers.has(m.tool_call_id)) answers.set(m.tool_call_id, m.content);
  const out: MessageView[] = [];
  let answer: Extract<MessageView, { role: 'assistant' }> | undefined;
  for (const { message: m, createdAt } of transcript) {
    const at = createdAt.toISOString();
    if (m.role === 'user') {
      out.push({ role: 'user', text: textOf(m.content), createdAt: at });
      answer = undefined;
      continue;
    }
    if (m.role !== 'assistant') continue;
    if (!answer) {
      answer = { role: 'assistant', parts: [], createdAt: at };
      out.push(answer);
    }
    answer.createdAt = at;
    const text = textOf(m.content).trim();
    if (text) answer.parts.push({ type: 'text', text });
    for (const call of m.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      answer.parts.push(toolPart(call.id, call.function.name, call.function.arguments, answers.get(call.id), registry, approvals.get(call.id)));
    }
  }
  return out;
}

function toolPart(
  toolCallId: string, tool: string, args: string, answer: string | undefined, registry: ToolRegistry, approval: ApprovalView | undefined,
): ToolPartView {
  const params = parseArguments(args);
  const summary = summarizeCall(registry.get(tool), params);
  const base = { type: 'tool' as const, toolCallId, tool, params, ...(summary ? { summary } : {}) };
  if (answer === undefined) return { ...base, state: 'waiting', ...(approval ? { approval } : {}) };
  const output = unwrapToolOutput(answer);
  if (isFailure(output)) return { ...base, state: 'failed', error: output.error };
  return { ...base, state: 'done', result: output === undefined ? toolOutputBody(answer) : output };
}

/** `{ok: false, error: {code, message}}`: how the runtime tells the model a call failed or never ran. */
function isFailure(value: unknown): value is { ok: false; error: { code: string; message: string } } {
  if (!value || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  return v.ok === false && typeof v.error?.code === 'string' && typeof v.error.message === 'string';
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p && typeof p === 'object' && p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('');
}
