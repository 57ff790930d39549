import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PendingRunStore } from '../../src/agent/approvals/pending-run-store.ts';
import { hashParams } from '../../src/agent/approvals/params-hash.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { testDatabases } from '../support/databases.ts';

describe.each(testDatabases())('pending runs on $name', (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let now = Date.now();
  let store: PendingRunStore;

  beforeAll(async () => {
    const created = kind.create();
    drop = created.drop;
    database = await openDatabase(created.options);
    store = new PendingRunStore(database.db, () => now);
  });
  afterAll(async () => {
    await database.close();
    await drop();
  });

  const pause = (runId: string, callId: string, params: unknown, conversationId?: string) =>
    store.pause({ id: runId, userId: 'alice', model: 'm', messages: [{ role: 'user', content: 'hi' }], steps: 1, persisted: 1, conversationId },
      [{ callId, toolCallId: `model-${callId}`, tool: 'crm_delete_record', params, paramsHash: hashParams(params), summary: 'Delete it.' }], 60_000);

  it('hashes params the same whatever the key order', () => {
    expect(hashParams({ a: 1, b: { c: 2, d: [1, { e: 3, f: 4 }] } })).toBe(hashParams({ b: { d: [1, { f: 4, e: 3 }], c: 2 }, a: 1 }));
    expect(hashParams({ id: '1' })).not.toBe(hashParams({ id: '2' }));
  });

  it('lets a decision be claimed once, by its owner, for the exact params', async () => {
    const params = { module: 'Leads', id: '1' };
    await pause('run-1', 'call-1', params);
    expect(await store.claimDecision('mallory', 'call-1', hashParams(params), 'approve')).toBeUndefined();
    expect(await store.claimDecision('alice', 'call-1', hashParams({ module: 'Leads', id: '2' }), 'approve')).toBeUndefined();
    const claims = await Promise.all([1, 2, 3].map(() => store.claimDecision('alice', 'call-1', hashParams(params), 'approve')));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('forgets a paused run once its time is up, and refuses to claim its calls', async () => {
    await pause('run-2', 'call-2', { id: '9' });
    expect(await store.findUndecided('alice', 'call-2')).toBeDefined();
    now += 61_000;
    expect(await store.findUndecided('alice', 'call-2')).toBeUndefined();
    expect(await store.claimDecision('alice', 'call-2', hashParams({ id: '9' }), 'approve')).toBeUndefined();
  });

  it('cancels the paused runs of one conversation of one user, with their calls, and refuses their approvals', async () => {
    await pause('run-3', 'call-3', { id: '3' }, 'conv-a');
    await pause('run-4', 'call-4', { id: '4' }, 'conv-b');
    expect(await store.cancelConversation('mallory', 'conv-a')).toEqual([]);
    const [cancelled, ...more] = await store.cancelConversation('alice', 'conv-a');
    expect(more).toEqual([]);
    expect(cancelled!.run).toMatchObject({ id: 'run-3', conversationId: 'conv-a', persisted: 1 });
    expect(cancelled!.calls.map((c) => [c.callId, c.toolCallId])).toEqual([['call-3', 'model-call-3']]);
    expect(await store.findUndecided('alice', 'call-3')).toBeUndefined();
    expect(await store.claimDecision('alice', 'call-3', hashParams({ id: '3' }), 'approve')).toBeUndefined();
    expect(await store.findUndecided('alice', 'call-4')).toBeDefined();
    expect(cancelled!.expired).toBe(false);
  });

  it('hands a conversation\'s expired run to its next message, saying it expired', async () => {
    await pause('run-5', 'call-5', { id: '5' }, 'conv-c');
    now += 61_000;
    await pause('run-6', 'call-6', { id: '6' }); // pausing another run clears expired ones, but not a conversation's
    const [cancelled] = await store.cancelConversation('alice', 'conv-c');
    expect(cancelled).toMatchObject({ run: { id: 'run-5' }, expired: true });
    expect(cancelled!.calls).toHaveLength(1);
  });
});
