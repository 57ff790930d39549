import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { EmitEvent, RunEvent } from './events.ts';
import { finalErrorBody } from './final-error.ts';
import type { RunEventLog, SequencedEvent } from './run-event-log.ts';

/** What a follower (one SSE connection) is handed: each event with its seq, then the end. */
export interface Follower {
  /** `json`, when the hub has it: the event's data as JSON, made once for the followers and the log. */
  event(item: SequencedEvent, json?: string): void;
  /** The run's final event came (or, with `last`, the follow ends with that event of its own, which has no seq). */
  end(last?: RunEvent): void;
}

/** A chat run's stream in the instance that runs it: the events kept so far and who follows them live. */
export interface LiveRun {
  runId: string;
  userId: string;
  readonly ended: boolean;
  /**
   * Replays the kept events after `afterSeq`, then hands the live ones on, until the end. Undefined
   * when the missed events are no longer all kept (past the cap). Returns the detach.
   */
  attach(afterSeq: number, follower: Follower): (() => void) | undefined;
  cancel(reason: string): void;
}

export interface RunHubOptions {
  log: RunEventLog;
  logger: Logger;
  /** With nobody following, the run is aborted after this long. */
  detachGraceMs: number;
  /** How long the kept events stay resumable (the database rows' expiry). */
  resumeTtlMs: number;
  /** Longest a run can take (its time limit); the rows outlive it by `resumeTtlMs`. */
  runTimeoutMs: number;
  /** How often the hub tells the database its runs are alive and reads their cancel flags. */
  heartbeatMs?: number;
  /** How long an ended run stays in memory for replays without a database read. */
  retainEndedMs?: number;
  /** Per-run bounds on what is kept (default KEPT_EVENTS_MAX, KEPT_BYTES_MAX; tests lower them). */
  keep?: { events: number; bytes: number };
  now?: () => number;
}

/** Per-run bounds on what is kept for replays (memory and database alike). */
export const KEPT_EVENTS_MAX = 10_000;
export const KEPT_BYTES_MAX = 4 * 1024 * 1024;

export type RunHub = ReturnType<typeof createRunHub>;

const isFinal = (event: RunEvent) => event.type === 'done' || event.type === 'error';

/**
 * Runs chat runs apart from their connections. A disconnect only detaches a follower; a run nobody
 * follows for the grace is aborted, as a cancel is. Every event gets the next seq and goes to the
 * followers, the in-memory list (replays in this instance read no database) and the event log
 * (replays on other instances), both bounded per run. A heartbeat, only while runs are live, keeps
 * their rows alive and picks up cancels asked on other instances.
 */
export function createRunHub(options: RunHubOptions) {
  const now = options.now ?? Date.now;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const aliveFor = () => now() + heartbeatMs * 5;
  const keep = options.keep ?? { events: KEPT_EVENTS_MAX, bytes: KEPT_BYTES_MAX };
  const runs = new Map<string, LiveRun & { live: boolean }>();
  let timer: NodeJS.Timeout | undefined;
  let lastPrune = 0;
  let beating = false;

  async function beat() {
    // A slow database must not stack heartbeats up.
    if (beating) return;
    beating = true;
    const live = [...runs.values()].filter((r) => r.live).map((r) => r.runId);
    try {
      for (const runId of await options.log.heartbeat(live, aliveFor())) runs.get(runId)?.cancel('Cancelled by the user.');
      if (now() - lastPrune > 60_000) {
        lastPrune = now();
        await options.log.prune(now());
      }
    } catch (error) {
      options.logger.warn('run_hub.heartbeat_failed', { message: (error as Error).message });
    } finally {
      beating = false;
    }
    if (live.length === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  /**
   * Starts `run` now; it goes on whatever its followers do. `release` (the run slot) is called once
   * it has ended. The one final `done` or `error` is guaranteed: a throw becomes `error`.
   */
  function start(userId: string, release: () => Promise<void>, run: (emit: EmitEvent, signal: AbortSignal, runId: string) => Promise<void>): LiveRun {
    const runId = randomUUID();
    const controller = new AbortController();
    const kept: SequencedEvent[] = [];
    const followers = new Set<Follower>();
    let seq = 0;
    let bytes = 0;
    let lastDropped = 0;
    let ended = false;
    let grace: NodeJS.Timeout | undefined;

    const emit: EmitEvent = (event) => {
      // `step` marks LLM steps for the AI SDK encoder only; our SSE does not carry it (nor its seq).
      if (ended || event.type === 'step') return;
      const item = { seq: ++seq, event };
      const final = isFinal(event);
      // Made once: the bytes kept, each live follower's SSE text and the log's row all use it (a
      // tool result can be large). The kept item does not hold it; a replay makes its own.
      const json = JSON.stringify(event.data);
      bytes += json.length;
      if (final || (lastDropped === 0 && kept.length < keep.events && bytes <= keep.bytes)) {
        kept.push(item);
        options.log.append(runId, item, json);
      } else {
        lastDropped = item.seq;
      }
      if (final) ended = true;
      for (const f of followers) f.event(item, json);
      if (final) for (const f of [...followers]) f.end();
      if (final) followers.clear();
    };
    const detachCheck = () => {
      if (ended || followers.size > 0 || grace) return;
      grace = setTimeout(() => {
        grace = undefined;
        if (followers.size === 0) live.cancel(`Nobody followed the run for ${Math.round(options.detachGraceMs / 1000)} s.`);
      }, options.detachGraceMs);
      grace.unref();
    };

    const live = {
      runId,
      userId,
      live: true,
      get ended() { return ended; },
      attach(afterSeq: number, follower: Follower) {
        if (afterSeq < lastDropped) return undefined;
        for (const item of kept) if (item.seq > afterSeq) follower.event(item);
        if (ended) {
          follower.end();
          return () => {};
        }
        followers.add(follower);
        if (grace) clearTimeout(grace);
        grace = undefined;
        return () => {
          followers.delete(follower);
          detachCheck();
        };
      },
      cancel(reason: string) {
        if (!ended && !controller.signal.aborted) controller.abort(new AppError('ABORTED', reason));
      },
    };
    runs.set(runId, live);
    options.log.open(runId, userId, aliveFor(), now() + options.runTimeoutMs + options.resumeTtlMs);
    timer ??= setInterval(() => void beat(), heartbeatMs);

    void (async () => {
      try {
        await run(emit, controller.signal, runId);
      } catch (thrown) {
        emit({ type: 'error', data: finalErrorBody(thrown, options.logger) });
      } finally {
        if (!ended) emit({ type: 'error', data: { code: 'INTERNAL', message: 'The run ended without a result.' } });
        if (grace) clearTimeout(grace);
        live.live = false;
        await release().catch((error) => options.logger.warn('run_hub.release_failed', { message: (error as Error).message }));
        setTimeout(() => runs.delete(runId), options.retainEndedMs ?? 60_000).unref();
      }
    })();
    // Nobody attached yet: the route attaches at once; a client that never reads still gets the grace.
    detachCheck();
    return live;
  }

  return {
    start,
    /** The run if this instance runs it (or ran it lately). */
    get: (runId: string) => runs.get(runId),
    log: options.log,
    now,
    /** Stops the heartbeat; runs still going are left to their own ends (shutdown, tests). */
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await options.log.flush();
    },
  };
}
