import { AppError } from '../../errors.ts';
import { isToolPart, type UiMessage } from '../ui-messages.ts';
import type { EmitEvent } from '../../stream/events.ts';
import type { AgentDeps } from '../run-agent.ts';
import { checkDecision, decideApproval, type Decision } from './decide-approval.ts';
import { hashParams } from './params-hash.ts';
import type { PendingCallRow } from './pending-run-store.ts';

export interface UiDecision {
  pending: PendingCallRow;
  decision: Decision['decision'];
}

/**
 * The decisions an AI SDK client sends back (`addToolApprovalResponse`, then a send): the tool parts
 * of its last assistant message in state `approval-responded`. Each gets every check of
 * `POST /api/chat/approvals` before any stream starts: the approvalId (our callId) must be the
 * caller's own undecided call in a run still paused, and the part's `input` must hash to the params
 * that were shown, and the call must belong to a run of this chat (`id`: DESIGN.md "Approvals", a run
 * belongs to its conversation). The AI SDK's own server trusts these parts; we do not.
 */
export async function checkUiApprovals(deps: AgentDeps, userId: string, chatId: string, message: UiMessage): Promise<UiDecision[]> {
  const decisions: UiDecision[] = [];
  let inThisChat: Set<string> | undefined;
  for (const part of message.parts.filter(isToolPart)) {
    if (part.state !== 'approval-responded') continue;
    const { approval } = part;
    if (!approval || typeof approval.approved !== 'boolean' || approval.id !== part.toolCallId) {
      throw new AppError('APPROVAL_INVALID', `The approval of tool call ${part.toolCallId} is not one this server asked for; nothing was run.`);
    }
    inThisChat ??= new Set((await deps.pendingRuns.openCalls(userId, chatId)).map((call) => call.callId));
    if (!inThisChat.has(approval.id)) {
      throw new AppError('APPROVAL_INVALID', `Tool call ${part.toolCallId} is not waiting for approval in this chat; nothing was run.`);
    }
    const decision = approval.approved ? 'approve' : 'deny';
    const pending = await checkDecision(deps, userId, { callId: approval.id, decision, paramsHash: hashParams(part.input ?? {}) });
    decisions.push({ pending, decision });
  }
  return decisions;
}

/**
 * Resumes the paused run through the same path as `POST /api/chat/approvals`, one decision after
 * another in one stream: only the last decision's `done` ends it (the run goes on once all are in).
 */
export async function resumeUiApprovals(deps: AgentDeps, decisions: UiDecision[], emit: EmitEvent, signal: AbortSignal): Promise<void> {
  const notDone: EmitEvent = (event) => {
    if (event.type !== 'done') emit(event);
  };
  for (const [i, { pending, decision }] of decisions.entries()) {
    await decideApproval(deps, pending, decision, i === decisions.length - 1 ? emit : notDone, signal);
  }
}
