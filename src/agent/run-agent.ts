import { randomUUID } from 'node:crypto';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { AppError } from '../errors.ts';
import type { EmitEvent } from '../stream/events.ts';
import type { ExecuteToolWithRepair } from '../tools/execute-tool-with-repair.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import type { ConnectionStore } from '../zoho/connection-store.ts';
import type { GetToolApi } from '../tools/tool-api.ts';
import type { PendingRunStore } from './approvals/pending-run-store.ts';
import { readConnectedApps } from './connected-apps.ts';
import { runLlmStep } from './llm-step.ts';
import { offeredTools } from './offered-tools.ts';
import { buildSystemPrompt } from './system-prompt.ts';
import { settleTurn } from './settle-turn.ts';
import type { ToolImages } from './tool-images.ts';

export interface AgentDeps {
  llm: OpenAI | undefined;
  defaultModel: string;
  registry: ToolRegistry;
  executeToolWithRepair: ExecuteToolWithRepair;
  getZohoApi: GetToolApi;
  store: ConnectionStore;
  pendingRuns: PendingRunStore;
  connectUrl: string;
  resultMaxChars: number;
  maxSteps?: number;
  /** Wall-clock budget of one run (one stream), in ms. */
  runTimeoutMs?: number;
  /** How long a run paused for approval can be resumed. */
  approvalTtlMs?: number;
  /** Trusted deployments only: run writes the model chooses without asking (default off). */
  autoApproveWrites?: boolean;
  /** Hands the model the screenshots of the last turn's browser calls (tool-images.ts). */
  toolImages?: ToolImages;
}

export interface AgentRequest {
  userId: string;
  messages: ChatCompletionMessageParam[];
  model?: string;
}

/** The state of a run between steps; also what a paused run stores. */
export interface RunState {
  id: string;
  userId: string;
  model: string;
  /** The conversation without the system prompt (rebuilt on every start and resume). */
  messages: ChatCompletionMessageParam[];
  steps: number;
}

/** Starts a chat run: tells the user what to connect first, then runs the loop. */
export async function runAgent(deps: AgentDeps, request: AgentRequest, emit: EmitEvent, signal: AbortSignal): Promise<void> {
  const state: RunState = {
    id: randomUUID(), userId: request.userId, model: request.model ?? deps.defaultModel, messages: [...request.messages], steps: 0,
  };
  await continueRun(deps, state, emit, signal, true);
}

/**
 * The chat loop: stream a completion, settle the tool calls it asks for, hand their results back,
 * repeat until a final answer, a pause for approval, the step limit or the time limit.
 * Ends with exactly one `done`; failures of the run itself are thrown (the SSE writer sends `error`).
 */
export async function continueRun(deps: AgentDeps, state: RunState, emit: EmitEvent, clientSignal: AbortSignal, announce = false): Promise<void> {
  if (!deps.llm) throw new AppError('LLM_NOT_CONFIGURED', 'OPENROUTER_API_KEY is not set on the server.');
  const maxSteps = deps.maxSteps ?? 8;
  const timeLimit = AbortSignal.timeout(deps.runTimeoutMs ?? 120_000);
  const signal = AbortSignal.any([clientSignal, timeLimit]);
  const { apps, action } = await readConnectedApps(deps.store, state.userId, deps.connectUrl);
  if (announce && action) emit({ type: 'action_required', data: action });
  const tools = offeredTools(deps.registry, apps);
  const system: ChatCompletionMessageParam = { role: 'system', content: buildSystemPrompt(apps) };

  try {
    while (state.steps < maxSteps) {
      state.steps += 1;
      const request = { model: state.model, messages: [system, ...state.messages], tools };
      const onText = (delta: string) => emit({ type: 'text', data: { delta } });
      const result = deps.toolImages
        ? await deps.toolImages.runStep(deps.llm, state.userId, request, onText, signal)
        : await runLlmStep(deps.llm, request, onText, signal);
      if (result.toolCalls.length === 0) {
        emit({ type: 'done', data: { finishReason: result.finishReason === 'length' ? 'length' : 'stop', steps: state.steps } });
        return;
      }
      const calls = result.toolCalls.map((c) => ({ ...c, id: `call_${randomUUID()}` }));
      state.messages.push({
        role: 'assistant',
        content: result.text || null,
        tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments || '{}' } })),
      });
      const settled = await settleTurn(deps, state, calls, emit, signal);
      if (settled.paused) {
        emit({ type: 'done', data: { finishReason: 'approval_required', steps: state.steps, runId: state.id } });
        return;
      }
      state.messages.push(...settled.toolMessages);
    }
    emit({ type: 'done', data: { finishReason: 'max_steps', steps: state.steps, message: `Stopped after the limit of ${maxSteps} steps.` } });
  } catch (error) {
    if (timeLimit.aborted && !clientSignal.aborted) {
      emit({ type: 'done', data: { finishReason: 'time_limit', steps: state.steps, message: 'Stopped at the time limit of the run.' } });
      return;
    }
    throw error;
  }
}
