import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { AppError, toErrorBody } from '../errors.ts';
import type { EmitEvent } from '../stream/events.ts';
import { capResult } from '../tools/cap-result.ts';
import type { ExecuteToolWithRepair } from '../tools/execute-tool-with-repair.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import { actionFor } from '../tools/run-tool-by-name.ts';
import type { ConnectionStore } from '../zoho/connection-store.ts';
import type { AppType, GetZohoApi } from '../zoho/get-zoho-api.ts';
import { readConnectedApps } from './connected-apps.ts';
import type { AssembledToolCall } from './tool-call-accumulator.ts';
import { runLlmStep } from './llm-step.ts';
import { buildSystemPrompt, wrapToolOutput } from './system-prompt.ts';

export interface AgentDeps {
  llm: OpenAI | undefined;
  defaultModel: string;
  registry: ToolRegistry;
  executeToolWithRepair: ExecuteToolWithRepair;
  getZohoApi: GetZohoApi;
  store: ConnectionStore;
  connectUrl: string;
  resultMaxChars: number;
  maxSteps?: number;
}

export interface AgentRequest {
  userId: string;
  messages: ChatCompletionMessageParam[];
  model?: string;
}

/**
 * The chat loop: stream a completion, run the tool calls it asks for (concurrently), hand their
 * results back as `tool` messages, and repeat until a final answer or the step limit.
 * Ends with exactly one `done`; failures of the run itself are thrown (the SSE writer sends `error`).
 */
export async function runAgent(deps: AgentDeps, request: AgentRequest, emit: EmitEvent, signal: AbortSignal): Promise<void> {
  if (!deps.llm) throw new AppError('LLM_NOT_CONFIGURED', 'OPENROUTER_API_KEY is not set on the server.');
  const maxSteps = deps.maxSteps ?? 8;
  const { apps, action } = await readConnectedApps(deps.store, request.userId, deps.connectUrl);
  if (action) emit({ type: 'action_required', data: action });
  const tools = offeredTools(deps.registry, apps);
  const history: ChatCompletionMessageParam[] = [{ role: 'system', content: buildSystemPrompt(apps) }, ...request.messages];
  const model = request.model ?? deps.defaultModel;

  for (let step = 1; step <= maxSteps; step++) {
    const result = await runLlmStep(deps.llm, { model, messages: history, tools }, (delta) => emit({ type: 'text', data: { delta } }), signal);
    if (result.toolCalls.length === 0) {
      emit({ type: 'done', data: { finishReason: result.finishReason === 'length' ? 'length' : 'stop', steps: step } });
      return;
    }
    history.push({
      role: 'assistant',
      content: result.text || null,
      tool_calls: result.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments || '{}' } })),
    });
    const toolMessages = await Promise.all(result.toolCalls.map((call) => runToolCall(deps, request.userId, call, emit, signal)));
    history.push(...toolMessages);
  }
  emit({ type: 'done', data: { finishReason: 'max_steps', steps: maxSteps } });
}

async function runToolCall(
  deps: AgentDeps, userId: string, call: AssembledToolCall, emit: EmitEvent, signal: AbortSignal,
): Promise<ChatCompletionMessageParam> {
  const params = parseArguments(call.arguments);
  emit({ type: 'tool_call', data: { callId: call.id, tool: call.name, params } });
  const app: AppType = deps.registry.get(call.name)?.app ?? (call.name.startsWith('desk_') ? 'desk' : 'crm');
  const outcome = await deps.executeToolWithRepair(() => deps.getZohoApi(userId, app), app, call.name, params, { callId: call.id, onEvent: emit, signal });
  if (signal.aborted) throw signal.reason;
  let content: string;
  if (outcome.ok) {
    content = wrapToolOutput(call.name, capResult(outcome.result, deps.resultMaxChars).text);
  } else {
    const action = actionFor(outcome.error);
    if (action) emit({ type: 'action_required', data: action });
    content = wrapToolOutput(call.name, JSON.stringify({ ok: false, error: toErrorBody(outcome.error) }));
  }
  return { role: 'tool', tool_call_id: call.id, content };
}

/** An empty argument string means `{}`; text that is not JSON is passed on for the repair steps to judge. */
function parseArguments(text: string): unknown {
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const toolCache = new WeakMap<ToolRegistry, Map<string, ChatCompletionTool[]>>();

/** The OpenAI `tools` list for the connected apps, built once per app set. */
function offeredTools(registry: ToolRegistry, apps: Set<AppType>): ChatCompletionTool[] {
  const key = [...apps].sort().join(',');
  let perApps = toolCache.get(registry);
  if (!perApps) toolCache.set(registry, (perApps = new Map()));
  let tools = perApps.get(key);
  if (!tools) {
    tools = registry.describe().filter((t) => apps.has(t.app)).map((t) => ({
      type: 'function' as const,
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    }));
    perApps.set(key, tools);
  }
  return tools;
}
