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
 */
export async function openConversation(
  deps: Pick<AgentDeps, 'pendingRuns' | 'conversations'>, userId: string, conversationId: string, incoming: ChatCompletionMessageParam[],
): Promise<{ messages: TranscriptMessage[]; persisted: number }> {
  const cancelled = await deps.pendingRuns.cancelConversation(userId, conversationId);
  const answers = new Map<string, string>();
  for (const { calls, expired } of cancelled) {
    for (const c of calls) {
      const unanswered = c.decision === 'approve' ? cutOffContent(c.tool) : expired ? expiredContent(c.tool) : cancelledContent(c.tool);
      answers.set(c.toolCallId ?? c.callId, c.resultContent ?? unanswered);
    }
  }
  const stored = await deps.conversations.load(userId, conversationId);
  const { messages, added } = closeDanglingCalls(stored, (call) => answers.get(call.id) ?? expiredContent(call.name));
  if (added.length) await deps.conversations.append(userId, conversationId, added);
  const fresh = stored.length === 0 ? incoming : incoming.slice(-1);
  const recent = recentTurns(messages);
  return { messages: [...recent, ...fresh], persisted: recent.length };
}
