import type { RunEvent } from '../stream/events.ts';
import { RuntimeClientError } from './runtime-client-error.ts';
import { readRunEvents } from './sse-events.ts';

export interface ResumeOptions {
  /** Resumes in a row without an event read between them before giving up (default 5). */
  maxAttempts?: number;
  /** First back-off before a resume; doubles each attempt, at most 8× (default 250 ms). */
  baseDelayMs?: number;
}

export interface ResumableStreamDeps {
  /** Opens the run's first stream (checked: 2xx, an event stream). */
  open(): Promise<Response>;
  /** `GET /api/chat/runs/:runId/events` with `Last-Event-ID` (checked like `open`). */
  resume(runId: string, lastEventId: string | undefined, signal?: AbortSignal): Promise<Response>;
  /** `POST /api/chat/runs/:runId/cancel`, best effort. */
  cancel(runId: string): Promise<void>;
  signal?: AbortSignal;
  options?: ResumeOptions;
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  signal?.addEventListener('abort', done, { once: true });
  function done() {
    clearTimeout(timer);
    signal?.removeEventListener('abort', done);
    resolve();
  }
});

const isStreamLimit = (event: RunEvent) => event.type === 'done' && event.data.finishReason === 'stream_limit';

/**
 * A chat run's events, resumed by itself: when the stream breaks (`STREAM_INTERRUPTED`) or ends
 * at the server's per-connection limit (`done` with `finishReason: "stream_limit"`, not handed on),
 * it reconnects with the last `Last-Event-ID` it read, after a back-off, at most `maxAttempts` times
 * in a row. The caller sees each event once, in order, and one final `done` or `error`. Aborting
 * `signal`, or leaving the loop before the end, cancels the run on the server (the cancel route,
 * waited for up to its timeout), not only this connection.
 */
export async function* resumableRunEvents(deps: ResumableStreamDeps): AsyncGenerator<RunEvent> {
  const maxAttempts = deps.options?.maxAttempts ?? 5;
  const baseDelayMs = deps.options?.baseDelayMs ?? 250;
  const { signal } = deps;
  let response: Response;
  try {
    response = await deps.open();
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
  const runId = response.headers.get('x-run-id') ?? undefined;
  let lastEventId: string | undefined;
  let attempts = 0;
  let ended = false;
  let cancelling: Promise<void> | undefined;
  const cancel = () => (cancelling ??= runId ? deps.cancel(runId).catch(() => {}) : Promise.resolve());
  const onAbort = () => void cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      let failure: RuntimeClientError | undefined;
      try {
        let limited = false;
        const onId = (id: string) => {
          lastEventId = id;
          attempts = 0;
        };
        for await (const event of readRunEvents(response.body!, { signal, onId })) {
          if (runId && isStreamLimit(event)) {
            limited = true;
            attempts = 0;
            break;
          }
          if (event.type === 'done' || event.type === 'error') ended = true;
          yield event;
        }
        if (!limited) return;
      } catch (error) {
        if (signal?.aborted) return;
        if (!runId || !(error instanceof RuntimeClientError) || error.code !== 'STREAM_INTERRUPTED') throw error;
        failure = error;
      }
      for (;;) {
        if (++attempts > maxAttempts) {
          throw failure ?? new RuntimeClientError(0, 'STREAM_INTERRUPTED', `Gave up resuming run ${runId} after ${maxAttempts} attempts.`);
        }
        if (failure) await sleep(Math.min(baseDelayMs * 2 ** (attempts - 1), baseDelayMs * 8), signal);
        if (signal?.aborted) return;
        try {
          response = await deps.resume(runId!, lastEventId, signal);
          break;
        } catch (error) {
          if (signal?.aborted) return;
          // Only a connection that could not be made is tried again; a refusal (404: the run is gone) is final.
          if (!(error instanceof RuntimeClientError) || error.code !== 'NETWORK_ERROR') throw error;
          failure = error;
        }
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Aborted, or the caller left the loop before the end: the run is not wanted any more.
    if (!ended) await cancel();
  }
}
