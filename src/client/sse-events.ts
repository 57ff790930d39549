import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { EventSourceMessage } from 'eventsource-parser';
import { runEventSchema, type RunEvent } from '../stream/events.ts';
import { RuntimeClientError } from './runtime-client-error.ts';

/** The event types this client knows; any other is skipped so an older client survives a newer server. */
const KNOWN_TYPES: ReadonlySet<string> = new Set(runEventSchema.options.map((option) => option.shape.type.value));

/**
 * Turns one parsed SSE message into a typed event: `undefined` for an event type this client does
 * not know (or an unnamed `message`); a known type whose data breaks the contract throws
 * `INVALID_EVENT`, because silently dropping, say, a `done` would hide a broken server.
 */
export function toRunEvent(message: EventSourceMessage): RunEvent | undefined {
  if (!message.event || !KNOWN_TYPES.has(message.event)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch (cause) {
    throw new RuntimeClientError(0, 'INVALID_EVENT', `The ${message.event} event's data is not JSON.`, { cause });
  }
  const parsed = runEventSchema.safeParse({ type: message.event, data });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `- ${i.path.slice(1).join('.') || 'data'}: ${i.message}`).join('\n');
    throw new RuntimeClientError(0, 'INVALID_EVENT', `The ${message.event} event does not match the contract:\n${issues}`);
  }
  return parsed.data;
}

/**
 * Reads an SSE body (bytes, split anywhere, even inside a UTF-8 character) into typed run events.
 * Comment lines (`: ping`) and unknown event types are skipped. The iteration ends after the
 * run's `done` or `error` event, or quietly when `signal` aborts; a body that ends or breaks
 * before either throws `STREAM_INTERRUPTED`. Leaving the loop early cancels the body: the server
 * then detaches the run, which it aborts unless someone resumes it within the grace.
 */
export async function* readRunEvents(
  body: ReadableStream<Uint8Array>, options: { signal?: AbortSignal; onId?: (id: string) => void } = {},
): AsyncGenerator<RunEvent> {
  const reader = body
    // The cast only bridges lib.dom's BufferSource vs Uint8Array typing; the decoder takes bytes.
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    while (true) {
      let next: ReadableStreamReadResult<EventSourceMessage>;
      try {
        next = await reader.read();
      } catch (cause) {
        if (options.signal?.aborted) return;
        throw new RuntimeClientError(0, 'STREAM_INTERRUPTED', 'The connection to the runtime broke before the run ended.', { cause });
      }
      if (next.done) break;
      const event = toRunEvent(next.value);
      // The `id:` (`<runId>:<seq>`) is where a resume starts: an event is only counted once it is read whole.
      if (next.value.id) options.onId?.(next.value.id);
      if (!event) continue;
      yield event;
      if (event.type === 'done' || event.type === 'error') return;
    }
    if (options.signal?.aborted) return;
    throw new RuntimeClientError(0, 'STREAM_INTERRUPTED', 'The runtime closed the stream without a done or error event.');
  } finally {
    reader.cancel().catch(() => {});
  }
}
