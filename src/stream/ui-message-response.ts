import type { Context } from 'hono';
import { stream as honoStream } from 'hono/streaming';
import { AppError, toErrorBody } from '../errors.ts';
import { asDatabaseOutage } from '../db/database-errors.ts';
import { describeInternalError } from '../log.ts';
import type { EmitEvent, RunEvent } from './events.ts';
import { runWithErrorEvent } from './run-with-error-event.ts';
import type { SseOptions } from './sse-response.ts';
import { createUiMessageEncoder, uiChunkLine, UI_STREAM_DONE } from './ui-message-stream.ts';

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
  c.header('content-type', 'text/event-stream');
  c.header('cache-control', 'no-cache, no-transform');
  c.header('connection', 'keep-alive');
  c.header('x-vercel-ai-ui-message-stream', 'v1');
  c.header('x-accel-buffering', 'no');
  return honoStream(c, async (stream) => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort(new AppError('ABORTED', 'The client went away.')));
    const encoder = createUiMessageEncoder(options.messageId);
    let chain = Promise.resolve();
    const send = (text: string) => {
      chain = chain.then(() => stream.write(text)).then(() => {}, () => {});
    };
    const write = (event: RunEvent) => {
      if (encoder.ended || stream.aborted) return;
      const chunks = encoder.encode(event);
      if (chunks.length) send(chunks.map(uiChunkLine).join(''));
    };
    send(encoder.start().map(uiChunkLine).join(''));
    const heartbeat = setInterval(() => send(': ping\n\n'), options.heartbeatMs ?? 15_000);
    try {
      await runWithErrorEvent(options.logger, write, () => run(write, controller.signal));
    } finally {
      clearInterval(heartbeat);
      if (!encoder.ended) write({ type: 'error', data: { code: 'INTERNAL', message: 'The run ended without a result.' } });
      send(UI_STREAM_DONE);
      await chain;
    }
  });
}
