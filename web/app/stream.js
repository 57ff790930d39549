// Streaming one run: POST a request whose answer is SSE, hand each event on, and say how the stream
// ended. The only place that reads a run's stream, resuming included: a chat run goes on on the
// server when the connection drops, so a cut stream (or one the server ends at its per-connection
// limit, `done` with finishReason `stream_limit`) is picked up again with its last event id; Stop
// cancels the run itself. It never touches the DOM or the answer's state: chat.js folds the events.
import { request } from './api.js';
import { readEventStream } from './sse.js';

const MAX_RESUMES = 5;
const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
});

/**
 * Reads one response's events. `{ ended }` says whether `done` / `error` came; `limited` that the
 * server ended the connection at its limit (that `done` is not handed on); `cut` that the body
 * broke off (fetch reports a network error mid-stream as a TypeError).
 */
async function readOnce(res, onEvent, signal, position) {
  let ended = false;
  let limited = false;
  try {
    await readEventStream(res, (event) => {
      if (event.type === 'done' && event.data?.finishReason === 'stream_limit') {
        limited = true;
        return;
      }
      if (event.id) position.lastEventId = event.id;
      if (event.type === 'done' || event.type === 'error') ended = true;
      onEvent(event);
    });
  } catch (error) {
    if (signal.aborted || ended || !(error instanceof TypeError)) throw error;
    return { ended: false, limited: false, cut: true };
  }
  return { ended, limited, cut: !ended && !limited };
}

/**
 * Runs `POST path` with `json` as a stream of events. Resolves `{ ended: true }` once `done` or
 * `error` came, `{ ended: false }` when the stream broke off and could not be resumed; rejects with
 * the ApiError of a refused request, or an AbortError when `signal` aborts (Stop, which also
 * cancels the run on the server).
 */
export async function streamRun(path, json, onEvent, signal) {
  let res = await request(path, { method: 'POST', json, accept: 'text/event-stream', signal });
  const runId = res.headers.get('x-run-id');
  const cancel = () => {
    request(`/api/chat/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST', keepalive: true }).catch(() => {});
  };
  // Stop, and a page that goes away (reload, closed tab), cancel the run; only a dropped network is resumed.
  if (runId) {
    signal.addEventListener('abort', cancel, { once: true });
    window.addEventListener('pagehide', cancel, { once: true });
  }
  const position = { lastEventId: undefined };
  let attempts = 0;
  try {
    for (;;) {
      const before = position.lastEventId;
      const { ended, limited, cut } = await readOnce(res, onEvent, signal, position);
      if (ended) return { ended: true };
      if (signal.aborted) throw new DOMException('Stopped', 'AbortError');
      if (!runId) return { ended: false };
      attempts = position.lastEventId !== before || limited ? 0 : attempts + 1;
      for (;;) {
        if (attempts >= MAX_RESUMES) return { ended: false };
        if (cut) await sleep(Math.min(250 * 2 ** attempts, 4000), signal);
        if (signal.aborted) throw new DOMException('Stopped', 'AbortError');
        const query = position.lastEventId ? `?lastEventId=${encodeURIComponent(position.lastEventId)}` : '';
        try {
          res = await request(`/api/chat/runs/${encodeURIComponent(runId)}/events${query}`, { accept: 'text/event-stream', signal });
          break;
        } catch (error) {
          // Only an unreachable server is tried again; a run no longer kept (404) reads as a cut stream.
          if (!signal.aborted && error?.status === 404) return { ended: false };
          if (signal.aborted || error?.code !== 'NETWORK') throw error;
          attempts += 1;
        }
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel);
    window.removeEventListener('pagehide', cancel);
  }
}
