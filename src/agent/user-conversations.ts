import { AppError } from '../errors.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import type { PendingRunStore } from './approvals/pending-run-store.ts';
import { conversationTitle } from './conversation-title.ts';
import type { ConversationStore } from './conversation-store.ts';
import { knownNames } from './approvals/known-names.ts';
import { conversationView, type ApprovalView, type MessageView } from './conversation-view.ts';
import type { TranscriptMessage } from './transcript.ts';

export interface UserConversationDeps {
  conversations: ConversationStore;
  pendingRuns: PendingRunStore;
  registry: ToolRegistry;
}

export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
}

const UNTITLED = 'Untitled conversation';

/** `GET /api/conversations`: the caller's conversations, most recently used first. */
export async function listConversations(deps: UserConversationDeps, userId: string, limit: number): Promise<ConversationSummary[]> {
  const rows = await deps.conversations.list(userId, limit);
  return rows.map((r) => ({
    id: r.id, title: conversationTitle(r.firstUserContent) ?? UNTITLED, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  }));
}

/** `GET /api/conversations/:id`: one of the caller's conversations as a page shows it; NOT_FOUND for any other id. */
export async function showConversation(
  deps: UserConversationDeps, userId: string, conversationId: string,
): Promise<ConversationSummary & { messages: MessageView[] }> {
  const row = await deps.conversations.find(userId, conversationId);
  if (!row) throw notFound(conversationId);
  const transcript = await deps.conversations.loadTimed(userId, conversationId);
  const messages = conversationView(transcript, deps.registry, await openApprovals(deps, userId, conversationId, transcript.map((t) => t.message)));
  const first = messages.find((m) => m.role === 'user');
  return {
    id: row.id, title: conversationTitle(first?.text) ?? UNTITLED, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(), messages,
  };
}

/** The calls of the conversation still waiting for a decision, by their transcript id, as the approval box shows them. */
async function openApprovals(
  deps: UserConversationDeps, userId: string, conversationId: string, transcript: TranscriptMessage[],
): Promise<Map<string, ApprovalView>> {
  const calls = await deps.pendingRuns.openCalls(userId, conversationId);
  return new Map(calls.map((c) => [c.toolCallId ?? c.callId, {
    callId: c.callId, paramsHash: c.paramsHash, message: c.summary, effect: deps.registry.get(c.tool)?.effect, names: knownNames(transcript, c.params),
  }]));
}

/**
 * `DELETE /api/conversations/:id`: the transcript goes, and so do the conversation's runs paused for
 * approval (their approvals are refused from then on, as after a new message).
 */
export async function deleteConversation(deps: UserConversationDeps, userId: string, conversationId: string): Promise<void> {
  await deps.pendingRuns.cancelConversation(userId, conversationId);
  if (!(await deps.conversations.remove(userId, conversationId))) throw notFound(conversationId);
}

const notFound = (id: string) => new AppError('NOT_FOUND', `You have no conversation ${JSON.stringify(id)}.`);
