import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { toErrorBody } from '../errors.ts';
import type { EmitEvent } from '../stream/events.ts';
import { capResult } from '../tools/cap-result.ts';
import type { AnyTool } from '../tools/define-tool.ts';
import { actionFor } from '../tools/run-tool-by-name.ts';
import type { AppType } from '../zoho/get-zoho-api.ts';
import { hashParams } from './approvals/params-hash.ts';
import type { PausedCall } from './approvals/pending-run-store.ts';
import type { AgentDeps, RunState } from './run-agent.ts';
import type { AssembledToolCall } from './tool-call-accumulator.ts';
import { wrapToolOutput } from './system-prompt.ts';

/**
 * Settles one turn's tool calls. Reads run at once, concurrently. A write or destructive call is
 * not run: it is announced as `action_required` (`approval_required`) and the run is stored, paused,
 * until the user decides (POST /api/chat/approvals).
 */
export async function settleTurn(
  deps: AgentDeps, state: RunState, calls: AssembledToolCall[], emit: EmitEvent, signal: AbortSignal,
): Promise<{ paused: boolean; toolMessages: ChatCompletionMessageParam[] }> {
  const parsed = calls.map((call) => ({ call, params: parseArguments(call.arguments), tool: deps.registry.get(call.name) }));
  for (const { call, params } of parsed) emit({ type: 'tool_call', data: { callId: call.id, tool: call.name, params } });
  const needsApproval = (p: (typeof parsed)[number]) => !deps.autoApproveWrites && p.tool !== undefined && p.tool.effect !== 'read';
  const contents = await Promise.all(parsed.map((p) =>
    needsApproval(p) ? Promise.resolve(undefined) : runCallForModel(deps, state.userId, p.call.id, p.call.name, p.params, emit, signal)));
  if (!parsed.some(needsApproval)) {
    return { paused: false, toolMessages: parsed.map((p, i) => toolMessage(p.call.id, contents[i]!)) };
  }
  const paused: PausedCall[] = parsed.map((p, i) => {
    const summary = summarize(p.tool, p.call.name, p.params);
    return needsApproval(p)
      ? { callId: p.call.id, tool: p.call.name, params: p.params, paramsHash: hashParams(p.params), summary }
      : { callId: p.call.id, tool: p.call.name, params: p.params, paramsHash: hashParams(p.params), summary, decision: 'auto', resultContent: contents[i] };
  });
  await deps.pendingRuns.pause(state, paused, deps.approvalTtlMs ?? 60 * 60_000);
  for (const call of paused.filter((c) => !c.decision)) {
    emit({
      type: 'action_required',
      data: {
        code: 'approval_required', message: call.summary, callId: call.callId, tool: call.tool, params: call.params,
        paramsHash: call.paramsHash, runId: state.id, url: '/api/chat/approvals', method: 'POST',
      },
    });
  }
  return { paused: true, toolMessages: [] };
}

/** Runs one call and returns the `tool` message content the model reads (capped, wrapped as untrusted data). */
export async function runCallForModel(
  deps: AgentDeps, userId: string, callId: string, name: string, params: unknown, emit: EmitEvent, signal: AbortSignal,
): Promise<string> {
  const app: AppType = deps.registry.get(name)?.app ?? (name.startsWith('desk_') ? 'desk' : 'crm');
  const outcome = await deps.executeToolWithRepair((s) => deps.getZohoApi(userId, app, { signal: s }), app, name, params, { callId, onEvent: emit, signal });
  if (signal.aborted) throw signal.reason;
  if (outcome.ok) return wrapToolOutput(name, capResult(outcome.result, deps.resultMaxChars).text);
  const action = actionFor(outcome.error);
  if (action) emit({ type: 'action_required', data: action });
  return wrapToolOutput(name, JSON.stringify({ ok: false, error: toErrorBody(outcome.error) }));
}

/** A tool's summary of its params; the model's params are not validated yet, so one that breaks it gets the plain one. */
function summarize(tool: AnyTool | undefined, name: string, params: unknown): string {
  try {
    return tool?.summarize?.(params as never) ?? `Run ${name}.`;
  } catch {
    return `Run ${name}.`;
  }
}

export const toolMessage = (callId: string, content: string): ChatCompletionMessageParam => ({ role: 'tool', tool_call_id: callId, content });

/** An empty argument string means `{}`; text that is not JSON is passed on for the repair steps to judge. */
function parseArguments(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
