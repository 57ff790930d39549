import { randomUUID } from 'node:crypto';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { startDeadline } from '../deadline.ts';
import { AppError } from '../errors.ts';
import type { CompletionStreamer } from '../llm/completion-stream.ts';
import { addUsage, noUsage } from '../llm/token-usage.ts';
import type { EmitEvent, RunEvent } from '../stream/events.ts';
import type { ExecuteToolWithRepair } from '../tools/execute-tool-with-repair.ts';
import type { PrepareParams } from '../tools/prepare-params.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import type { ConnectionStore } from '../zoho/connection-store.ts';
import type { GetToolApi } from '../tools/tool-api.ts';
import type { PendingRunStore } from './approvals/pending-run-store.ts';
import { cutOffContent } from './closing-content.ts';
import { readConnectedApps, type ConnectedApps } from './connected-apps.ts';
import type { ConversationStore } from './conversation-store.ts';
import { runLlmStep } from './llm-step.ts';
import { offeredTools } from './offered-tools.ts';
import { openConversation } from './open-conversation.ts';
import { persistTranscript } from './persist-transcript.ts';
import type { RunLog } from './run-log.ts';
import { settleTurn } from './settle-turn.ts';
import { buildSystemPrompt } from './system-prompt.ts';
import type { ToolImages } from './tool-images.ts';
import { assistantTurn, closeDanglingCalls, nameCalls, type TranscriptMessage } from './transcript.ts';

export interface AgentDeps {
  llm: CompletionStreamer | undefined;
  defaultModel: string;
  registry: ToolRegistry;
  executeToolWithRepair: ExecuteToolWithRepair;
  prepareParams: PrepareParams;
  getZohoApi: GetToolApi;
  store: ConnectionStore;
  pendingRuns: PendingRunStore;
  conversations: ConversationStore;
  runLog?: RunLog;
  connectUrl: string;
  resultMaxChars: number;
  maxSteps?: number;
  /** Wall-clock budget of one run (one stream), in ms. */
  runTimeoutMs?: number;
  /** How long a run paused for approval can be resumed. */
  approvalTtlMs?: number;
  /** Send tools in OpenAI's strict mode where their schema allows (OPENROUTER_STRICT_TOOLS). */
  strictTools?: boolean;
  /** Trusted deployments only: run writes the model chooses without asking (default off). */
  autoApproveWrites?: boolean;
  /** Hands the model the screenshots of the last turn's browser calls (tool-images.ts). */
  toolImages?: ToolImages;
}

export interface AgentRequest {
  userId: string;
  messages: ChatCompletionMessageParam[];
  model?: string;
  /** The client's conversation: the server keeps its transcript, and a new message cancels its paused runs. */
  conversationId?: string;
  /** Re-run the conversation's last turn instead of adding the body's last message again (open-conversation.ts). */
  regenerate?: boolean;
  /** The run's id (its stream's, so `x-run-id` and the run log agree); a new one when absent. */
  runId?: string;
  /** The user's connected apps, read while the route took the run slot (readConnectedAppsEarly); read at the start when absent. */
  connectedApps?: Promise<ConnectedApps>;
}

/** The state of a run between steps; also what a paused run stores. */
export interface RunState {
  id: string;
  userId: string;
  model: string;
  conversationId?: string;
  /** The model's transcript without the system prompt (rebuilt on every start and resume). */
  messages: TranscriptMessage[];
  /** How many of `messages` the conversation's stored transcript holds already. */
  persisted: number;
  steps: number;
}

