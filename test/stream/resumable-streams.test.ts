import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createRuntimeClient } from '../../src/client/runtime-client.ts';
import { chatRuns, chatStreamEvents } from '../../src/db/schema.ts';
import type { RunEvent } from '../../src/stream/events.ts';
import { testDatabases, type TestDatabase } from '../support/databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { serveApp } from '../support/serve.ts';
import { isFinal, readAllEvents, readEventsUntil, seqOf, type WireEvent } from '../support/sse-with-ids.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const GRACE_S = 3;
const STREAM_LIMIT_S = 2;

/** One runtime instance served on 127.0.0.1. */
interface Instance {
  t: TestRuntime;
  url: string;
  close(): Promise<void>;
}

async function startInstance(zoho: FakeZoho, llm: FakeOpenRouter, database: ReturnType<TestDatabase['create']>, encryptionKey?: string): Promise<Instance> {
  const t = await startTestRuntime({
    fake: zoho,
    database: database.options,
    encryptionKey,
    heartbeatMs: 100,
    runPollMs: 200,
    env: {
      OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL,
      CHAT_DETACH_GRACE_SECONDS: String(GRACE_S), CHAT_MAX_STREAM_SECONDS: String(STREAM_LIMIT_S),
    },
  });
  const server = await serveApp(t.runtime.app);
  return { t, url: server.url, close: async () => { await server.close(); await t.close(); } };
}

