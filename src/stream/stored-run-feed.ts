import type { Logger } from '../log.ts';
import type { Follower } from './run-hub.ts';
import type { RunEventLog } from './run-event-log.ts';

export interface StoredFeedOptions {
  log: RunEventLog;
  logger: Logger;
  /** Pause between reads while the run has nothing new (bounded: 100 ms to 2 s). */
  pollMs: number;
  now: () => number;
}

/**
 * Follows a run another instance runs (or one no longer in memory) from the database: the kept
 * events after `afterSeq` in order, then new ones as they are written, until the final event. Ends
 * with an error of its own when a seq is missing (past the per-run cap: `STREAM_NOT_RESUMABLE`),
 * or when the stream expired or its instance stopped renewing it (`RUN_LOST`). Returns the stop.
 */
export function followStoredRun(runId: string, afterSeq: number, follower: Follower, options: StoredFeedOptions): () => void {
  const pollMs = Math.min(2000, Math.max(100, options.pollMs));
  let stopped = false;
  let wake: (() => void) | undefined;
  const sleep = () => new Promise<void>((resolve) => {
    wake = resolve;
    setTimeout(resolve, pollMs);
  });
  const lost = (message: string) => follower.end({ type: 'error', data: { code: 'RUN_LOST', message } });

  void (async () => {
    let after = afterSeq;
    while (!stopped) {
      try {
        const items = await options.log.readAfter(runId, after);
        for (const item of items) {
          if (stopped) return;
          if (item.seq !== after + 1) {
            return follower.end({ type: 'error', data: { code: 'STREAM_NOT_RESUMABLE', message: `Events after ${runId}:${after} are no longer kept; ask again.` } });
          }
          after = item.seq;
          follower.event(item);
          if (item.event.type === 'done' || item.event.type === 'error') return follower.end();
        }
        if (items.length === 0) {
          const stream = await options.log.find(runId, options.now());
          if (!stream) return lost('The run is no longer kept.');
          if (stream.aliveUntil < options.now()) return lost('The instance running this run stopped before it ended; ask again.');
        }
      } catch (error) {
        // A database outage: try again at the next poll; the stream's own limit bounds the wait.
        options.logger.warn('stored_run_feed.read_failed', { message: (error as Error).message });
      }
      if (!stopped) await sleep();
    }
  })();

  return () => {
    stopped = true;
    wake?.();
  };
}
