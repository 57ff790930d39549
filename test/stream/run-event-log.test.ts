import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { RunEvent } from '../../src/stream/events.ts';
import { createRunEventLog, type RunEventLog } from '../../src/stream/run-event-log.ts';
import { createRunHub, type Follower } from '../../src/stream/run-hub.ts';
import { followStoredRun } from '../../src/stream/stored-run-feed.ts';
import { testDatabases } from '../support/databases.ts';

/** Collects what a follower is handed, resolving at its end. */
function collector() {
  const items: Array<{ seq?: number; event: RunEvent }> = [];
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const follower: Follower = {
    event: (item) => items.push(item),
    end: (last) => {
      if (last) items.push({ event: last });
      finish();
    },
  };
  return { items, follower, ended };
}

describe.each(testDatabases())('run event log and hub ($name)', (database) => {
  let db: Database;
  let drop = async () => {};
  afterEach(async () => {
    await db?.close();
    await drop();
  });
  async function open(): Promise<RunEventLog> {
    const created = database.create();
    drop = created.drop;
    db = await openDatabase(created.options);
    return createRunEventLog(db.db, createMemoryLogger());
  }

  it('keeps a stream bounded: past the cap only the final event is kept, and a replay that needs the rest says so', async () => {
    const log = await open();
    const hub = createRunHub({ log, logger: createMemoryLogger(), detachGraceMs: 5000, resumeTtlMs: 60_000, runTimeoutMs: 60_000, keep: { events: 5, bytes: 10_000 } });
    let release = 0;
    let go!: () => void;
    const attached = new Promise<void>((resolve) => (go = resolve));
    const live = hub.start('alice', async () => void release++, async (emit) => {
      await attached;
      for (let i = 0; i < 10; i++) emit({ type: 'text', data: { delta: `d${i}\u0000\ud800` } });
      emit({ type: 'done', data: { finishReason: 'stop', steps: 1 } });
    });
    const all = collector();
    live.attach(0, all.follower);
    go();
    await all.ended;
    // Followers that were there get everything live, NULs and lone surrogates included.
    expect(all.items.map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(all.items[0]!.event).toEqual({ type: 'text', data: { delta: 'd0\u0000\ud800' } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(release).toBe(1);
    // Seqs 6..10 were dropped: a replay from before them is refused, one after them works.
    expect(live.attach(3, collector().follower)).toBeUndefined();
    const tail = collector();
    expect(live.attach(10, tail.follower)).toBeDefined();
    expect(tail.items.map((i) => i.seq)).toEqual([11]);
    await hub.close();
    // The stored copy: seqs 1..5 (one coalesced row, text exact), then the final 11.
    const stored = await log.readAfter(live.runId, 0);
    expect(stored.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 11]);
    expect(stored[4]!.event).toEqual({ type: 'text', data: { delta: 'd4\u0000\ud800' } });
    const fromDb = collector();
    followStoredRun(live.runId, 3, fromDb.follower, { log, logger: createMemoryLogger(), pollMs: 100, now: Date.now });
    await fromDb.ended;
    expect(fromDb.items.map((i) => i.seq ?? i.event.type)).toEqual([4, 5, 'error']);
    expect(fromDb.items.at(-1)!.event).toMatchObject({ type: 'error', data: { code: 'STREAM_NOT_RESUMABLE' } });
  });

  it('hands live followers the data of each event as JSON made once, a replay none; the stored rows read back the same events', async () => {
    const log = await open();
    const hub = createRunHub({ log, logger: createMemoryLogger(), detachGraceMs: 5000, resumeTtlMs: 60_000, runTimeoutMs: 60_000 });
    let go!: () => void;
    const attached = new Promise<void>((resolve) => (go = resolve));
    const events: RunEvent[] = [
      { type: 'text', data: { delta: 'a' } }, { type: 'text', data: { delta: 'b"\\' } },
      { type: 'tool_result', data: { callId: 'c', tool: 't', ok: true, result: { rows: [{ n: 1 }, { s: 'x\u2028' }] }, attempts: 1 } },
      { type: 'text', data: { delta: 'c' } }, { type: 'done', data: { finishReason: 'stop', steps: 1 } },
    ];
    const live = hub.start('alice', async () => {}, async (emit) => {
      await attached;
      for (const event of events) emit(event);
    });
    const jsons: Array<string | undefined> = [];
    const all = collector();
    live.attach(0, { event: (item, json) => (jsons.push(json), all.follower.event(item)), end: all.follower.end });
    go();
    await all.ended;
    expect(jsons).toEqual(events.map((e) => JSON.stringify(e.data)));
    const replayed: Array<string | undefined> = [];
    live.attach(0, { event: (_item, json) => replayed.push(json), end: () => {} });
    expect(replayed).toEqual(events.map(() => undefined));
    await hub.close();
    expect((await log.readAfter(live.runId, 0)).map((s) => s.event)).toEqual(events);
  });

  it('a follower elsewhere ends with RUN_LOST when the owner stops renewing the stream; expired streams are pruned', async () => {
    const log = await open();
    const runId = randomUUID();
    log.open(runId, 'alice', Date.now() + 300, Date.now() + 60_000);
    log.append(runId, { seq: 1, event: { type: 'text', data: { delta: 'half an answer' } } });
    await log.flush();
    const follow = collector();
    followStoredRun(runId, 0, follow.follower, { log, logger: createMemoryLogger(), pollMs: 100, now: Date.now });
    await follow.ended;
    expect(follow.items.map((i) => i.event.type)).toEqual(['text', 'error']);
    expect(follow.items.at(-1)!.event).toMatchObject({ type: 'error', data: { code: 'RUN_LOST' } });

    const old = randomUUID();
    log.open(old, 'alice', 0, Date.now() - 1);
    log.append(old, { seq: 1, event: { type: 'done', data: { finishReason: 'stop', steps: 1 } } });
    await log.flush();
    expect(await log.find(old, Date.now())).toBeUndefined();
    expect(await log.readAfter(old, 0)).toHaveLength(1);
    await log.prune(Date.now());
    expect(await log.readAfter(old, 0)).toHaveLength(0);
    expect(await log.find(runId, Date.now())).toMatchObject({ userId: 'alice', cancelRequested: false });
  });
});
