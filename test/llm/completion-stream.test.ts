// The lean streamed completion (src/llm/completion-stream.ts) against the fake OpenRouter (a real HTTP
// server): the body it sends, the chunks it reads, and the `openai` SDK's behaviour it keeps: retries of
// 408/409/429/5xx before the stream starts (Retry-After, x-should-retry), the SDK's error classes, the
// timeout until the answer's headers, abort, and a cut-off stream.
import { createServer } from 'node:net';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completionBody } from '../../src/llm/completion-body.ts';
import { createCompletionStreamer, type CompletionStreamer } from '../../src/llm/completion-stream.ts';
import { toLlmError } from '../../src/llm/llm-error.ts';
import { retryDelayMs } from '../../src/llm/retry-delay.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import { USER_AGENT } from '../../src/user-agent.ts';

const tools: ChatCompletionFunctionTool[] = [
  { type: 'function', function: { name: 'crm_get_org', description: 'The org.', parameters: { type: 'object', properties: {}, additionalProperties: false } } },
];
const request = { model: 'test/model', messages: [{ role: 'user' as const, content: 'Hi "there"' }], tools };

describe('the streamed completion request', () => {
  let llm: FakeOpenRouter;
  const streamer = (options: { maxRetries?: number; timeoutMs?: number } = {}): CompletionStreamer =>
    createCompletionStreamer({ apiKey: llm.apiKey, baseUrl: llm.baseURL, maxRetries: options.maxRetries ?? 2, timeoutMs: options.timeoutMs });

  async function run(s: CompletionStreamer, signal = new AbortController().signal): Promise<ChatCompletionChunk[]> {
    const chunks: ChatCompletionChunk[] = [];
    await s.stream(completionBody(request), signal, (c) => chunks.push(c));
    return chunks;
  }
  const failure = (s: CompletionStreamer, signal?: AbortSignal) => run(s, signal).then(() => undefined, (e: unknown) => e);

  beforeAll(async () => {
    llm = await startFakeOpenRouter();
  });
  afterAll(() => llm.close());
  beforeEach(() => llm.reset());

  it('sends the body the SDK sent, with the tools spliced in, and reads every chunk to the usage', async () => {
    llm.script({ text: ['Hel', 'lo'], usage: { prompt_tokens: 10, completion_tokens: 2 } });
    const chunks = await run(streamer());
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello');
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 2 });
    const sent = llm.requests[0]!;
    expect(sent.body).toEqual({ ...request, stream: true, stream_options: { include_usage: true }, tools, parallel_tool_calls: true });
    expect(sent.headers).toMatchObject({ 'http-referer': 'https://github.com/zoho-agent-runtime', 'x-title': 'Zoho agent runtime', 'content-type': 'application/json', 'user-agent': USER_AGENT });
  });

  it('offers no tools key when there are none', () => {
    expect(JSON.parse(completionBody({ ...request, tools: [] }).toString())).toEqual({ model: 'test/model', messages: request.messages, stream: true, stream_options: { include_usage: true } });
  });

  it('retries a 429 after its Retry-After, then streams', async () => {
    llm.script({ error: { status: 429, message: 'Rate limit exceeded' }, headers: { 'retry-after': '0.05' } }, { text: 'ok' });
    const chunks = await run(streamer());
    expect(chunks[0]!.choices[0]!.delta.content).toBe('ok');
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1]!.at - llm.requests[0]!.at).toBeGreaterThanOrEqual(40);
  });

  it('gives up on 5xx after maxRetries more attempts, with the SDK\'s error and reason upstream', async () => {
    const bad = { error: { status: 502, message: 'Provider returned error' }, headers: { 'retry-after-ms': '1' } };
    llm.script(bad, bad, bad, { text: 'never' });
    const error = await failure(streamer({ maxRetries: 2 }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect(llm.requests).toHaveLength(3);
    expect(toLlmError(error, false).details).toMatchObject({ reason: 'upstream', upstreamStatus: 502 });
  });

  it('does not retry what the server says not to, nor a 4xx, and keeps its message and Retry-After', async () => {
    llm.script({ error: { status: 503, message: 'Down for maintenance' }, headers: { 'x-should-retry': 'false', 'retry-after': '30' } });
    const error = await failure(streamer());
    expect(llm.requests).toHaveLength(1);
    expect((error as Error).message).toBe('503 Down for maintenance');
    expect(toLlmError(error, false).retryAfter).toBe(30);
    llm.reset();
    llm.unknownModels.add('test/model');
    const refused = await failure(streamer());
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect(llm.requests).toHaveLength(1);
    expect(toLlmError(refused, false).details).toMatchObject({ reason: 'model', upstreamStatus: 400 });
    llm.unknownModels.delete('test/model');
    llm.script({ error: { status: 402, message: 'Insufficient credits' } });
    expect(toLlmError(await failure(streamer()), false).details).toMatchObject({ reason: 'credits' });
  });

  it('throws an error chunk mid-stream as an APIError without status, after the text before it', async () => {
    llm.script({ streamError: { message: 'Provider disconnected' }, afterText: ['partial '] });
    const chunks: ChatCompletionChunk[] = [];
    const error = await streamer().stream(completionBody(request), new AbortController().signal, (c) => chunks.push(c)).catch((e: unknown) => e);
    expect(chunks[0]!.choices[0]!.delta.content).toBe('partial ');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('Provider disconnected');
    expect(toLlmError(error, true).details).toMatchObject({ reason: 'stream' });
  });

  it('rejects a stream cut off mid-answer', async () => {
    llm.script({ dropAfter: ['partial '] });
    expect(await failure(streamer())).toBeInstanceOf(Error);
  });

  it('stops reading and closes the request when the signal aborts', async () => {
    llm.script({ hangAfter: ['Thinking'] });
    const abort = new AbortController();
    const s = streamer();
    const done = s.stream(completionBody(request), abort.signal, () => abort.abort(new Error('user left'))).catch((e: unknown) => e);
    expect(await done).toBeInstanceOf(Error);
    expect(await llm.waitForAbort(0, 2000)).toBe(true);
  });

  it('times out waiting for the answer\'s headers, as APIConnectionTimeoutError, once its retries are spent', async () => {
    llm.script([{ error: { status: 500, message: 'slow' } }, { firstChunkDelayMs: 1000 }]);
    const error = await failure(streamer({ maxRetries: 0, timeoutMs: 100 }));
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('retries a refused connection, then throws APIConnectionError', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const s = createCompletionStreamer({ apiKey: 'k', baseUrl: `http://127.0.0.1:${port}/api/v1`, maxRetries: 1 });
    const t0 = performance.now();
    const error = await s.stream(completionBody(request), new AbortController().signal, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    // One retry after the default backoff (0.5 s less up to 25% jitter).
    expect(performance.now() - t0).toBeGreaterThanOrEqual(370);
  });
});

describe('retryDelayMs (the SDK\'s retry waits)', () => {
  it('takes retry-after-ms, then Retry-After in seconds or as a date, under a minute', () => {
    expect(retryDelayMs({ 'retry-after-ms': '120', 'retry-after': '9' }, 2, 2)).toBe(120);
    expect(retryDelayMs({ 'retry-after': '1.5' }, 2, 2)).toBe(1500);
    const date = retryDelayMs({ 'retry-after': new Date(Date.now() + 10_000).toUTCString() }, 2, 2);
    expect(date).toBeGreaterThan(8000);
    expect(date).toBeLessThanOrEqual(10_000);
  });

  it('falls back to 0.5 s doubling per retry, up to 8 s, less up to 25% jitter', () => {
    for (const [left, max, full] of [[2, 2, 500], [1, 2, 1000], [1, 6, 8000]] as const) {
      const wait = retryDelayMs({ 'retry-after': '3600' }, left, max);
      expect(wait).toBeGreaterThanOrEqual(full * 0.75);
      expect(wait).toBeLessThanOrEqual(full);
    }
  });
});
