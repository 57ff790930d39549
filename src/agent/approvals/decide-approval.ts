import { AppError } from '../../errors.ts';
import type { EmitEvent } from '../../stream/events.ts';
import { continueRun, type AgentDeps } from '../run-agent.ts';
import { runCallForModel, toolMessage } from '../settle-turn.ts';
import { wrapToolOutput } from '../system-prompt.ts';
import { hashParams } from './params-hash.ts';

export interface Decision {
  callId: string;
  decision: 'approve' | 'deny';
  /** When given (the hash `action_required` showed), the approval only holds for exactly those params. */
  paramsHash?: string;
}

/** Checks a decision before any stream starts: it must name the caller's own undecided call with the shown params. */
export async function checkDecision(deps: AgentDeps, userId: string, decision: Decision): Promise<void> {
  const call = await deps.pendingRuns.findUndecided(userId, decision.callId);
  if (!call) throw new AppError('APPROVAL_INVALID', 'No pending call with that id for you: it was decided already, expired, or never existed.');
  if (decision.paramsHash !== undefined && decision.paramsHash !== call.paramsHash) {
    throw new AppError('APPROVAL_INVALID', 'The call\'s params are not the ones that were shown; nothing was run.');
  }
}

/**
 * `POST /api/chat/approvals`: records a single-use decision bound to the user, the run, the call and
 * a hash of its params; runs the call (approved) or tells the model it was denied; resumes the run
 * once every call of the paused turn is settled.
 */
export async function decideApproval(deps: AgentDeps, userId: string, decision: Decision, emit: EmitEvent, signal: AbortSignal): Promise<void> {
  const pending = await deps.pendingRuns.findUndecided(userId, decision.callId);
  if (!pending || (decision.paramsHash !== undefined && decision.paramsHash !== pending.paramsHash)) {
    throw new AppError('APPROVAL_INVALID', 'No pending call with that id and params for you.');
  }
  const claimed = await deps.pendingRuns.claimDecision(userId, decision.callId, pending.paramsHash, decision.decision);
  if (!claimed) throw new AppError('APPROVAL_INVALID', 'This call was decided already.');
  if (hashParams(claimed.params) !== claimed.paramsHash) throw new AppError('APPROVAL_INVALID', 'The stored params changed after they were shown; nothing was run.');

  let content: string;
  if (decision.decision === 'approve') {
    content = await runCallForModel(deps, userId, claimed.callId, claimed.tool, claimed.params, emit, signal);
  } else {
    const error = { code: 'APPROVAL_DENIED', message: 'The user denied this action; it was not run.' };
    emit({ type: 'tool_result', data: { callId: claimed.callId, tool: claimed.tool, ok: false, error, attempts: 0 } });
    content = wrapToolOutput(claimed.tool, JSON.stringify({ ok: false, error }));
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
