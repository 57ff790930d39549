import type { Context } from 'hono';
import type { RunEvent } from './events.ts';
import type { Follower } from './run-hub.ts';
import { sseEventText, sseSink } from './sse-sink.ts';

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
 * while the run goes on. The client going away (or falling too far behind, sse-sink.ts) only
 * detaches it (`subscribe`'s returned function): it can resume with `Last-Event-ID`.
 */
export function runStreamResponse(
  c: Context, runId: string, afterSeq: number, options: RunStreamOptions, subscribe: (follower: Follower) => (() => void) | undefined,
): Response {
  return sseSink(c, { headers: { 'x-run-id': runId }, heartbeatMs: options.heartbeatMs }, async (sink, gone) => {
    let lastSeq = afterSeq;
    let closed = false;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const writeEvent = (event: RunEvent, id?: string, json?: string) => sink.write(sseEventText(event.type, json ?? JSON.stringify(event.data), id));
    const follower: Follower = {
      event(item, json) {
        if (closed) return;
        lastSeq = item.seq;
        writeEvent(item.event, eventId(runId, item.seq), json);
      },
      end(last) {
        if (closed) return;
        closed = true;
        if (last) writeEvent(last);
        finish();
      },
    };
    const limit = setTimeout(() => follower.end({
      type: 'done',
      data: {
        finishReason: 'stream_limit', steps: 0, runId, lastEventId: eventId(runId, lastSeq),
        message: `This connection reached its limit of ${Math.round(options.maxStreamMs / 1000)} s; the run goes on. Resume it with Last-Event-ID.`,
      },
    }), options.maxStreamMs);
    gone.addEventListener('abort', () => {
      closed = true;
      finish();
    });
    try {
      const detach = subscribe(follower);
      if (!detach) {
        follower.end({ type: 'error', data: { code: 'STREAM_NOT_RESUMABLE', message: `Events after ${eventId(runId, afterSeq)} are no longer kept; ask again.` } });
      }
      await finished;
      detach?.();
    } finally {
      clearTimeout(limit);
    }
  });
}
