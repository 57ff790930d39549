// Reference (1) of bench/compare: the same chat written the way the AI SDK's docs show it (AI SDK v6):
// `streamText` with `@ai-sdk/openai-compatible` pointed at the fake OpenRouter, one zod tool that calls
// the fake Zoho's CRM search with a fixed token, `toUIMessageStreamResponse()`, served by hono on
// @hono/node-server. The client posts `useChat`'s body ({ messages: UIMessage[] }).
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { convertToModelMessages, stepCountIs, streamText, tool, type UIMessage } from 'ai';
import { Hono } from 'hono';
import { z } from 'zod';
import { serveApp } from '../../test/support/serve.ts';
import { TOOL } from '../compare/scenario.ts';
import { searchRecords } from '../compare/search-records.ts';
import { serveBenchChild } from '../support/child-ipc.ts';
import { readPeerEnv } from './peer-env.ts';

const env = readPeerEnv();
const openrouter = createOpenAICompatible({ name: 'openrouter', baseURL: env.llmBaseUrl, apiKey: env.llmApiKey, includeUsage: true });

const tools = {
  [TOOL]: tool({
    description: 'Search records of one Zoho CRM module by criteria, email, phone or word.',
    inputSchema: z.object({
      module: z.string().describe('Module API name, e.g. Leads, Contacts'),
      criteria: z.string().optional(),
      email: z.string().optional(),
      phone: z.string().optional(),
      word: z.string().optional(),
    }),
    execute: (input, { abortSignal }) => searchRecords(env.zohoUrl, env.zohoToken, input, abortSignal),
  }),
};

const app = new Hono().post('/api/chat', async (c) => {
  const { messages } = await c.req.json<{ messages: UIMessage[] }>();
  const result = streamText({
    model: openrouter(env.model),
    messages: await convertToModelMessages(messages),
    tools,
    stopWhen: stepCountIs(5),
    // As the runtime runs in the benchmark (llmMaxRetries 0): a retry would hide a failed request.
    maxRetries: 0,
    abortSignal: c.req.raw.signal,
    // The client sees the `error` chunk and the report names the first failure; the default prints every stack.
    onError: () => {},
  });
  return result.toUIMessageStreamResponse();
});
const server = await serveApp(app);

serveBenchChild({ name: 'ai-sdk', ready: { url: server.url }, close: server.close });
