import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export interface CompletionRequest {
  model: string;
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionFunctionTool[];
}

// The tools list is the bulk of every request (about 27 KB for the 30 tools) and the same array for every
// user with the same apps (src/agent/offered-tools.ts caches it per app set), so its JSON is made once per
// array and spliced in, not re-encoded on every step.
const toolsJson = new WeakMap<ChatCompletionFunctionTool[], string>();

/**
 * The streamed chat-completions body as bytes: `stream_options.include_usage` is OpenAI's way to get `usage` in
 * the last chunk (OpenRouter always sends it and takes this as a no-op: openrouter.ai/docs, "Usage accounting").
 * Bytes, not a string, so that the request holds the body once (a string would be kept beside its encoding).
 */
export function completionBody(request: CompletionRequest): Buffer {
  let tools = '';
  if (request.tools.length) {
    let json = toolsJson.get(request.tools);
    if (json === undefined) toolsJson.set(request.tools, (json = JSON.stringify(request.tools)));
    tools = `,"tools":${json},"parallel_tool_calls":true`;
  }
  return Buffer.from(
    `{"model":${JSON.stringify(request.model)},"messages":${JSON.stringify(request.messages)},"stream":true,"stream_options":{"include_usage":true}${tools}}`,
  );
}
