import type { RunEvent } from '../stream/events.ts';
import { errorBodyOf, errorFromResponse, RuntimeClientError } from './runtime-client-error.ts';
import { resumableRunEvents, type ResumeOptions } from './resumable-stream.ts';
import { readRunEvents } from './sse-events.ts';

export interface RuntimeClientOptions {
  /** Where the runtime listens, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** The caller's JWT (HS256, `sub` = user id), sent as `Authorization: Bearer …`. */
  token: string;
  fetch?: typeof fetch;
  /** How a chat stream that broke or hit the server's per-connection limit is resumed (attempts, back-off). */
  resume?: ResumeOptions;
}

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string;
}

export interface StreamOptions {
  /**
   * Aborting ends the iteration quietly; for a chat (or an approval's resumed run) it also cancels
   * the run on the server (`POST /api/chat/runs/:runId/cancel`), for a tool run it stops the request.
   */
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

  async function send(path: string, init: { method: string; body?: unknown; accept: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response> {
    try {
      return await doFetch(`${baseUrl}${path}`, {
        method: init.method,
        headers: {
          authorization: `Bearer ${options.token}`, accept: init.accept, ...init.headers,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      });
    } catch (cause) {
      if (init.signal?.aborted) throw cause;
      // undici says only "fetch failed"; the reason (ECONNREFUSED, a DNS failure) is its cause.
      const reason = (cause as { cause?: Error })?.cause?.message ?? (cause as Error)?.message ?? String(cause);
      throw new RuntimeClientError(0, 'NETWORK_ERROR', `Could not reach the runtime at ${baseUrl}: ${reason}`, { cause });
    }
  }
  const post = (path: string, body: unknown, accept: string, signal?: AbortSignal) => send(path, { method: 'POST', body, accept, signal });

  /** A request whose answer must be an event stream: a refusal throws the server's error. */
  async function openEvents(path: string, init: Parameters<typeof send>[1]): Promise<Response> {
    const response = await send(path, init);
    if (!response.ok) throw await errorFromResponse(response);
    if (!response.body || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      await response.body?.cancel();
      throw new RuntimeClientError(response.status, 'UNEXPECTED_RESPONSE', `Expected an event stream from ${path}, got ${response.headers.get('content-type') ?? 'no body'}.`);
    }
    return response;
  }

  async function* stream(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<RunEvent> {
    let response: Response;
    try {
      response = await openEvents(path, { method: 'POST', body, accept: 'text/event-stream', signal });
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    yield* readRunEvents(response.body!, { signal });
  }

  /** A chat run's stream (`POST /api/chat`, `/api/chat/approvals`), resumed by itself (resumable-stream.ts). */
  const runStream = (path: string, body: unknown, signal?: AbortSignal): AsyncIterable<RunEvent> => resumableRunEvents({
    open: () => openEvents(path, { method: 'POST', body, accept: 'text/event-stream', signal }),
    resume: (runId, lastEventId, resumeSignal) => openEvents(`/api/chat/runs/${encodeURIComponent(runId)}/events`, {
      method: 'GET', accept: 'text/event-stream', headers: lastEventId ? { 'last-event-id': lastEventId } : {}, signal: resumeSignal,
    }),
    cancel: async (runId) => {
      const response = await send(`/api/chat/runs/${encodeURIComponent(runId)}/cancel`, {
        method: 'POST', accept: 'application/json', signal: AbortSignal.timeout(3000),
      });
      await response.body?.cancel();
    },
    signal,
    options: options.resume,
  });

  return {
    /**
     * `POST /api/chat`: one agent turn over the conversation so far, streamed; a dropped stream (or
     * one the server ends at its per-connection limit) is resumed with `Last-Event-ID` by itself.
     */
    chat(request: { messages: ChatMessage[]; model?: string; conversationId?: string }, opts: StreamOptions = {}): AsyncIterable<RunEvent> {
      return runStream('/api/chat', request, opts.signal);
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
      return runStream('/api/chat/approvals', body, opts.signal);
    },
  };
}
