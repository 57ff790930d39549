import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { jsonRowsInsert } from '../../src/db/json-rows-insert.ts';
import { chatRuns, chatStreams, toolCalls } from '../../src/db/schema.ts';
import { databaseForSuite, testDatabases } from '../support/databases.ts';

describe.each(testDatabases())('a batch inserted as one JSON text ($name)', (testDb) => {
  const opened = databaseForSuite(testDb);

  it('stores each value as drizzle reads it back, json as json and nulls as nulls; unlisted columns take their defaults', async () => {
    const insert = jsonRowsInsert(toolCalls, ['id', 'appUserId', 'tool', 'app', 'outcome', 'errorCode', 'attempts', 'durationMs', 'params', 'callId', 'runId', 'url']);
    const params = { module: 'Leads', word: "O'Brien \"quoted\" \\ back", nested: [1, { a: null }], text: 'just a string' };
    await insert(opened().db, [
      { id: 'a', appUserId: 'alice', tool: 'crm_search_records', app: 'crm', outcome: 'ok', errorCode: null, attempts: 1, durationMs: 7, params, callId: 'c1', runId: null, url: null },
      { id: 'b', appUserId: 'bob', tool: 't', app: 'desk', outcome: 'error', errorCode: 'TIMEOUT', attempts: 3, durationMs: 0, params: 42, callId: null, runId: 'r', url: 'https://x.test/?q=1' },
      { id: 'c', appUserId: 'bob', tool: 't', app: 'crm', outcome: 'ok', attempts: 1, durationMs: 1, params: null },
    ]);
    const rows = await opened().db.select().from(toolCalls).orderBy(toolCalls.id);
    expect(rows.map(({ createdAt, ...r }) => r)).toEqual([
      { id: 'a', appUserId: 'alice', tool: 'crm_search_records', app: 'crm', outcome: 'ok', errorCode: null, attempts: 1, durationMs: 7, params, callId: 'c1', runId: null, url: null },
      { id: 'b', appUserId: 'bob', tool: 't', app: 'desk', outcome: 'error', errorCode: 'TIMEOUT', attempts: 3, durationMs: 0, params: 42, callId: null, runId: 'r', url: 'https://x.test/?q=1' },
      { id: 'c', appUserId: 'bob', tool: 't', app: 'crm', outcome: 'ok', errorCode: null, attempts: 1, durationMs: 1, params: null, callId: null, runId: null, url: null },
    ]);
    for (const r of rows) expect(Math.abs(r.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('keeps big integers, doubles and booleans by their defaults; skips a conflicting row when asked', async () => {
    const insert = jsonRowsInsert(chatStreams, ['runId', 'appUserId', 'aliveUntil', 'expiresAt'], { onConflictDoNothing: true });
    const far = 1_796_223_698_137_000;
    await insert(opened().db, [{ runId: 's1', appUserId: 'alice', aliveUntil: far, expiresAt: far + 1 }]);
    await insert(opened().db, [{ runId: 's1', appUserId: 'mallory', aliveUntil: 1, expiresAt: 1 }, { runId: 's2', appUserId: 'bob', aliveUntil: 2, expiresAt: 3 }]);
    expect(await opened().db.select().from(chatStreams).orderBy(chatStreams.runId)).toEqual([
      { runId: 's1', appUserId: 'alice', cancelRequested: false, aliveUntil: far, expiresAt: far + 1 },
      { runId: 's2', appUserId: 'bob', cancelRequested: false, aliveUntil: 2, expiresAt: 3 },
    ]);
    const runs = jsonRowsInsert(chatRuns, ['id', 'runId', 'appUserId', 'conversationId', 'model', 'steps', 'finishReason', 'promptTokens', 'completionTokens', 'reasoningTokens', 'cachedTokens', 'cost']);
    await runs(opened().db, [{ id: 'r1', runId: 'run', appUserId: 'alice', conversationId: null, model: 'm', steps: 2, finishReason: 'stop', promptTokens: 10, completionTokens: 5, reasoningTokens: 0, cachedTokens: 1, cost: 0.000123 }]);
    const [run] = await opened().db.select().from(chatRuns).where(eq(chatRuns.id, 'r1'));
    expect(run).toMatchObject({ conversationId: null, steps: 2, cost: 0.000123, cachedTokens: 1 });
  });

  it('stores text with quotes, emoji and a lone surrogate (as U+FFFD, as the driver sends it) and a NUL (U+FFFD, not a failed batch)', async () => {
    const insert = jsonRowsInsert(chatStreams, ['runId', 'appUserId', 'aliveUntil', 'expiresAt']);
    await insert(opened().db, [
      { runId: 'u1', appUserId: 'a"b\'c\\d 😀 \n', aliveUntil: 1, expiresAt: 1 },
      { runId: 'u2', appUserId: 'x\ud800y', aliveUntil: 1, expiresAt: 1 },
      { runId: 'u3', appUserId: 'n\u0000ul', aliveUntil: 1, expiresAt: 1 },
    ]);
    const rows = await opened().db.select({ runId: chatStreams.runId, user: chatStreams.appUserId }).from(chatStreams).where(eq(chatStreams.expiresAt, 1)).orderBy(chatStreams.runId);
    expect(rows).toEqual([{ runId: 'u1', user: 'a"b\'c\\d 😀 \n' }, { runId: 'u2', user: 'x\ufffdy' }, { runId: 'u3', user: 'n\ufffdul' }]);
  });
});