for (const database of testDatabases()) {
  describe(`resumable chat streams (${database.name})`, () => {
    let zoho: FakeZoho;
    let llm: FakeOpenRouter;
    let db: ReturnType<TestDatabase['create']>;
    let a: Instance;

    beforeAll(async () => {
      zoho = await startFakeZoho();
      zoho.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
      llm = await startFakeOpenRouter();
      db = database.create();
      a = await startInstance(zoho, llm, db);
      await connectThroughOAuth(a.t, zoho, 'alice', '70001');
    }, 180_000);
    afterAll(async () => {
      await a?.close();
      await db?.drop();
      await llm?.close();
      await zoho?.close();
    });
    beforeEach(() => {
      llm.reset();
      zoho.clearFaults();
      zoho.reset();
    });

    const auth = async (instance: Instance, user: string) => ({ authorization: `Bearer ${await instance.t.tokenFor(user)}` });
    async function chat(instance: Instance, content: string, signal?: AbortSignal, user = 'alice') {
      return fetch(`${instance.url}/api/chat`, {
        method: 'POST',
        headers: { ...(await auth(instance, user)), 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content }] }),
        signal,
      });
    }
    async function resume(instance: Instance, runId: string, lastEventId?: string, user = 'alice') {
      return fetch(`${instance.url}/api/chat/runs/${runId}/events`, {
        headers: { ...(await auth(instance, user)), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
      });
    }
    async function cancel(instance: Instance, runId: string, user = 'alice') {
      return fetch(`${instance.url}/api/chat/runs/${runId}/cancel`, { method: 'POST', headers: await auth(instance, user) });
    }
    /** Starts a chat, reads until `enough`, then drops the connection as a lost network would. */
    async function startAndDrop(instance: Instance, content: string, enough: (events: WireEvent[]) => boolean) {
      const controller = new AbortController();
      const res = await chat(instance, content, controller.signal);
      expect(res.status).toBe(200);
      const runId = res.headers.get('x-run-id')!;
      const seen = await readEventsUntil(res, enough);
      controller.abort();
      return { runId, seen };
    }
    const text = (events: WireEvent[]) => events.filter((e) => e.event === 'text').map((e) => e.data.delta).join('');
    const expectWhole = (events: WireEvent[]) => {
      const sequenced = events.filter((e) => e.id !== undefined);
      expect(sequenced.map(seqOf)).toEqual(sequenced.map((_, i) => i + 1));
      expect(events.filter(isFinal)).toHaveLength(1);
      expect(isFinal(events.at(-1)!)).toBe(true);
    };

    it('resumes a dropped stream with exactly the missed events, in order, while the run went on', async () => {
      zoho.inject({ method: 'GET', path: '/crm/v8/org', delayMs: 600, times: 1 });
      llm.script(
        { text: 'Let me look. ', toolCalls: [{ id: 'c1', name: 'crm_get_org', arguments: {} }] },
        [{ text: ['Your org ', 'is ', 'Acme', '.'] }, { chunkDelayMs: 5 }],
      );
      const { runId, seen } = await startAndDrop(a, 'Which org?', (events) => events.some((e) => e.event === 'status'));
      expect(runId).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen[0]!.id).toBe(`${runId}:1`);
      // The tool call (600 ms) and the answer go on with nobody connected.
      await sleep(1500);
      expect(zoho.requestsTo('/crm/v8/org')).toHaveLength(1);
      expect(llm.requests).toHaveLength(2);

      const rest = await readAllEvents(await resume(a, runId, seen.at(-1)!.id));
      const all = [...seen, ...rest];
      expectWhole(all);
      expect(rest[0]!.id).toBe(`${runId}:${seqOf(seen.at(-1)!) + 1}`);
      expect(rest.map((e) => e.event)).toContain('tool_result');
      expect(text(all)).toBe('Let me look. Your org is Acme.');
      expect(all.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop', steps: 2 } });
      // Nothing ran twice: one Zoho call, two completions, one run log row.
      expect(zoho.requestsTo('/crm/v8/org')).toHaveLength(1);
      expect(llm.requests).toHaveLength(2);

      // A replay from the start gives the same events; so does the stored copy, text deltas coalesced.
      const replay = await readAllEvents(await resume(a, runId));
      expect(replay).toEqual(all);
      await a.t.runtime.runHub.log.flush();
      const stored = await a.t.runtime.runHub.log.readAfter(runId, 0);
      expect(stored.map((s) => ({ id: `${runId}:${s.seq}`, event: s.event.type, data: s.event.data }))).toEqual(all);
      const rows = await a.t.runtime.database.db.select().from(chatStreamEvents).where(eq(chatStreamEvents.runId, runId));
      expect(rows.length).toBeLessThan(all.length);
    });

    it('aborts a run nobody resumes once the grace has passed, not before', async () => {
      llm.script({ hangAfter: ['Thinking'] });
      const { runId } = await startAndDrop(a, 'Hang', (events) => events.length > 0);
      const droppedAt = Date.now();
      expect(await llm.waitForAbort(0, (GRACE_S - 1.5) * 1000)).toBe(false);
      expect(await llm.waitForAbort(0, (GRACE_S + 3) * 1000)).toBe(true);
      expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(GRACE_S * 1000 - 100);
      const replay = await readAllEvents(await resume(a, runId));
      expect(replay.at(-1)).toMatchObject({ event: 'error', data: { code: 'ABORTED' } });
      await a.t.runtime.runLog.flush();
      const [row] = await a.t.runtime.database.db.select().from(chatRuns).where(eq(chatRuns.runId, runId));
      expect(row!.finishReason).toBe('aborted');
    });

    it('answers 404 for another user\'s run, an unknown or malformed run id, and 400 for a Last-Event-ID of another run', async () => {
      llm.script({ text: 'Hi.' });
      const res = await chat(a, 'Hello');
      const runId = res.headers.get('x-run-id')!;
      expectWhole(await readAllEvents(res));
      for (const response of [await resume(a, runId, undefined, 'bob'), await cancel(a, runId, 'bob'), await resume(a, randomUUID()), await cancel(a, randomUUID())]) {
        expect(response.status).toBe(404);
        expect((await response.json()).error.code).toBe('NOT_FOUND');
      }
      const malformed = await fetch(`${a.url}/api/chat/runs/%00x/events`, { headers: await auth(a, 'alice') });
      expect([400, 404]).toContain(malformed.status);
      const otherRun = await resume(a, runId, `${randomUUID()}:3`);
      expect(otherRun.status).toBe(400);
      expect(JSON.stringify(await otherRun.json())).toContain('Last-Event-ID');
      // Finished and still kept: a replay to its end, also with the query form of the id.
      const tail = await readAllEvents(await fetch(`${a.url}/api/chat/runs/${runId}/events?lastEventId=${runId}:1`, { headers: await auth(a, 'alice') }));
      expect(tail.map((e) => e.event)).toEqual(['done']);
    });

    it('cancels a run through the cancel route: 204, the stream ends with ABORTED, the LLM request is closed', async () => {
      llm.script({ hangAfter: ['Working'] });
      const res = await chat(a, 'Hang');
      const runId = res.headers.get('x-run-id')!;
      const reading = readAllEvents(res);
      await sleep(200);
      const answer = await cancel(a, runId);
      expect(answer.status).toBe(204);
      const events = await reading;
      expectWhole(events);
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'ABORTED' } });
      expect(await llm.waitForAbort(0, 1000)).toBe(true);
      // A second cancel of the ended run changes nothing.
      expect((await cancel(a, runId)).status).toBe(204);
    });

    it('ends a stream at the per-connection limit with done stream_limit while the run goes on; the resume completes it', async () => {
      const chunks = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      llm.script([{ text: chunks }, { chunkDelayMs: 400 }]);
      const res = await chat(a, 'Slow');
      const runId = res.headers.get('x-run-id')!;
      const first = await readAllEvents(res);
      const limit = first.at(-1)!;
      expect(limit).toMatchObject({ event: 'done', data: { finishReason: 'stream_limit', runId } });
      expect(limit.id).toBeUndefined();
      expect(limit.data.lastEventId).toBe(first.at(-2)!.id);
      expect(limit.data.message).toContain('limit');
      expect(first.filter(isFinal)).toHaveLength(1);
      const rest = await readAllEvents(await fetch(`${a.url}/api/chat/runs/${runId}/events?lastEventId=${limit.data.lastEventId}`, { headers: await auth(a, 'alice') }));
      const all = [...first.slice(0, -1), ...rest];
      expectWhole(all);
      expect(text(all)).toBe(chunks.join(''));
      expect(all.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
      expect(llm.requests).toHaveLength(1);
    });

    it('an approval\'s resumed run streams with ids of its own and resumes the same way', async () => {
      llm.script({ toolCalls: [{ name: 'crm_delete_record', arguments: { module: 'Leads', id: '4242' } }] });
      const paused = await chat(a, 'Delete lead 4242');
      const pausedEvents = await readAllEvents(paused);
      const approval = pausedEvents.find((e) => e.data?.code === 'approval_required')!.data;
      // The paused run's runId is the id of the stream that paused it.
      expect(approval.runId).toBe(paused.headers.get('x-run-id'));
      llm.script([{ text: ['Fine, ', 'I will ', 'not ', 'delete it.'] }, { chunkDelayMs: 150 }]);
      const controller = new AbortController();
      const res = await fetch(`${a.url}/api/chat/approvals`, {
        method: 'POST', signal: controller.signal,
        headers: { ...(await auth(a, 'alice')), 'content-type': 'application/json' },
        body: JSON.stringify({ callId: approval.callId, decision: 'deny', paramsHash: approval.paramsHash }),
      });
      const runId = res.headers.get('x-run-id')!;
      expect(runId).not.toBe(approval.runId);
      const seen = await readEventsUntil(res, (events) => events.some((e) => e.event === 'text'));
      controller.abort();
      const rest = await readAllEvents(await resume(a, runId, seen.at(-1)!.id));
      const all = [...seen, ...rest];
      expectWhole(all);
      expect(all[0]!.id).toBe(`${runId}:1`);
      expect(text(all)).toBe('Fine, I will not delete it.');
      expect(zoho.requestsTo(/\/crm\/v8\/Leads/, 'DELETE')).toHaveLength(0);
    });

    it('the typed client resumes by itself after the connection is cut and after a stream_limit end', async () => {
      const proxy = await startTcpProxy({ port: Number(new URL(a.url).port) });
      try {
        const client = createRuntimeClient({ baseUrl: `http://${proxy.address}`, token: await a.t.tokenFor('alice'), resume: { baseDelayMs: 50 } });
        const chunks = Array.from({ length: 12 }, (_, i) => `w${i} `);
        llm.script([{ text: chunks }, { chunkDelayMs: 250 }]);
        const events: RunEvent[] = [];
        for await (const event of client.chat({ messages: [{ role: 'user', content: 'Talk slowly' }] })) {
          events.push(event);
          if (events.length === 2) proxy.cut();
        }
        expect(events.map((e) => e.type)).toEqual([...chunks.map(() => 'text'), 'done']);
        expect(events.filter((e) => e.type === 'text').map((e) => (e.data as { delta: string }).delta)).toEqual(chunks);
        expect(events.at(-1)).toMatchObject({ type: 'done', data: { finishReason: 'stop' } });
        // One POST, then resumes (after the cut, and after each 2 s stream limit of a 3 s run).
        expect(proxy.accepted).toBeGreaterThanOrEqual(3);
        expect(llm.requests).toHaveLength(1);
      } finally {
        await proxy.close();
      }
    });

    if (database.name === 'postgres') {
      describe('two instances over one database', () => {
        let b: Instance;
        beforeAll(async () => {
          b = await startInstance(zoho, llm, db, a.t.encryptionKey);
        }, 60_000);
        afterAll(() => b?.close());

        it('replays a run of instance A on instance B from the database, then follows it to its end', async () => {
          const chunks = ['one ', 'two ', 'three ', 'four ', 'five ', 'six'];
          llm.script([{ text: chunks }, { chunkDelayMs: 250 }]);
          const { runId, seen } = await startAndDrop(a, 'Count', (events) => events.length >= 2);
          await sleep(300);
          const rest = await readAllEvents(await resume(b, runId, seen.at(-1)!.id));
          const all = [...seen, ...rest];
          expectWhole(all);
          expect(text(all)).toBe(chunks.join(''));
          expect(all.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
          expect(b.t.runtime.runHub.get(runId)).toBeUndefined();
          // B replays a finished run from the start too, and refuses another user.
          expect(await readAllEvents(await resume(b, runId))).toEqual(all);
          expect((await resume(b, runId, undefined, 'bob')).status).toBe(404);
          expect(llm.requests).toHaveLength(1);
        });

        it('cancels a run of instance A from instance B through the stored flag', async () => {
          llm.script({ hangAfter: ['Working'] });
          const res = await chat(a, 'Hang');
          const runId = res.headers.get('x-run-id')!;
          const reading = readAllEvents(res);
          await sleep(300);
          expect((await cancel(b, runId, 'bob')).status).toBe(404);
          const cancelledAt = Date.now();
          expect((await cancel(b, runId)).status).toBe(204);
          const events = await reading;
          expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'ABORTED' } });
          expect(Date.now() - cancelledAt).toBeLessThan(2000);
          expect(await llm.waitForAbort(0, 1000)).toBe(true);
        });
      });
    }
  });
}
