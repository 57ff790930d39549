import type { ClientRequest, IncomingMessage, IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { createKeepAliveAgents } from '../keep-alive-agents.ts';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ATTRIBUTION_HEADERS, type OpenRouterOptions } from './openrouter-client.ts';
import { retryDelayMs, shouldRetryStatus } from './retry-delay.ts';
import { USER_AGENT } from '../user-agent.ts';

/** One streamed chat completion: each parsed chunk goes to `onChunk`; resolves at the end of the stream. */
export interface CompletionStreamer {
  stream(body: Buffer, signal: AbortSignal, onChunk: (chunk: ChatCompletionChunk) => void): Promise<void>;
  /** Closes the idle keep-alive sockets (at shutdown). */
  close(): void;
}

class HeadersTimeout extends Error {}

/**
 * The streamed completion on the chat's hot path, without the `openai` SDK's per-request machinery (its
 * request building, `fetch` and web streams, its SSE decoder): a node:http request on a keep-alive agent
 * whose body is written once and then let go, and eventsource-parser on the answer's text. It keeps what the
 * SDK did for this call: the same retries before the stream starts (./retry-delay.ts; `maxRetries`, 2 by
 * default), the timeout until the answer's headers, and failures thrown as the SDK's own error classes
 * (`OpenAI.APIError.generate` for a status, APIError for an error chunk mid-stream, APIConnectionError),
 * so that src/llm/llm-error.ts maps them to the same reasons.
 */
export function createCompletionStreamer(options: OpenRouterOptions): CompletionStreamer {
  const url = new URL(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  const agents = createKeepAliveAgents();
  const maxRetries = options.maxRetries ?? 2;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const headers = {
    ...ATTRIBUTION_HEADERS,
    authorization: `Bearer ${options.apiKey}`,
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };

  /**
   * One attempt, up to the answer's headers. The body is written here, outside the listeners' closures: a
   * closure over it would keep it (through the request, which the response references) while the answer streams.
   */
  function attempt(body: Buffer, signal: AbortSignal): Promise<IncomingMessage> {
    const req = agents.request(url, { method: 'POST', signal, headers: { ...headers, 'content-length': body.length } });
    const answer = answerOf(req, timeoutMs);
    req.end(body);
    return answer;
  }

  function answerOf(req: ClientRequest, timeoutMs: number): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => req.destroy(new HeadersTimeout('no answer in time')), timeoutMs);
      req.once('response', (res) => {
        clearTimeout(timer);
        resolve(res);
      });
      // `on`, not `once`: a socket error after the headers surfaces on the response; it must not go unhandled here.
      req.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Retries as the SDK did, then the answer whose body is the event stream. */
  async function open(body: Buffer, signal: AbortSignal): Promise<IncomingMessage> {
    for (let retriesLeft = maxRetries; ; retriesLeft--) {
      let res: IncomingMessage;
      try {
        res = await attempt(body, signal);
      } catch (error) {
        if (signal.aborted) throw signal.reason ?? error;
        if (retriesLeft > 0) {
          await sleep(retryDelayMs(undefined, retriesLeft, maxRetries), undefined, { signal });
          continue;
        }
        if (error instanceof HeadersTimeout) throw new OpenAI.APIConnectionTimeoutError();
        throw new OpenAI.APIConnectionError({ message: 'Connection error.', cause: error as Error });
      }
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return res;
      const retry = shouldRetryStatus(status, headerOf(res.headers, 'x-should-retry'));
      if (retry && retriesLeft > 0) {
        res.resume();
        await sleep(retryDelayMs(retryHeaders(res.headers), retriesLeft, maxRetries), undefined, { signal });
        continue;
      }
      const text = await readText(res).catch((error: Error) => error.message);
      const json = safeJson(text) as object | undefined;
      throw OpenAI.APIError.generate(status, json, json ? undefined : text, toHeaders(res.headers));
    }
  }

  return {
    // Not async: nothing of this frame (the body) stays alive while the answer streams.
    stream: (body, signal, onChunk) => open(body, signal).then((res) => read(res, onChunk)),
    close: () => agents.close(),
  };
}

/** The answer's event stream, chunk by chunk, to its end. */
async function read(res: IncomingMessage, onChunk: (chunk: ChatCompletionChunk) => void): Promise<void> {
  let done = false;
  const parser = createParser({
    onEvent(event) {
      if (done) return;
      if (event.data.startsWith('[DONE]')) {
        done = true;
        return;
      }
      const data = JSON.parse(event.data) as ChatCompletionChunk & { error?: unknown };
      if (data.error) throw new OpenAI.APIError(undefined, data.error, undefined, toHeaders(res.headers));
      onChunk(data);
    },
  });
  res.setEncoding('utf8');
  // A premature close or reset rejects the iteration (a cut-off stream); an abort destroys the request.
  // Read to the end even after [DONE] (as the SDK did), so the socket goes back to the keep-alive pool.
  for await (const text of res as AsyncIterable<string>) parser.feed(text);
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function retryHeaders(headers: IncomingHttpHeaders): { 'retry-after-ms'?: string; 'retry-after'?: string } {
  return { 'retry-after-ms': headerOf(headers, 'retry-after-ms'), 'retry-after': headerOf(headers, 'retry-after') };
}

/** A failed answer's headers as the SDK's errors carry them (src/llm/llm-error.ts reads `retry-after`). */
function toHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

async function readText(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const part of res as AsyncIterable<string>) text += part;
  return text;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
