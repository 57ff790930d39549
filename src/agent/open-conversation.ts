import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { cancelledContent, cutOffContent, expiredContent } from './closing-content.ts';
import type { AgentDeps } from './run-agent.ts';
import { closeDanglingCalls, recentTurns, type TranscriptMessage } from './transcript.ts';

/**
 * A new message in a conversation: its paused runs are cancelled (their approvals are refused from
 * now on) and their open calls answered for the model; the stored transcript is loaded with every
 * tool call answered once (its most recent turns, for a long one). A conversation the server does
 * not know yet starts with the messages the client sent; a known one takes only the new (last)
 * one, since the server keeps the rest.
 *
 * `regenerate` re-runs the last turn (Retry after a broken stream or a Stop, Regenerate): when the
 * body's last message is the conversation's last user message, it is not added again, and the text
 * the model wrote after the turn's last tool result is dropped; its tool calls and results stay
 * (what ran, ran: a write is never silently repeated). Otherwise (the server never stored that
 * message) the message is taken as a new one.
 */
export async function openConversation(
  deps: Pick<AgentDeps, 'pendingRuns' | 'conversations'>, userId: string, conversationId: string, incoming: ChatCompletionMessageParam[],
  regenerate = false,
): Promise<{ messages: TranscriptMessage[]; persisted: number }> {
  const cancelled = await deps.pendingRuns.cancelConversation(userId, conversationId);
  const answers = new Map<string, string>();
  for (const { calls, expired } of cancelled) {
    for (const c of calls) {
      const unanswered = c.decision === 'approve' ? cutOffContent(c.tool) : expired ? expiredContent(c.tool) : cancelledContent(c.tool);
      answers.set(c.toolCallId ?? c.callId, c.resultContent ?? unanswered);
    }
  }
  let stored = await deps.conversations.load(userId, conversationId);
  const keep = regenerate ? turnToRerun(stored, incoming.at(-1)) : undefined;
  if (keep !== undefined && keep < stored.length) {
    await deps.conversations.truncate(userId, conversationId, keep);
    stored = stored.slice(0, keep);
  }
  const { messages, added } = closeDanglingCalls(stored, (call) => answers.get(call.id) ?? expiredContent(call.name));
  if (added.length) await deps.conversations.append(userId, conversationId, added);
  const fresh = stored.length === 0 ? incoming : keep !== undefined ? [] : incoming.slice(-1);
  const recent = recentTurns(messages);
  return { messages: [...recent, ...fresh], persisted: recent.length };
}

/**
 * How many stored messages a re-run keeps: everything up to the last user message (when it is
 * `last`) and the tool calls and results after it, not the trailing text-only answers. Undefined
 * when the stored transcript's last user message is not `last`.
 */
function turnToRerun(stored: readonly TranscriptMessage[], last: ChatCompletionMessageParam | undefined): number | undefined {
  const at = stored.findLastIndex((m) => m.role === 'user');
  if (at === -1 || !last || last.role !== 'user' || contentText(stored[at]!.content) !== contentText(last.content)) return undefined;
  let keep = stored.length;
  while (keep > at + 1 && isTextOnly(stored[keep - 1]!)) keep -= 1;
  return keep;
}

const isTextOnly = (m: TranscriptMessage) => m.role === 'assistant' && !(m.tool_calls?.length);

const contentText = (content: unknown) =>
  (typeof content === 'string' ? content : JSON.stringify(content ?? '')).trim();
