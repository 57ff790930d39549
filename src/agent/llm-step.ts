import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { completionBody, type CompletionRequest } from '../llm/completion-body.ts';
import type { CompletionStreamer } from '../llm/completion-stream.ts';
import { toLlmError } from '../llm/llm-error.ts';
import { createReasoningAccumulator, type Reasoning } from '../llm/reasoning-details.ts';
import { createToolCallAccumulator, type AssembledToolCall } from './tool-call-accumulator.ts';

export interface LlmStepResult {
  text: string;
  toolCalls: AssembledToolCall[];
  finishReason: string;
  /** What the model reasoned beside its answer, to send back with it (src/llm/reasoning-details.ts). */
  reasoning: Reasoning;
  /** The completion's `usage` as OpenRouter sent it (the last chunk), if it did. */
  usage?: unknown;
}

/**
 * One streamed completion: text deltas go to `onText` as they arrive; tool calls and reasoning are
 * assembled and returned. Any failure becomes LLM_ERROR with its reason (`stream` once output has started).
 */
export async function runLlmStep(
  client: CompletionStreamer,
  request: CompletionRequest,
  onText: (delta: string) => void,
  signal: AbortSignal,
): Promise<LlmStepResult> {
  let started = false;
  let text = '';
  let finishReason = '';
  let usage: unknown;
  const calls = createToolCallAccumulator();
  const reasoning = createReasoningAccumulator();
  const onChunk = (chunk: ChatCompletionChunk) => {
    started = true;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta;
    if (delta?.content) {
      text += delta.content;
      onText(delta.content);
    }
    calls.add(delta?.tool_calls);
    reasoning.add(delta as never);
    if (choice.finish_reason) finishReason = choice.finish_reason;
  };
  try {
    await client.stream(completionBody(request), signal, onChunk);
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    throw toLlmError(error, started);
  }
  if (signal.aborted) throw signal.reason;
  // A stream that ends without a finish reason was cut off (E7 in reliability.md).
  if (!finishReason) throw toLlmError(new Error('stream ended without a finish reason'), true);
  return { text, toolCalls: calls.finish(), finishReason, reasoning: reasoning.finish(), usage };
}
