import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { EmitEvent } from './events.ts';
import type { RunHub } from './run-hub.ts';
import { runStreamResponse } from './run-stream-response.ts';
import { followStoredRun } from './stored-run-feed.ts';

export interface RunStreamsOptions {
  hub: RunHub;
  logger: Logger;
  heartbeatMs?: number;
  maxStreamMs: number;
  /** How often a follower on another instance reads the database for new events. */
  pollMs?: number;
}

export type RunStreams = ReturnType<typeof createRunStreams>;

const notFound = (runId: string) => new AppError('NOT_FOUND', `No run ${runId} of yours is kept (unknown, another user's, or expired).`);

/**
 * Chat runs as resumable SSE streams (E5, E8): start one and follow it, follow it again from a
 * `Last-Event-ID` on any instance (from memory where it runs, else from the database), cancel it
 * from any instance. Another user's run is answered as unknown (404).
 */
export function createRunStreams(options: RunStreamsOptions) {
  const { hub } = options;
  const streamOptions = { heartbeatMs: options.heartbeatMs, maxStreamMs: options.maxStreamMs };

  return {
    /** Starts `run` detached from the connection and follows it from its first event. */
    start(c: Context, userId: string, release: () => Promise<void>, run: (emit: EmitEvent, signal: AbortSignal, runId: string) => Promise<void>): Response {
      const live = hub.start(userId, release, run);
      return runStreamResponse(c, live.runId, 0, streamOptions, (follower) => live.attach(0, follower));
    },

    /** Follows the caller's run after `afterSeq`: replay, then live, to its one final event. */
    async resume(c: Context, userId: string, runId: string, afterSeq: number): Promise<Response> {
      const live = hub.get(runId);
      if (live) {
        if (live.userId !== userId) throw notFound(runId);
        return runStreamResponse(c, runId, afterSeq, streamOptions, (follower) => live.attach(afterSeq, follower));
      }
      const stored = await hub.log.find(runId, hub.now());
      if (!stored || stored.userId !== userId) throw notFound(runId);
      return runStreamResponse(c, runId, afterSeq, streamOptions, (follower) =>
        followStoredRun(runId, afterSeq, follower, { log: hub.log, logger: options.logger, pollMs: options.pollMs ?? 250, now: hub.now }));
    },

    /**
     * Aborts the caller's run: at once where it runs here, else through the stored cancel flag that
     * its instance reads within a heartbeat. A run that has ended already is left as it is.
     */
    async cancel(userId: string, runId: string): Promise<void> {
      const live = hub.get(runId);
      if (live) {
        if (live.userId !== userId) throw notFound(runId);
        live.cancel('Cancelled by the user.');
        return;
      }
      const stored = await hub.log.find(runId, hub.now());
      if (!stored || stored.userId !== userId) throw notFound(runId);
      await hub.log.requestCancel(runId);
    },
  };
}
