import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { RunEvent } from './events.ts';
import type { Follower } from './run-hub.ts';

export interface RunStreamOptions {
  /** Comment line `: ping` this often (DESIGN.md: 15 s). */
  heartbeatMs?: number;
  /** The longest this connection stays open (E8): then `done` with `finishReason: "stream_limit"`. */
  maxStreamMs: number;
}

/** `id:` of an event: the run and the position, so `Last-Event-ID` alone says where to resume. */
export const eventId = (runId: string, seq: number) => `${runId}:${seq}`;

/**
 * One SSE connection following a run: header `x-run-id`, each event with `id: <runId>:<seq>`, a
 * ping, and exactly one final `done` or `error`: the run's own, one that `subscribe` ends with
 * (a replay that cannot be exact), or `done` `stream_limit` when the connection reaches its limit
 * while the run goes on. The client going away only detaches it (`subscribe`'s returned function).
 */
export function runStreamResponse(
  c: Context, runId: string, afterSeq: number, options: RunStreamOptions, subscribe: (follower: Follower) => (() => void) | undefined,
): Response {
  c.header('x-accel-buffering', 'no');
  c.header('cache-control', 'no-cache, no-transform');
  c.header('x-run-id', runId);
  return streamSSE(c, async (stream) => {
    let chain = Promise.resolve();
    let lastSeq = afterSeq;
    let closed = false;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const write = (message: { id?: string; event: string; data: string }) => {
      chain = chain.then(() => stream.writeSSE(message)).catch(() => {});
    };
    const writeEvent = (event: RunEvent, id?: string) => write({ ...(id ? { id } : {}), event: event.type, data: JSON.stringify(event.data) });
    const follower: Follower = {
      event(item) {
        if (closed) return;
        lastSeq = item.seq;
        writeEvent(item.event, eventId(runId, item.seq));
      },
      end(last) {
        if (closed) return;
        closed = true;
        if (last) writeEvent(last);
        finish();
      },
    };
    const heartbeat = setInterval(() => {
      chain = chain.then(() => stream.write(': ping\n\n')).then(() => {}, () => {});
    }, options.heartbeatMs ?? 15_000);
    const limit = setTimeout(() => follower.end({
      type: 'done',
      data: {
        finishReason: 'stream_limit', steps: 0, runId, lastEventId: eventId(runId, lastSeq),
        message: `This connection reached its limit of ${Math.round(options.maxStreamMs / 1000)} s; the run goes on. Resume it with Last-Event-ID.`,
      },
    }), options.maxStreamMs);
    stream.onAbort(() => {
      closed = true;
      finish();
    });
    const detach = subscribe(follower);
    if (!detach) {
      follower.end({ type: 'error', data: { code: 'STREAM_NOT_RESUMABLE', message: `Events after ${eventId(runId, afterSeq)} are no longer kept; ask again.` } });
    }
    await finished;
    detach?.();
    clearInterval(heartbeat);
    clearTimeout(limit);
    await chain;
  });
}
