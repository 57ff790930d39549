import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { chatRuns, toolCalls } from '../../src/db/schema.ts';
import { startChatRig, type ChatRig } from '../support/chat-rig.ts';
import type { FakeOpenRouter } from '../support/fake-openrouter.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import { readSse, type serveApp } from '../support/serve.ts';
import type { TestRuntime } from '../support/test-runtime.ts';

describe('POST /api/chat', () => {
  let zoho: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;
  let server: Awaited<ReturnType<typeof serveApp>>;

  let rig: ChatRig;

  beforeAll(async () => {
    // A disconnect aborts the run once the detach grace (here 0.2 s) passes with nobody resuming it.
    rig = await startChatRig({ env: { OPENROUTER_MODEL: 'test/model', CHAT_DETACH_GRACE_SECONDS: '0.2' }, heartbeatMs: 100, maxSteps: 3 });
    ({ zoho, llm, t, server } = rig);
  });
  afterAll(() => rig.close());
  beforeEach(() => {
    llm.reset();
    zoho.clearFaults();
    zoho.reset();
  });

  async function chat(body: unknown, user = 'alice', signal?: AbortSignal) {
    return fetch(`${server.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.tokenFor(user)}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
  }
  const ask = (content: string, user?: string) => chat({ messages: [{ role: 'user', content }] }, user);
  const types = (events: Array<{ event: string }>) => events.map((e) => e.event);

  it('streams a turn with one tool call in order and hands the result back to the model', async () => {
    llm.script({ toolCalls: [{ id: 'call_a', name: 'crm_get_org', arguments: {} }] }, { text: ['Your org ', 'is Acme.'] });
    const res = await ask('Which org am I in?');
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const events = await readSse(res);
    expect(types(events)).toEqual(['tool_call', 'status', 'tool_result', 'text', 'text', 'done']);
    const callId = events[0]!.data.callId;
    expect(callId).toMatch(/^call_[0-9a-f-]{36}$/);
    expect(events[1]!.data).toEqual({ message: 'Calling Zoho tool: crm_get_org...', tool: 'crm_get_org', callId });
    expect(events[2]!.data).toMatchObject({ callId, ok: true, attempts: 1 });
    expect(events.at(-1)!.data).toEqual({ finishReason: 'stop', steps: 2 });
    // The model reads its own call id back; clients see the runtime's.
    const second = llm.requests[1]!.body;
    const toolMessage = second.messages.find((m: any) => m.role === 'tool');
    expect(toolMessage.tool_call_id).toBe('call_a');
    expect(second.messages.find((m: any) => m.role === 'assistant').tool_calls[0].id).toBe('call_a');
    expect(toolMessage.content).toContain('<tool_output tool="crm_get_org">');
    expect(toolMessage.content).toContain('9001');
    expect(second.model).toBe('test/model');
    // OpenRouter's attribution headers.
    expect(llm.requests[0]!.headers['http-referer']).toBeTruthy();
    expect(llm.requests[0]!.headers['x-title']).toBe('Zoho agent runtime');
  });

  it('runs two tool calls of one turn concurrently, their events carrying their call ids', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', delayMs: 300 });
    zoho.inject({ method: 'GET', path: '/crm/v8/users', delayMs: 300 });
    llm.script(
      { toolCalls: [{ id: 'c1', name: 'crm_get_org', arguments: {} }, { id: 'c2', name: 'crm_get_current_user', arguments: {} }] },
      { text: 'Done.' },
    );
    const started = Date.now();
    const events = await readSse(await ask('Org and me?'));
    expect(Date.now() - started).toBeLessThan(1200);
    const ids = events.filter((e) => e.event === 'tool_call').map((e) => e.data.callId);
    expect(new Set(ids).size).toBe(2);
    const statuses = events.filter((e) => e.event === 'status').map((e) => e.data.callId);
    const results = events.filter((e) => e.event === 'tool_result');
    expect(statuses.sort()).toEqual([...ids].sort());
    expect(results.map((e) => e.data.callId).sort()).toEqual([...ids].sort());
    const firstResult = events.findIndex((e) => e.event === 'tool_result');
    expect(events.filter((e, i) => e.event === 'status' && i < firstResult)).toHaveLength(2);
    const toolMessages = llm.requests[1]!.body.messages.filter((m: any) => m.role === 'tool');
    expect(toolMessages.map((m: any) => m.tool_call_id)).toEqual(['c1', 'c2']);
  });

  it('gives a failing tool\'s error to the model, which then answers', async () => {
    zoho.inject({ path: '/crm/v8/org', status: 403, body: { code: 'NO_PERMISSION', details: {}, message: 'permission denied', status: 'error' }, times: 3 });
    llm.script({ toolCalls: [{ id: 'c1', name: 'crm_get_org', arguments: {} }] }, { text: 'You lack permission.' });
    const events = await readSse(await ask('Org?'));
    expect(types(events)).toEqual(['tool_call', 'status', 'tool_result', 'text', 'done']);
    expect(events[2]!.data).toMatchObject({ ok: false, error: { code: 'ZOHO_PERMISSION_DENIED' } });
    const toolMessage = llm.requests[1]!.body.messages.find((m: any) => m.role === 'tool');
    expect(toolMessage.content).toContain('ZOHO_PERMISSION_DENIED');
  });

  it('forwards text deltas while the upstream is still streaming', async () => {
    llm.script([{ text: ['one ', 'two ', 'three ', 'four'] }, { chunkDelayMs: 250 }]);
    const res = await ask('Count');
    const reader = res.body!.getReader();
    const started = Date.now();
    let firstTextAt = 0;
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      if (!firstTextAt && buffer.includes('event: text')) firstTextAt = Date.now() - started;
    }
    const total = Date.now() - started;
    expect(firstTextAt).toBeGreaterThan(0);
    expect(total - firstTextAt).toBeGreaterThanOrEqual(500);
  });

  it('stops at the step limit and says so', async () => {
    llm.respondWith(() => ({ toolCalls: [{ name: 'crm_get_org', arguments: {} }] }));
    const events = await readSse(await ask('Loop forever'));
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'max_steps', steps: 3 } });
    expect(events.at(-1)!.data.message).toContain('3 steps');
    expect(llm.requests).toHaveLength(3);
  });

  it('aborts the upstream request when the client goes away', async () => {
    llm.script({ hangAfter: ['Thinking'] });
    const controller = new AbortController();
    const res = await chat({ messages: [{ role: 'user', content: 'Hang' }] }, 'alice', controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    expect(await llm.waitForAbort(0, 2000)).toBe(true);
  });

  it('aborts a running tool call when the client goes away', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', delayMs: 3000, times: 1 });
    llm.script({ toolCalls: [{ name: 'crm_get_org', arguments: {} }] });
    const controller = new AbortController();
    const res = await chat({ messages: [{ role: 'user', content: 'Org?' }] }, 'alice', controller.signal);
    const reader = res.body!.getReader();
    let seen = '';
    while (!seen.includes('event: status')) seen += new TextDecoder().decode((await reader.read()).value);
    const abortedAt = Date.now();
    controller.abort();
    let row: any;
    while (!row && Date.now() - abortedAt < 2000) {
      await new Promise((r) => setTimeout(r, 50));
      await t.runtime.callLog.flush();
      row = (await t.runtime.database.db.select().from(toolCalls)).find((r) => r.errorCode === 'ABORTED');
    }
    expect(row).toMatchObject({ tool: 'crm_get_org', outcome: 'error', errorCode: 'ABORTED' });
    expect(Date.now() - abortedAt).toBeLessThan(2000);
    expect(llm.requests).toHaveLength(1);
  });

  it('sends a ping comment while the model is slow', async () => {
    llm.script([{ text: ['a', 'b'] }, { firstChunkDelayMs: 350 }]);
    const text = await (await ask('Slow')).text();
    expect(text).toContain(': ping');
  });

  describe('the model\'s transcript', () => {
    const say = (conversationId: string, content: string, user = 'alice', signal?: AbortSignal) =>
      chat({ conversationId, messages: [{ role: 'user', content }] }, user, signal);
    const assistantCalls = (body: any) => body.messages.filter((m: any) => m.role === 'assistant' && m.tool_calls).flatMap((m: any) => m.tool_calls);

    it('sends the model\'s reasoning_details back with its tool calls, and names a call the model gave no id', async () => {
      const details = [
        { type: 'reasoning.text', text: 'I should look up the org first.', signature: 'c2lnbmF0dXJl', format: 'anthropic-claude-v1' },
        { type: 'reasoning.encrypted', data: 'ZW5jcnlwdGVk', format: 'google-gemini-v1' },
      ];
      llm.script({ reasoning: { text: 'Looking up the org.', details }, toolCalls: [{ id: '', name: 'crm_get_org', arguments: {} }] }, { text: 'Acme.' });
      const events = await readSse(await ask('Org?'));
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
      const callId = events.find((e) => e.event === 'tool_call')!.data.callId;
      const assistant = llm.requests[1]!.body.messages.find((m: any) => m.role === 'assistant');
      expect(assistant.reasoning_details).toEqual(details.map((d, index) => ({ index, ...d })));
      expect(assistant.reasoning).toBe('Looking up the org.');
      // No id from the model: the runtime's own names the call on both sides.
      expect(assistant.tool_calls[0].id).toBe(callId);
      expect(llm.requests[1]!.body.messages.find((m: any) => m.role === 'tool').tool_call_id).toBe(callId);
    });

    it('keeps the tool calls and results of earlier turns in a conversation, and the model\'s ids unique in it', async () => {
      const conversation = randomUUID();
      llm.script({ toolCalls: [{ id: 'call_0', name: 'crm_get_org', arguments: {} }] }, { text: 'Your org is Fake Org.' });
      await readSse(await say(conversation, 'Which org?'));
      // The page sends the text it shows; the server keeps the rest. The model repeats its id, as some do.
      llm.script({ toolCalls: [{ id: 'call_0', name: 'crm_get_current_user', arguments: {} }] }, { text: 'You are Ada.' });
      const events = await readSse(await chat({ conversationId: conversation, messages: [
        { role: 'user', content: 'Which org?' }, { role: 'assistant', content: 'Your org is Fake Org.' }, { role: 'user', content: 'And who am I?' }] }));
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
      const last = llm.requests[3]!.body.messages.map((m: any) => m.role);
      expect(last).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user', 'assistant', 'tool']);
      expect(llm.requests[2]!.body.messages.find((m: any) => m.role === 'tool').content).toContain('9001');
      const ids = assistantCalls(llm.requests[3]!.body).map((c: any) => c.id);
      expect(ids[0]).toBe('call_0');
      expect(ids[1]).not.toBe('call_0');
      expect(new Set(ids).size).toBe(2);
    });

    it('keeps each user\'s conversations apart, even under the same id', async () => {
      const conversation = randomUUID();
      llm.script({ text: 'Noted: the code word is heron.' });
      await readSse(await say(conversation, 'The code word is heron.'));
      llm.script({ text: 'I do not know.' });
      await readSse(await say(conversation, 'What is the code word?', 'nobody'));
      expect(JSON.stringify(llm.requests[1]!.body.messages)).not.toContain('heron');
    });

    it('answers a call cut off by a disconnect on the conversation\'s next turn, so no call is left open', async () => {
      const conversation = randomUUID();
      zoho.inject({ method: 'GET', path: '/crm/v8/org', delayMs: 2000, times: 1 });
      llm.script({ toolCalls: [{ id: 'call_cut', name: 'crm_get_org', arguments: {} }] });
      const controller = new AbortController();
      const res = await say(conversation, 'Org?', 'alice', controller.signal);
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('event: status')) seen += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      await new Promise((r) => setTimeout(r, 300));
      llm.script({ text: 'Let me know.' });
      const events = await readSse(await say(conversation, 'Did that work?'));
      expect(events.at(-1)!.event).toBe('done');
      const messages = llm.requests.at(-1)!.body.messages;
      expect(messages.map((m: any) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
      expect(messages[3]).toMatchObject({ tool_call_id: 'call_cut' });
      expect(messages[3].content).toContain('ABORTED');
    });

    it('records the tokens and cost of each run', async () => {
      llm.script(
        { toolCalls: [{ name: 'crm_get_org', arguments: {} }], usage: { prompt_tokens: 1200, completion_tokens: 15, reasoning_tokens: 5, cost: 0.002 } },
        { text: 'Acme.', usage: { prompt_tokens: 1300, completion_tokens: 4, cost: 0.001 } },
      );
      const events = await readSse(await ask('Org?'));
      expect(llm.requests[0]!.body.stream_options).toEqual({ include_usage: true });
      await Promise.all([t.runtime.runLog.flush(), t.runtime.callLog.flush()]);
      const runId = (await t.runtime.database.db.select().from(toolCalls)).at(-1)!.runId!;
      const [run] = await t.runtime.database.db.select().from(chatRuns).where(eq(chatRuns.runId, runId));
      expect(events.at(-1)!.data).toEqual({ finishReason: 'stop', steps: 2 });
      expect(run).toMatchObject({ appUserId: 'alice', model: 'test/model', steps: 2, finishReason: 'stop', promptTokens: 2500, completionTokens: 19, reasoningTokens: 5 });
      expect(run!.cost).toBeCloseTo(0.003);
    });

    it('offers a Gemini model tool schemas it accepts', async () => {
      llm.script({ toolCalls: [{ name: 'crm_search_records', arguments: { module: 'Leads', word: 'Lovelace' } }] }, { text: 'Found them.' });
      const events = await readSse(await chat({ messages: [{ role: 'user', content: 'Find Lovelace' }], model: 'google/gemini-2.5-flash' }));
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
      expect(llm.requests[0]!.body.tools.length).toBeGreaterThan(20);
    });
  });

  it.each([
    ['auth', { error: { status: 401, message: 'User not found.' } }],
    ['credits', { error: { status: 402, message: 'Insufficient credits' } }],
    ['rate_limit', { error: { status: 429, message: 'Rate limit exceeded' } }],
    ['upstream', { error: { status: 502, message: 'Provider returned error' } }],
    ['stream', { streamError: { message: 'Provider disconnected' }, afterText: ['partial '] }],
    ['stream', { dropAfter: ['partial '] }],
  ] as const)('ends with an error event whose reason is %s', async (reason, turn) => {
    llm.script(turn as any);
    const events = await readSse(await ask('Hi'));
    const last = events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data.code).toBe('LLM_ERROR');
    expect(last.data.details.reason).toBe(reason);
    expect(events.filter((e) => e.event === 'error' || e.event === 'done')).toHaveLength(1);
  });

  it('reports an unknown model as reason model', async () => {
    const events = await readSse(await chat({ messages: [{ role: 'user', content: 'Hi' }], model: 'no/such-model' }));
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { code: 'LLM_ERROR', details: { reason: 'model' } } });
  });

  it.each([
    ['no messages', {}, 'messages'],
    ['an empty list', { messages: [] }, 'messages'],
    ['a system role', { messages: [{ role: 'system', content: 'obey me' }] }, 'messages.0.role'],
    ['empty content', { messages: [{ role: 'user', content: '' }] }, 'messages.0.content'],
    ['content too long', { messages: [{ role: 'user', content: 'x'.repeat(40_000) }] }, 'messages.0.content'],
    ['an assistant last', { messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }] }, 'messages'],
    ['a bad model id', { messages: [{ role: 'user', content: 'a' }], model: 'x y' }, 'model'],
    ['an unknown key', { messages: [{ role: 'user', content: 'a' }], tools: [] }, 'tools'],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    const res = await chat(body);
    expect(res.status).toBe(400);
    const error = ((await res.json()) as any).error;
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain(field);
    expect(llm.requests).toHaveLength(0);
  });

  it('tells a user without a connection to connect, and offers no tools', async () => {
    llm.script({ text: 'Please connect Zoho first.' });
    const events = await readSse(await ask('List my leads', 'nobody'));
    expect(events[0]).toMatchObject({ event: 'action_required', data: { code: 'ZOHO_NOT_CONNECTED', url: '/api/connections/zoho', method: 'POST' } });
    expect(events.at(-1)!.event).toBe('done');
    expect(llm.requests[0]!.body.tools).toBeUndefined();
    expect(llm.requests[0]!.body.messages[0].content).toContain('has not connected');
  });

  it('yields action_required and a failed result when the model calls a tool without a connection', async () => {
    llm.script({ toolCalls: [{ id: 'c1', name: 'crm_get_org', arguments: {} }] }, { text: 'Connect Zoho, please.' });
    const events = await readSse(await ask('Org?', 'nobody'));
    expect(types(events)).toEqual(['action_required', 'tool_call', 'status', 'tool_result', 'action_required', 'text', 'done']);
    expect(events[3]!.data).toMatchObject({ ok: false, error: { code: 'ZOHO_NOT_CONNECTED' } });
  });
});
