// Reads a `text/event-stream` body from fetch (EventSource cannot POST or send headers).
import { createParser } from '/vendor/eventsource-parser.js';

/**
 * Calls `onEvent({ type, data, id })` for each event, `data` parsed as JSON, `id` its `id:` line
 * (`<runId>:<seq>` on a chat run's events, for resuming); comments (`: ping`) are
 * skipped. Resolves when the stream ends; rejects with an AbortError when the fetch's signal aborts.
 */
export async function readEventStream(response, onEvent) {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = createParser({
    onEvent(message) {
      let data;
      try {
        data = JSON.parse(message.data);
      } catch {
        data = { raw: message.data };
      }
      onEvent({ type: message.event ?? 'message', data, id: message.id });
    },
  });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  } finally {
    reader.releaseLock();
  }
}
