import type { Context } from 'hono';
import type { EmitEvent, RunEvent } from './events.ts';
import { runWithErrorEvent } from './run-with-error-event.ts';
import type { SseOptions } from './sse-response.ts';
import { sseSink } from './sse-sink.ts';
import { createUiMessageEncoder, uiChunkLine, UI_STREAM_DONE, type UiChunk } from './ui-message-stream.ts';

/**
 * Streams a run as the AI SDK UI message stream v1: the same run and event bus as `sseResponse`,
 * the other encoder at the edge. The same guarantees: `start` first, exactly one end (`finish`,
 * `error` or `abort`) then `data: [DONE]`, written as they come (`x-accel-buffering: no`), a
 * keep-alive comment (the AI SDK's SSE parser skips comment lines), the run aborted when the client
 * goes away (its `stop()`), internal errors masked and logged.
 */
export function uiMessageResponse(
  c: Context, options: SseOptions & { messageId: string }, run: (emit: EmitEvent, signal: AbortSignal) => Promise<void>,
): Response {
  const headers = { 'x-vercel-ai-ui-message-stream': 'v1' };
  return sseSink(c, { headers, heartbeatMs: options.heartbeatMs }, async (sink, gone) => {
    const encoder = createUiMessageEncoder(options.messageId);
    const send = (chunks: UiChunk[]) => {
      if (chunks.length) sink.write(chunks.map(uiChunkLine).join(''));
    };
    const write = (event: RunEvent) => {
      if (!encoder.ended) send(encoder.encode(event));
    };
    send(encoder.start());
    try {
      await runWithErrorEvent(options.logger, write, () => run(write, gone));
    } finally {
      if (!encoder.ended) write({ type: 'error', data: { code: 'INTERNAL', message: 'The run ended without a result.' } });
      sink.write(UI_STREAM_DONE);
    }
  });
}
