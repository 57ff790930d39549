import type { ChatCompletionAssistantMessageParam } from 'openai/resources/chat/completions';
import { isToolPart, toolNameOf, type UiMessage, type UiPart, type UiToolPart } from './ui-messages.ts';
import { cancelledContent, cutOffContent } from './closing-content.ts';
import { wrapToolOutput } from './system-prompt.ts';
import { toolMessage, type TranscriptMessage } from './transcript.ts';

/** A tool output from the client is capped like one of ours would be, so a body cannot flood the model. */
const MAX_OUTPUT_CHARS = 32_000;

/**
 * The AI SDK's UIMessages as the model's transcript (DESIGN.md "The model's transcript"): a user
 * message is its text; an assistant message is split into steps at `step-start`, each one assistant
 * turn (its text, its reasoning, its tool calls) followed by exactly one `tool` answer per call.
 * A call with an output answers with it (wrapped as untrusted data, as ours are); a failed or denied
 * one with its error; one that never ran (still waiting for input or approval) says so. A toolCallId
 * seen before is dropped, so no call is answered twice.
 */
export function uiMessagesToTranscript(messages: readonly UiMessage[]): TranscriptMessage[] {
  const out: TranscriptMessage[] = [];
  const seen = new Set<string>();
  for (const message of messages) {
    if (message.role === 'user') {
      out.push({ role: 'user', content: textOf(message.parts) });
      continue;
    }
    for (const step of splitSteps(message.parts)) {
      const calls = step.filter(isToolPart).filter((p) => !seen.has(p.toolCallId) && (seen.add(p.toolCallId), true));
      const text = textOf(step);
      const reasoning = step.filter((p) => p.type === 'reasoning').map((p) => p.text as string).join('');
      if (!text && calls.length === 0) continue;
      out.push({
        role: 'assistant',
        content: text || null,
        ...(calls.length ? {
          tool_calls: calls.map((p) => ({ id: p.toolCallId, type: 'function' as const, function: { name: toolNameOf(p), arguments: JSON.stringify(p.input ?? {}) } })),
        } : {}),
        ...(reasoning ? { reasoning } : {}),
      } as ChatCompletionAssistantMessageParam);
      for (const p of calls) out.push(toolMessage(p.toolCallId, answerOf(p)));
    }
  }
  return out;
}

type Part = UiPart;

function splitSteps(parts: readonly Part[]): Part[][] {
  const steps: Part[][] = [[]];
  for (const part of parts) {
    if (part.type === 'step-start') steps.push([]);
    else steps.at(-1)!.push(part);
  }
  return steps;
}

const textOf = (parts: readonly Part[]) => parts.filter((p) => p.type === 'text').map((p) => p.text as string).join('');

const failure = (name: string, code: string, message: string) => wrapToolOutput(name, JSON.stringify({ ok: false, error: { code, message } }));

/** The one `tool` message answering a call, from the state its part is in. */
function answerOf(part: UiToolPart): string {
  const name = toolNameOf(part);
  switch (part.state) {
    case 'output-available':
      return wrapToolOutput(name, capped(JSON.stringify(part.output ?? null)));
    case 'output-error':
      return failure(name, 'TOOL_FAILED', capped(part.errorText ?? 'The call failed.'));
    case 'output-denied':
      return denied(name, part.approval?.reason);
    case 'approval-responded':
      // A decision the server did not act on (it only acts on the last message's): the call never ran.
      return part.approval?.approved === false ? denied(name, part.approval.reason) : cancelledContent(name);
    case 'approval-requested':
      return cancelledContent(name);
    default:
      return cutOffContent(name);
  }
}

const denied = (name: string, reason?: string) =>
  failure(name, 'APPROVAL_DENIED', `The user denied this action; it was not run.${reason ? ` Their reason: ${capped(reason)}` : ''}`);

const capped = (text: string) => (text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)} [truncated]` : text);
