// Streaming one run: POST a request whose answer is SSE, hand each event on, and say how the stream
// ended. The only place that reads a run's stream (resuming a cut stream with Last-Event-ID belongs
// here too). It never touches the DOM or the answer's state: chat.js folds the events.
import { request } from './api.js';
import { readEventStream } from './sse.js';

/**
 * Runs `POST path` with `json` as a stream of events. Resolves `{ ended: true }` once `done` or
 * `error` came, `{ ended: false }` when the connection closed before either (a broken stream);
 * rejects with the ApiError of a refused request, or an AbortError when `signal` aborts (Stop).
 */
export async function streamRun(path, json, onEvent, signal) {
  const res = await request(path, { method: 'POST', json, accept: 'text/event-stream', signal });
  let ended = false;
  try {
    await readEventStream(res, (event) => {
      if (event.type === 'done' || event.type === 'error') ended = true;
      onEvent(event);
    });
  } catch (error) {
    if (signal.aborted || ended || !(error instanceof TypeError)) throw error;
    return { ended: false }; // the body broke off: fetch reports a network error mid-stream as a TypeError
  }
  return { ended };
}
