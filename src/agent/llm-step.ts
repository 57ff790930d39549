import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { toLlmError } from '../llm/llm-error.ts';
import { createToolCallAccumulator, type AssembledToolCall } from './tool-call-accumulator.ts';

export interface LlmStepResult {
  text: string;
  toolCalls: AssembledToolCall[];
  finishReason: string;
}

/**
 * One streamed completion: text deltas go to `onText` as they arrive; tool calls are assembled and
 * returned. Any failure becomes LLM_ERROR with its reason (`stream` once output has started).
 */
export async function runLlmStep(
  client: OpenAI,
  request: { model: string; messages: ChatCompletionMessageParam[]; tools: ChatCompletionTool[] },
  onText: (delta: string) => void,
  signal: AbortSignal,
): Promise<LlmStepResult> {
  let started = false;
  let text = '';
  let finishReason = '';
  const calls = createToolCallAccumulator();
  try {
    const stream = await client.chat.completions.create(
      {
        model: request.model,
        messages: request.messages,
        stream: true,
        ...(request.tools.length ? { tools: request.tools, parallel_tool_calls: true } : {}),
      },
      { signal },
    );
    for await (const chunk of stream) {
      started = true;
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta?.content) {
        text += choice.delta.content;
        onText(choice.delta.content);
      }
      calls.add(choice.delta?.tool_calls);
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  } catch (error) {
    if (signal.aborted) throw signal.reason ?? error;
    throw toLlmError(error, started);
  }
  if (signal.aborted) throw signal.reason;
  // A stream that ends without a finish reason was cut off (E7 in reliability.md).
  if (!finishReason) throw toLlmError(new Error('stream ended without a finish reason'), true);
  return { text, toolCalls: calls.finish(), finishReason };
}
