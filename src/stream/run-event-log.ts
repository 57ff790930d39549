import { and, eq, gt, inArray, lt } from 'drizzle-orm';
import { createBatchWriter } from '../batch-writer.ts';
import type { Db } from '../db/database.ts';
import { jsonRowsInsert } from '../db/json-rows-insert.ts';
import { chatStreamEvents, chatStreams } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import type { RunEvent } from './events.ts';

/** An event of a run's stream with its position (`id: <runId>:<seq>`). */
export interface SequencedEvent {
  seq: number;
  event: RunEvent;
}

export interface StoredStream {
  userId: string;
  cancelRequested: boolean;
  aliveUntil: number;
  expiresAt: number;
}

/**
 * Where a run's stream is kept so that any instance can replay it: `chat_streams` (owner, cancel
 * flag, liveness, expiry) and `chat_stream_events`. Writes go through a batch writer (one insert per
 * 50 ms at most, so a model's burst of deltas is one row), never on the path of an event; reads are
 * the other instances' replays and polls.
 */
export interface RunEventLog {
  open(runId: string, userId: string, aliveUntil: number, expiresAt: number): void;
  /** `json`: the event's data as JSON when the caller has made it already. */
  append(runId: string, item: SequencedEvent, json?: string): void;
  flush(): Promise<void>;
  /** The kept stream, or undefined when unknown or expired. */
  find(runId: string, now: number): Promise<StoredStream | undefined>;
  /** Up to `limit` rows' worth of events after `afterSeq`, in order (a coalesced row gives each delta back). */
  readAfter(runId: string, afterSeq: number, limit?: number): Promise<SequencedEvent[]>;
  requestCancel(runId: string): Promise<void>;
  /** Pushes `alive_until` of the owner's running streams forward; answers those whose cancel was asked. */
  heartbeat(runIds: string[], aliveUntil: number): Promise<string[]>;
  prune(now: number): Promise<void>;
}

type Pending =
  | { kind: 'stream'; row: typeof chatStreams.$inferInsert }
  | { kind: 'event'; runId: string; item: SequencedEvent; json?: string };

type EventRow = typeof chatStreamEvents.$inferInsert;

/**
 * Consecutive text deltas of one run in one batch become one row (`{"deltas": [...]}`), so a long
 * answer costs a few rows, not one per token.
 */
export function coalesce(events: Array<{ runId: string; item: SequencedEvent; json?: string }>): EventRow[] {
  const rows: Array<EventRow & { deltas?: string[]; first?: SequencedEvent }> = [];
  for (const { runId, item, json } of events) {
    const last = rows.at(-1);
    if (item.event.type === 'text' && last?.type === 'text' && last.runId === runId && last.lastSeq === item.seq - 1) {
      last.deltas ??= [(last.first!.event.data as { delta: string }).delta];
      last.deltas.push(item.event.data.delta);
      last.lastSeq = item.seq;
      continue;
    }
    rows.push({ runId, seq: item.seq, lastSeq: item.seq, type: item.event.type, data: json ?? JSON.stringify(item.event.data), first: item });
  }
  return rows.map(({ deltas, first, ...row }) => (deltas ? { ...row, data: JSON.stringify({ deltas }) } : row));
}

/** The events a stored row stands for. */
function expand(row: { seq: number; lastSeq: number; type: string; data: string }): SequencedEvent[] {
  const data = JSON.parse(row.data) as Record<string, unknown>;
  if (row.type === 'text' && row.lastSeq > row.seq) {
    return (data.deltas as string[]).map((delta, i) => ({ seq: row.seq + i, event: { type: 'text', data: { delta } } }));
  }
  return [{ seq: row.seq, event: { type: row.type, data } as RunEvent }];
}

const insertStreams = jsonRowsInsert(chatStreams, ['runId', 'appUserId', 'aliveUntil', 'expiresAt'], { onConflictDoNothing: true });
const insertEvents = jsonRowsInsert(chatStreamEvents, ['runId', 'seq', 'lastSeq', 'type', 'data'], { onConflictDoNothing: true });

export function createRunEventLog(db: Db, logger: Logger): RunEventLog {
  const writer = createBatchWriter<Pending>(async (batch) => {
    const streams = batch.flatMap((p) => (p.kind === 'stream' ? [p.row] : []));
    if (streams.length > 0) await insertStreams(db, streams);
    const rows = coalesce(batch.flatMap((p) => (p.kind === 'event' ? [p] : [])));
    if (rows.length > 0) await insertEvents(db, rows);
  }, logger, 'run_event_log', { flushMs: 50 });

  return {
    open(runId, userId, aliveUntil, expiresAt) {
      writer.add({ kind: 'stream', row: { runId, appUserId: userId, aliveUntil, expiresAt } });
    },
    append(runId, item, json) {
      writer.add({ kind: 'event', runId, item, json });
    },
    flush: writer.flush,
    async find(runId, now) {
      const [row] = await db.select().from(chatStreams).where(and(eq(chatStreams.runId, runId), gt(chatStreams.expiresAt, now)));
      return row && { userId: row.appUserId, cancelRequested: row.cancelRequested, aliveUntil: row.aliveUntil, expiresAt: row.expiresAt };
    },
    async readAfter(runId, afterSeq, limit = 500) {
      const rows = await db
        .select({ seq: chatStreamEvents.seq, lastSeq: chatStreamEvents.lastSeq, type: chatStreamEvents.type, data: chatStreamEvents.data })
        .from(chatStreamEvents)
        .where(and(eq(chatStreamEvents.runId, runId), gt(chatStreamEvents.lastSeq, afterSeq)))
        .orderBy(chatStreamEvents.seq)
        .limit(limit);
      return rows.flatMap(expand).filter((e) => e.seq > afterSeq);
    },
    async requestCancel(runId) {
      await db.update(chatStreams).set({ cancelRequested: true }).where(eq(chatStreams.runId, runId));
    },
    async heartbeat(runIds, aliveUntil) {
      if (runIds.length === 0) return [];
      const rows = await db
        .update(chatStreams)
        .set({ aliveUntil })
        .where(inArray(chatStreams.runId, runIds))
        .returning({ runId: chatStreams.runId, cancelRequested: chatStreams.cancelRequested });
      return rows.filter((r) => r.cancelRequested).map((r) => r.runId);
    },
    async prune(now) {
      const expired = db.select({ runId: chatStreams.runId }).from(chatStreams).where(lt(chatStreams.expiresAt, now));
      await db.delete(chatStreamEvents).where(inArray(chatStreamEvents.runId, expired));
      await db.delete(chatStreams).where(lt(chatStreams.expiresAt, now));
    },
  };
}
