import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { finalErrorBody } from './final-error.ts';
import type { EmitEvent, RunEvent } from './events.ts';

export interface SseOptions {
  logger: Logger;
  /** Comment line `: ping` this often (DESIGN.md: 15 s). */
  heartbeatMs?: number;
}

/**
 * Streams a run as SSE. `run` gets an emitter and a signal that aborts when the client goes away.
 * Guarantees exactly one final `done` or `error`: if `run` returns without one, or throws, the
 * writer sends it. Events are written as they come, never buffered (`x-accel-buffering: no`).
 */
export function sseResponse(c: Context, options: SseOptions, run: (emit: EmitEvent, signal: AbortSignal) => Promise<void>): Response {
  c.header('x-accel-buffering', 'no');
  c.header('cache-control', 'no-cache, no-transform');
  return streamSSE(c, async (stream) => {
    const controller = new AbortController();
    stream.onAbort(() => controller.abort(new AppError('ABORTED', 'The client went away.')));
    let ended = false;
    let chain = Promise.resolve();
    const write = (event: RunEvent) => {
      if (ended || stream.aborted) return;
      if (event.type === 'done' || event.type === 'error') ended = true;
      chain = chain.then(() => stream.writeSSE({ event: event.type, data: JSON.stringify(event.data) })).catch(() => {});
    };
    const heartbeat = setInterval(() => {
      chain = chain.then(() => stream.write(': ping\n\n')).then(() => {}, () => {});
    }, options.heartbeatMs ?? 15_000);
    try {
      await run(write, controller.signal);
    } catch (thrown) {
      write({ type: 'error', data: finalErrorBody(thrown, options.logger) });
    } finally {
      clearInterval(heartbeat);
      if (!ended) write({ type: 'error', data: { code: 'INTERNAL', message: 'The run ended without a result.' } });
      await chain;
    }
  });
}

export const wantsEventStream = (c: Context) => (c.req.header('accept') ?? '').includes('text/event-stream');
