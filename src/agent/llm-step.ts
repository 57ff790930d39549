import type OpenAI from 'openai';
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
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
  client: OpenAI,
  request: { model: string; messages: ChatCompletionMessageParam[]; tools: ChatCompletionFunctionTool[] },
  onText: (delta: string) => void,
  signal: AbortSignal,
): Promise<LlmStepResult> {
  let started = false;
  let text = '';
  let finishReason = '';
  let usage: unknown;
  const calls = createToolCallAccumulator();
  const reasoning = createReasoningAccumulator();
  try {
    const stream = await client.chat.completions.create(
      {
        model: request.model,
        messages: request.messages,
        stream: true,
        // OpenAI's way to get `usage` in the last chunk; OpenRouter always sends it and takes this as a no-op
        // (openrouter.ai/docs, "Usage accounting": `usage.include` and `stream_options.include_usage` are deprecated there).
        stream_options: { include_usage: true },
        ...(request.tools.length ? { tools: request.tools, parallel_tool_calls: true } : {}),
      },
      { signal },
    );
    for await (const chunk of stream) {
      started = true;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta?.content) {
        text += choice.delta.content;
        onText(choice.delta.content);
      }
      calls.add(choice.delta?.tool_calls);
      reasoning.add(choice.delta as never);
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    throw toLlmError(error, started);
  }
  if (signal.aborted) throw signal.reason;
  // A stream that ends without a finish reason was cut off (E7 in reliability.md).
  if (!finishReason) throw toLlmError(new Error('stream ended without a finish reason'), true);
  return { text, toolCalls: calls.finish(), finishReason, reasoning: reasoning.finish(), usage };
}
