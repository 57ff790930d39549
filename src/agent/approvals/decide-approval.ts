import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.ts';
import type { EmitEvent } from '../../stream/events.ts';
import { summarizeCall } from '../../tools/summarize-call.ts';
import { cutOffContent } from '../closing-content.ts';
import { continueRun, type AgentDeps } from '../run-agent.ts';
import { emitApprovalRequest, runCall } from '../settle-turn.ts';
import { wrapToolOutput } from '../system-prompt.ts';
import { toolMessage } from '../transcript.ts';
import { approvalRequest } from './approval-request.ts';
import { hashParams } from './params-hash.ts';
import type { PausedCall, PendingCallRow } from './pending-run-store.ts';

export interface Decision {
  callId: string;
  decision: 'approve' | 'deny';
  /** When given (the hash `action_required` showed), the approval only holds for exactly those params. */
  paramsHash?: string;
}

/**
 * Checks a decision before any stream starts: it must name the caller's own undecided call with
 * the shown params, in a run still paused. Returns that call, for `decideApproval`.
 */
export async function checkDecision(deps: AgentDeps, userId: string, decision: Decision): Promise<PendingCallRow> {
  const call = await deps.pendingRuns.findUndecided(userId, decision.callId);
  if (!call) {
    throw new AppError('APPROVAL_INVALID', 'No pending call with that id for you: it was decided already, expired, cancelled by a newer message, or never existed.');
  }
  if (decision.paramsHash !== undefined && decision.paramsHash !== call.paramsHash) {
    throw new AppError('APPROVAL_INVALID', 'The call\'s params are not the ones that were shown; nothing was run.');
  }
  return call;
}

/**
 * `POST /api/chat/approvals`: records a single-use decision bound to the user, the run, the call and
 * a hash of its params; runs the call with exactly those params (approved) or tells the model it
 * was denied; resumes the run once every call of the paused turn is settled. When Zoho refuses the
 * approved params and a repair would change them, the repaired call is not run: it replaces the
 * decided one and waits for approval (a new `action_required`, new call id and hash). The call is
 * settled whatever happens while it runs (a disconnect included), so a run is never left with a
 * decided call and no result.
 */
export async function decideApproval(
  deps: AgentDeps, pending: PendingCallRow, decision: Decision['decision'], emit: EmitEvent, signal: AbortSignal,
): Promise<void> {
  const claimed = await deps.pendingRuns.claimDecision(pending.appUserId, pending.callId, pending.paramsHash, decision);
  if (!claimed) throw new AppError('APPROVAL_INVALID', 'This call was decided already, or its run was cancelled.');
  let settled: { content: string } | { again: PausedCall };
  try {
    settled = await settleDecision(deps, claimed, decision, emit, signal);
  } catch (error) {
    await deps.pendingRuns.settle(claimed.callId, cutOffContent(claimed.tool, error));
    throw error;
  }
  if ('again' in settled) {
    await deps.pendingRuns.replaceCall(claimed, settled.again);
    const { callId, tool, params } = settled.again;
    const summary = summarizeCall(deps.registry.get(tool), params);
    emit({ type: 'tool_call', data: { callId, tool, params, ...(summary ? { summary } : {}) } });
    emitApprovalRequest(emit, settled.again, claimed.runId);
    emit({ type: 'done', data: { finishReason: 'approval_required', steps: 0, runId: claimed.runId } });
    return;
  }
  await deps.pendingRuns.settle(claimed.callId, settled.content);

  const ready = await deps.pendingRuns.claimIfComplete(claimed.runId);
  if (!ready) {
    const open = await deps.pendingRuns.countOpen(claimed.runId);
    // No open call left but the run was claimed by a concurrent decision: that stream continues it.
    emit({ type: 'done', data: { finishReason: open > 0 ? 'approval_required' : 'approval_recorded', steps: 0, runId: claimed.runId } });
    return;
  }
  await deps.pendingRuns.remove(ready.run.id);
  const answers = ready.calls.map((c) => toolMessage(c.toolCallId ?? c.callId, c.resultContent!));
  await continueRun(deps, { ...ready.run, messages: [...ready.run.messages, ...answers] }, emit, signal);
}

/** Runs an approved call with exactly its params, or tells the model it was denied; or the repaired call to ask about. */
async function settleDecision(
  deps: AgentDeps, call: PendingCallRow, decision: Decision['decision'], emit: EmitEvent, signal: AbortSignal,
): Promise<{ content: string } | { again: PausedCall }> {
  if (hashParams(call.params) !== call.paramsHash) {
    throw new AppError('APPROVAL_INVALID', 'The stored params changed after they were shown; nothing was run.');
  }
  if (decision === 'deny') {
    const error = { code: 'APPROVAL_DENIED', message: 'The user denied this action; it was not run.' };
    emit({ type: 'tool_result', data: { callId: call.callId, tool: call.tool, ok: false, error, attempts: 0 } });
    return { content: wrapToolOutput(call.tool, JSON.stringify({ ok: false, error })) };
  }
  const outcome = await runCall(deps, { id: call.runId, userId: call.appUserId }, { callId: call.callId, name: call.tool }, call.params, emit, signal, true);
  if (!outcome.proposal) return { content: outcome.content };
  const transcript = (await deps.pendingRuns.messagesOf(call.runId)) ?? [];
  const again = approvalRequest(deps.registry, { callId: `call_${randomUUID()}`, toolCallId: call.toolCallId ?? call.callId, name: call.tool }, outcome.proposal.params, transcript);
  return { again: { ...again, summary: `${again.summary} (Corrected after Zoho refused the approved call: ${outcome.proposal.error.split('\n')[0]})` } };
}
