import type { ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import { toErrorBody, type AppError } from '../errors.ts';
import type { EmitEvent } from '../stream/events.ts';
import { capResult } from '../tools/cap-result.ts';
import { actionFor } from '../tools/run-tool-by-name.ts';
import type { ToolApp } from '../tools/define-tool.ts';
import { summarizeCall } from '../tools/summarize-call.ts';
import { approvalRequest } from './approvals/approval-request.ts';
import { hashParams } from './approvals/params-hash.ts';
import type { PausedCall } from './approvals/pending-run-store.ts';
import { persistTranscript } from './persist-transcript.ts';
import type { AgentDeps, RunState } from './run-agent.ts';
import { wrapToolOutput } from './system-prompt.ts';
import { parseArguments, toolMessage, type TurnCall } from './transcript.ts';

/**
 * Settles one turn's tool calls. Reads run at once, concurrently. A write or destructive call is
 * not run: its params are made what would run (the repairs a run would make), it is announced as
 * `action_required` (`approval_required`) with exactly those params, and the run is stored, paused,
 * until the user decides (POST /api/chat/approvals).
 */
export async function settleTurn(
  deps: AgentDeps, state: RunState, calls: TurnCall[], emit: EmitEvent, signal: AbortSignal,
): Promise<{ paused: boolean; toolMessages: ChatCompletionToolMessageParam[] }> {
  const parsed = calls.map((call) => ({ call, params: parseArguments(call.arguments), tool: deps.registry.get(call.name) }));
  for (const { call, params, tool } of parsed) {
    const summary = summarizeCall(tool, params);
    emit({ type: 'tool_call', data: { callId: call.callId, tool: call.name, params, ...(summary ? { summary } : {}) } });
  }
  const needsApproval = (p: (typeof parsed)[number]) => !deps.autoApproveWrites && p.tool !== undefined && p.tool.effect !== 'read';
  const settled = await Promise.all(parsed.map(async (p): Promise<{ content: string } | { ask: Record<string, unknown> }> => {
    if (!needsApproval(p)) return { content: (await runCall(deps, state, p.call, p.params, emit, signal)).content };
    const app = appOf(deps, p.call.name);
    const prepared = await deps.prepareParams((s) => deps.getZohoApi(state.userId, app, { signal: s }), app, p.call.name, p.params, { callId: p.call.callId, onEvent: emit, signal });
    if (signal.aborted) throw signal.reason;
    return prepared.ok ? { ask: prepared.params } : { content: failedCall(p.call, prepared.error, 0, emit) };
  }));
  if (!settled.some((s) => 'ask' in s)) {
    return { paused: false, toolMessages: parsed.map((p, i) => toolMessage(p.call.toolCallId, (settled[i] as { content: string }).content)) };
  }
  const paused: PausedCall[] = parsed.map(({ call, params }, i) => {
    const s = settled[i]!;
    if ('ask' in s) return approvalRequest(deps.registry, call, s.ask, state.messages);
    return {
      callId: call.callId, toolCallId: call.toolCallId, tool: call.name, params, paramsHash: hashParams(params), summary: `Ran ${call.name}.`,
      decision: 'auto', resultContent: s.content,
    };
  });
  await persistTranscript(deps, state);
  await deps.pendingRuns.pause(state, paused, deps.approvalTtlMs ?? 60 * 60_000);
  for (const call of paused.filter((c) => !c.decision)) emitApprovalRequest(emit, call, state.id);
  return { paused: true, toolMessages: [] };
}

/** Announces a call waiting for the user's decision, with exactly the params that will run. */
export function emitApprovalRequest(emit: EmitEvent, call: PausedCall, runId: string): void {
  const { callId, tool, params, paramsHash, summary, effect, names } = call;
  emit({
    type: 'action_required',
    data: { code: 'approval_required', message: summary, callId, tool, params, paramsHash, runId, url: '/api/chat/approvals', method: 'POST', effect, names },
  });
}

/**
 * Runs one call; returns the `tool` message content the model reads (capped, wrapped as untrusted
 * data) and, for an exact-params run (an approved call), the repair it refused to make.
 */
export async function runCall(
  deps: AgentDeps, state: Pick<RunState, 'id' | 'userId'>, call: Pick<TurnCall, 'callId' | 'name'>, params: unknown, emit: EmitEvent, signal: AbortSignal,
  exactParams = false,
) {
  const app = appOf(deps, call.name);
  const outcome = await deps.executeToolWithRepair((s) => deps.getZohoApi(state.userId, app, { signal: s }), app, call.name, params, {
    callId: call.callId, runId: state.id, onEvent: emit, signal, exactParams,
  });
  if (signal.aborted) throw signal.reason;
  if (outcome.ok) return { content: wrapToolOutput(call.name, capResult(outcome.result, deps.resultMaxChars).text) };
  const action = actionFor(outcome.error);
  if (action) emit({ type: 'action_required', data: action });
  return { content: failureContent(call.name, outcome.error), proposal: outcome.proposal };
}

/** A call that failed before it ran: the client sees its result, the model reads the error. */
function failedCall(call: TurnCall, error: AppError, attempts: number, emit: EmitEvent): string {
  emit({ type: 'tool_result', data: { callId: call.callId, tool: call.name, ok: false, error: toErrorBody(error), attempts } });
  const action = actionFor(error);
  if (action) emit({ type: 'action_required', data: action });
  return failureContent(call.name, error);
}

const failureContent = (tool: string, error: AppError) => wrapToolOutput(tool, JSON.stringify({ ok: false, error: toErrorBody(error) }));

const appOf = (deps: AgentDeps, name: string): ToolApp => deps.registry.get(name)?.app ?? (name.startsWith('desk_') ? 'desk' : 'crm');
