import type { RunEvent } from '../stream/events.ts';
import { errorBodyOf, errorFromResponse, RuntimeClientError } from './runtime-client-error.ts';
import { readRunEvents } from './sse-events.ts';

export interface RuntimeClientOptions {
  /** Where the runtime listens, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** The caller's JWT (HS256, `sub` = user id), sent as `Authorization: Bearer …`. */
  token: string;
  fetch?: typeof fetch;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface StreamOptions {
  /** Aborting stops the request (the server then aborts the LLM call and pending tool calls) and ends the iteration quietly. */
  signal?: AbortSignal;
}

/** The JSON answer of `POST /api/tools/:name`: a failed run is data, like a successful one. */
export interface ToolCallResult {
  ok: boolean;
  result?: unknown;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  attempts: number;
}

export type RuntimeClient = ReturnType<typeof createRuntimeClient>;

/**
 * A typed client for the runtime's HTTP API. Streaming methods return async iterables of events
 * validated with the server's own `runEventSchema`; the request is sent when iteration starts.
 * Iteration ends after `done` or `error` (an `error` event is yielded, not thrown); a request the
 * runtime refuses (non-2xx) throws `RuntimeClientError` with the server's code.
 */
export function createRuntimeClient(options: RuntimeClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function post(path: string, body: unknown, accept: string, signal?: AbortSignal): Promise<Response> {
    try {
      return await doFetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept },
        body: JSON.stringify(body),
        signal,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      // undici says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure) is its cause.
      const reason = (cause as { cause?: Error })?.cause?.message ?? (cause as Error)?.message ?? String(cause);
      throw new RuntimeClientError(0, 'NETWORK_ERROR', `Could not reach the runtime at ${baseUrl}: ${reason}`, { cause });
    }
  }

  async function* stream(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    let response: Response;
    try {
      response = await post(path, body, 'text/event-stream', signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      await response.body?.cancel();
      throw new RuntimeClientError(response.status, 'UNEXPECTED_RESPONSE', `Expected an event stream from ${path}, got ${response.headers.get('content-type') ?? 'no body'}.`);
    }
    yield* readRunEvents(response.body, { signal });
  }

  return {
    /** `POST /api/chat`: one agent turn over the conversation so far, streamed. */
    chat(request: { messages: ChatMessage[]; model?: string; conversationId?: string }, opts: StreamOptions = {}): AsyncIterable<RunEvent> {
      return stream('/api/chat', request, opts.signal);
    },

    /** `POST /api/tools/:name` as SSE: `status`, `repair`…, `tool_result`, then `done` or `error`. */
    runTool(name: string, params: Record<string, unknown> = {}, opts: StreamOptions = {}): AsyncIterable<RunEvent> {
      return stream(`/api/tools/${encodeURIComponent(name)}`, { params }, opts.signal);
    },

    /**
     * `POST /api/tools/:name` as JSON. A tool that ran and failed resolves with `ok: false`;
     * a refused request (bad token, unknown tool, bad body) throws `RuntimeClientError`.
     */
    async callTool(name: string, params: Record<string, unknown> = {}, opts: { signal?: AbortSignal } = {}): Promise<ToolCallResult> {
      const response = await post(`/api/tools/${encodeURIComponent(name)}`, { params }, 'application/json', opts.signal);
      const body = (await response.clone().json().catch(() => undefined)) as Partial<ToolCallResult> | undefined;
      if (typeof body?.ok === 'boolean' && typeof body.attempts === 'number' && (body.ok ? response.ok : errorBodyOf(body))) {
        return body as ToolCallResult;
      }
      throw response.ok
        ? new RuntimeClientError(response.status, 'UNEXPECTED_RESPONSE', `The answer of /api/tools/${name} is not a tool result.`)
        : await errorFromResponse(response);
    },

    /**
     * `POST /api/chat/approvals`: approve or deny a held write (an `action_required` event with
     * code `approval_required`); streams the resumed run. Pass the event's `paramsHash` so the
     * decision only holds for the params the user saw.
     */
    decideApproval(callId: string, decision: 'approve' | 'deny', opts: StreamOptions & { paramsHash?: string } = {}): AsyncIterable<RunEvent> {
      const body = opts.paramsHash === undefined ? { callId, decision } : { callId, decision, paramsHash: opts.paramsHash };
      return stream('/api/chat/approvals', body, opts.signal);
    },
  };
}
