import { AppError, toErrorBody } from '../../errors.ts';
import type { EmitEvent } from '../../stream/events.ts';
import { continueRun, type AgentDeps } from '../run-agent.ts';
import { runCallForModel, toolMessage } from '../settle-turn.ts';
import { wrapToolOutput } from '../system-prompt.ts';
import { hashParams } from './params-hash.ts';
import type { PendingCallRow } from './pending-run-store.ts';

export interface Decision {
  callId: string;
  decision: 'approve' | 'deny';
  /** When given (the hash `action_required` showed), the approval only holds for exactly those params. */
  paramsHash?: string;
}

/**
 * Checks a decision before any stream starts: it must name the caller's own undecided call with
 * the shown params. Returns that call, for `decideApproval`.
 */
export async function checkDecision(deps: AgentDeps, userId: string, decision: Decision): Promise<PendingCallRow> {
  const call = await deps.pendingRuns.findUndecided(userId, decision.callId);
  if (!call) throw new AppError('APPROVAL_INVALID', 'No pending call with that id for you: it was decided already, expired, or never existed.');
  if (decision.paramsHash !== undefined && decision.paramsHash !== call.paramsHash) {
    throw new AppError('APPROVAL_INVALID', 'The call\'s params are not the ones that were shown; nothing was run.');
  }
  return call;
}

/**
 * `POST /api/chat/approvals`: records a single-use decision bound to the user, the run, the call and
 * a hash of its params; runs the call (approved) or tells the model it was denied; resumes the run
 * once every call of the paused turn is settled. The call is settled whatever happens while it runs
 * (a disconnect included), so a run is never left with a decided call and no result.
 */
export async function decideApproval(
  deps: AgentDeps, pending: PendingCallRow, decision: Decision['decision'], emit: EmitEvent, signal: AbortSignal,
): Promise<void> {
  const claimed = await deps.pendingRuns.claimDecision(pending.appUserId, pending.callId, pending.paramsHash, decision);
  if (!claimed) throw new AppError('APPROVAL_INVALID', 'This call was decided already.');
  let content: string;
  try {
    content = await settleDecision(deps, claimed, decision, emit, signal);
  } catch (error) {
    await deps.pendingRuns.settle(claimed.callId, failure(claimed.tool, error));
    throw error;
  }
  await deps.pendingRuns.settle(claimed.callId, content);

  const ready = await deps.pendingRuns.claimIfComplete(claimed.runId);
  if (!ready) {
    const open = await deps.pendingRuns.countOpen(claimed.runId);
    // No open call left but the run was claimed by a concurrent decision: that stream continues it.
    emit({ type: 'done', data: { finishReason: open > 0 ? 'approval_required' : 'approval_recorded', steps: 0, runId: claimed.runId } });
    return;
  }
  await deps.pendingRuns.remove(ready.run.id);
  const state = { ...ready.run, messages: [...ready.run.messages, ...ready.calls.map((c) => toolMessage(c.callId, c.resultContent!))] };
  await continueRun(deps, state, emit, signal);
}

/** Runs an approved call, or tells the model it was denied; returns the `tool` message content. */
async function settleDecision(
  deps: AgentDeps, call: PendingCallRow, decision: Decision['decision'], emit: EmitEvent, signal: AbortSignal,
): Promise<string> {
  if (hashParams(call.params) !== call.paramsHash) {
    throw new AppError('APPROVAL_INVALID', 'The stored params changed after they were shown; nothing was run.');
  }
  if (decision === 'approve') return runCallForModel(deps, call.appUserId, call.callId, call.tool, call.params, emit, signal);
  const error = { code: 'APPROVAL_DENIED', message: 'The user denied this action; it was not run.' };
  emit({ type: 'tool_result', data: { callId: call.callId, tool: call.tool, ok: false, error, attempts: 0 } });
  return wrapToolOutput(call.tool, JSON.stringify({ ok: false, error }));
}

/** What the model reads for a call that could not finish (cut off, or refused at the last check). */
function failure(tool: string, error: unknown): string {
  const body = error instanceof AppError ? toErrorBody(error) : { code: 'ABORTED', message: 'The call was cut off; it may or may not have been applied.' };
  return wrapToolOutput(tool, JSON.stringify({ ok: false, error: body }));
}
