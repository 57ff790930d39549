import type { AgentDeps, RunState } from './run-agent.ts';

/** Appends what the run added to its conversation's stored transcript (nothing without a conversation). */
export async function persistTranscript(deps: Pick<AgentDeps, 'conversations'>, state: RunState): Promise<void> {
  if (!state.conversationId || state.persisted >= state.messages.length) return;
  await deps.conversations.append(state.userId, state.conversationId, state.messages.slice(state.persisted));
  state.persisted = state.messages.length;
}