/** Starts a chat run: picks up its conversation, tells the user what to connect first, then runs the loop. */
export async function runAgent(deps: AgentDeps, request: AgentRequest, emit: EmitEvent, signal: AbortSignal): Promise<void> {
  if (!deps.llm) throw new AppError('LLM_NOT_CONFIGURED', 'OPENROUTER_API_KEY is not set on the server.');
  const { messages, persisted } = request.conversationId
    ? await openConversation(deps, request.userId, request.conversationId, request.messages, request.regenerate)
    : { messages: [...request.messages], persisted: 0 };
  const state: RunState = {
    id: request.runId ?? randomUUID(), userId: request.userId, model: request.model ?? deps.defaultModel, conversationId: request.conversationId, messages, persisted, steps: 0,
  };
  await continueRun(deps, state, emit, signal, true, request.connectedApps);
}

/**
 * The chat loop: stream a completion, settle the tool calls it asks for, hand their results back,
 * repeat until a final answer, a pause for approval, the step limit or the time limit. However it
 * ends, the transcript is stored with every tool call answered and the run's tokens are logged
 * before the one `done`; failures of the run itself are thrown (the SSE writer sends `error`).
 */
export async function continueRun(
  deps: AgentDeps, state: RunState, emit: EmitEvent, clientSignal: AbortSignal, announce = false, connectedApps?: Promise<ConnectedApps>,
): Promise<void> {
  if (!deps.llm) throw new AppError('LLM_NOT_CONFIGURED', 'OPENROUTER_API_KEY is not set on the server.');
  const maxSteps = deps.maxSteps ?? 8;
  const limit = startDeadline(deps.runTimeoutMs ?? 120_000, clientSignal);
  const { signal } = limit;
  try {
    const { apps, action } = await (connectedApps ?? readConnectedApps(deps.store, state.userId, deps.connectUrl));
    if (announce && action) emit({ type: 'action_required', data: action });
    const tools = offeredTools(deps.registry, apps, deps.strictTools);
    const system: ChatCompletionMessageParam = { role: 'system', content: buildSystemPrompt(apps) };
    const startSteps = state.steps;
    let usage = noUsage();

    /** Stores the transcript (every call answered) and the run's tokens, then ends the stream. */
    const end = async (done: Extract<RunEvent, { type: 'done' }>['data'] | undefined, error?: unknown) => {
      if (done?.finishReason !== 'approval_required') state.messages = closeDanglingCalls(state.messages, (c) => cutOffContent(c.name, error)).messages;
      deps.runLog?.record({
        runId: state.id, userId: state.userId, conversationId: state.conversationId, model: state.model, steps: state.steps - startSteps,
        finishReason: done?.finishReason ?? (clientSignal.aborted ? 'aborted' : 'error'), usage,
      });
      await persistTranscript(deps, state);
      if (done) emit({ type: 'done', data: done });
    };

    try {
      while (state.steps < maxSteps) {
        state.steps += 1;
        emit({ type: 'step', data: { step: state.steps } });
        const request = { model: state.model, messages: [system, ...state.messages], tools };
        const onText = (delta: string) => emit({ type: 'text', data: { delta } });
        const result = deps.toolImages
          ? await deps.toolImages.runStep(deps.llm, state.userId, request, onText, signal)
          : await runLlmStep(deps.llm, request, onText, signal);
        usage = addUsage(usage, result.usage);
        const calls = nameCalls(result.toolCalls, state.messages);
        state.messages.push(assistantTurn(result.text, calls, result.reasoning));
        if (calls.length === 0) return await end({ finishReason: result.finishReason === 'length' ? 'length' : 'stop', steps: state.steps });
        const settled = await settleTurn(deps, state, calls, emit, signal);
        if (settled.paused) return await end({ finishReason: 'approval_required', steps: state.steps, runId: state.id });
        state.messages.push(...settled.toolMessages);
      }
      await end({ finishReason: 'max_steps', steps: state.steps, message: `Stopped after the limit of ${maxSteps} steps.` });
    } catch (error) {
      if (limit.timedOut.aborted && !clientSignal.aborted) {
        return end({ finishReason: 'time_limit', steps: state.steps, message: 'Stopped at the time limit of the run.' });
      }
      await end(undefined, error).catch(() => {});
      throw error;
    }
  } finally {
    limit.clear();
  }
}
