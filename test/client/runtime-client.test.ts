import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRuntimeClient, type RuntimeClient } from '../../src/client/runtime-client.ts';
import { RuntimeClientError } from '../../src/client/runtime-client-error.ts';
import type { RunEvent } from '../../src/stream/events.ts';
import { startChatRig, type ChatRig } from '../support/chat-rig.ts';
import type { FakeOpenRouter } from '../support/fake-openrouter.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import type { serveApp } from '../support/serve.ts';
import type { TestRuntime } from '../support/test-runtime.ts';

const collect = async (events: AsyncIterable<RunEvent>) => {
  const seen: RunEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
};

describe('runtime client against a served runtime', () => {
  let fake: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let client: RuntimeClient;

  let rig: ChatRig;

  beforeAll(async () => {
    rig = await startChatRig();
    ({ zoho: fake, llm, t, server } = rig);
    client = createRuntimeClient({ baseUrl: `${server.url}/`, token: await t.tokenFor('alice') });
  });
  afterAll(() => rig.close());
  beforeEach(() => llm.reset());

  it('iterates the typed events of a chat turn with one tool call', async () => {
    llm.script({ toolCalls: [{ name: 'crm_get_org', arguments: {} }] }, { text: ['Your org is ', 'Fake Corp.'] });
    const events = await collect(client.chat({ messages: [{ role: 'user', content: 'Which org am I in?' }] }));
    const types = events.map((e) => e.type);
    // The server emits tool_call, then status (both before the call runs); the contract fixes neither order.
    expect(types.slice(0, 2).sort()).toEqual(['status', 'tool_call']);
    expect(types.slice(2)).toEqual(['tool_result', 'text', 'text', 'done']);
    const status = events.find((e) => e.type === 'status');
    const result = events.find((e) => e.type === 'tool_result');
    expect(status?.data).toMatchObject({ message: 'Calling Zoho tool: crm_get_org...', tool: 'crm_get_org' });
    expect(result?.data).toMatchObject({ tool: 'crm_get_org', ok: true, attempts: 1, callId: status?.data.callId });
    expect(events.filter((e) => e.type === 'text').map((e) => e.data.delta).join('')).toBe('Your org is Fake Corp.');
    expect(events.at(-1)).toEqual({ type: 'done', data: { finishReason: 'stop', steps: 2 } });
  });

  it('ends the iteration quietly when aborted midway, and the LLM request is aborted too', async () => {
    llm.script([{ text: ['one ', 'two ', 'three ', 'four ', 'five'] }, { chunkDelayMs: 400 }]);
    const controller = new AbortController();
    const seen: RunEvent[] = [];
    const started = Date.now();
    for await (const event of client.chat({ messages: [{ role: 'user', content: 'Count slowly.' }] }, { signal: controller.signal })) {
      seen.push(event);
      if (event.type === 'text') controller.abort();
    }
    expect(seen).toEqual([{ type: 'text', data: { delta: 'one ' } }]);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await llm.waitForAbort(0)).toBe(true);
  });

  it('cancels the request when the caller leaves the loop early', async () => {
    llm.script([{ text: ['one ', 'two ', 'three'] }, { chunkDelayMs: 400 }]);
    for await (const event of client.chat({ messages: [{ role: 'user', content: 'Count slowly.' }] })) {
      if (event.type === 'text') break;
    }
    expect(await llm.waitForAbort(0)).toBe(true);
  });

  it('ends without events when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(client.chat({ messages: [{ role: 'user', content: 'Hi' }] }, { signal: controller.signal }))).toEqual([]);
    expect(llm.requests).toHaveLength(0);
  });

  it('throws RuntimeClientError UNAUTHORIZED for a bad token', async () => {
    const stranger = createRuntimeClient({ baseUrl: server.url, token: 'not-a-jwt' });
    const error = await collect(stranger.chat({ messages: [{ role: 'user', content: 'Hi' }] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeClientError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: expect.stringMatching(/token/i) });
    await expect(stranger.callTool('crm_get_org')).rejects.toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('throws INVALID_REQUEST with the fields for a body the server refuses', async () => {
    const error = await collect(client.chat({ messages: [] })).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST', details: { fields: expect.any(Array) } });
  });

  it('streams a tool run: status, tool_result, done', async () => {
    const events = await collect(client.runTool('crm_get_org', {}));
    expect(events.map((e) => e.type)).toEqual(['status', 'tool_result', 'done']);
    expect(events[1]?.data).toMatchObject({ tool: 'crm_get_org', ok: true, attempts: 1 });
  });

  it('answers a JSON tool call with ok and attempts; a failed run is data, an unknown tool throws', async () => {
    const ok = await client.callTool('crm_get_org', {});
    expect(ok).toMatchObject({ ok: true, attempts: 1 });
    expect(JSON.stringify(ok.result)).toContain('9001');
    const failed = await client.callTool('desk_get_ticket', { ticketId: 'not digits' });
    expect(failed).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' }, attempts: 0 });
    await expect(client.callTool('crm_launch_rocket')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('approves a held write with its params hash and streams the resumed run', async () => {
    llm.script({ toolCalls: [{ name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Lovelace' } } }] }, { text: 'Created the lead.' });
    const held = await collect(client.chat({ messages: [{ role: 'user', content: 'Add a lead Lovelace.' }] }));
    const action = held.find((e) => e.type === 'action_required');
    expect(action?.data).toMatchObject({ code: 'approval_required', callId: expect.any(String), paramsHash: expect.any(String) });
    expect(held.at(-1)).toMatchObject({ type: 'done', data: { finishReason: 'approval_required' } });
    const { callId, paramsHash } = action!.data as unknown as { callId: string; paramsHash: string };

    await expect(collect(client.decideApproval(callId, 'approve', { paramsHash: 'not-the-shown-params' }))).rejects.toMatchObject({ code: 'APPROVAL_INVALID' });
    const resumed = await collect(client.decideApproval(callId, 'approve', { paramsHash }));
    expect(resumed.map((e) => e.type)).toEqual(['status', 'tool_result', 'text', 'done']);
    expect(resumed[1]?.data).toMatchObject({ callId, tool: 'crm_create_record', ok: true });
  });

  it('posts an approval decision on the wire and streams the resumed run', async () => {
    const sent: Request[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      sent.push(new Request(input, init));
      const body = 'event: tool_result\ndata: {"callId":"c1","tool":"crm_delete_record","ok":true,"attempts":1}\n\n'
        + 'event: done\ndata: {"finishReason":"stop","steps":1}\n\n';
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    };
    const viaFake = createRuntimeClient({ baseUrl: 'http://runtime.test', token: 'jwt', fetch: fakeFetch });
    const events = await collect(viaFake.decideApproval('c1', 'approve'));
    expect(events.map((e) => e.type)).toEqual(['tool_result', 'done']);
    expect(sent[0]?.url).toBe('http://runtime.test/api/chat/approvals');
    expect(sent[0]?.headers.get('authorization')).toBe('Bearer jwt');
    expect(sent[0]?.headers.get('accept')).toBe('text/event-stream');
    expect(await sent[0]?.json()).toEqual({ callId: 'c1', decision: 'approve' });
  });

  it('throws NETWORK_ERROR when the runtime cannot be reached', async () => {
    const nowhere = createRuntimeClient({ baseUrl: 'http://127.0.0.1:1', token: 'jwt' });
    await expect(collect(nowhere.runTool('crm_get_org'))).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});
