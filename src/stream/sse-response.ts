import type { Context } from 'hono';
import type { Logger } from '../log.ts';
import type { EmitEvent, RunEvent } from './events.ts';
import { runWithErrorEvent } from './run-with-error-event.ts';
import { sseEventText, sseSink } from './sse-sink.ts';

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
  return sseSink(c, { heartbeatMs: options.heartbeatMs }, async (sink, gone) => {
    let ended = false;
    const write = (event: RunEvent) => {
      if (ended || event.type === 'step') return;
      if (event.type === 'done' || event.type === 'error') ended = true;
      sink.write(sseEventText(event.type, JSON.stringify(event.data)));
    };
    try {
      await runWithErrorEvent(options.logger, write, () => run(write, gone));
    } finally {
      if (!ended) write({ type: 'error', data: { code: 'INTERNAL', message: 'The run ended without a result.' } });
    }
  });
}

export const wantsEventStream = (c: Context) => (c.req.header('accept') ?? '').includes('text/event-stream');
