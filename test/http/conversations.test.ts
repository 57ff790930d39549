// The caller's conversations (GET/DELETE /api/conversations, GET /api/conversations/:id) and
// re-running a conversation's last turn (POST /api/chat with `regenerate`), on every test database.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { readSse } from '../support/serve.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

describe.each(testDatabases().map((d) => [d.name, d] as const))('conversations on %s', (_name, database) => {
  let zoho: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    zoho = await startFakeZoho();
    zoho.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
    llm = await startFakeOpenRouter();
    const db = database.create();
    drop = db.drop;
    t = await startTestRuntime({ fake: zoho, database: db.options, env: { OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL } });
    await connectThroughOAuth(t, zoho, 'alice', '70001');
  });
  afterAll(async () => {
    await t?.close();
    await drop?.();
    await llm?.close();
    await zoho?.close();
  });
  beforeEach(() => llm.reset());

  const chat = async (user: string, body: Record<string, unknown>) => readSse(await t.request('/api/chat', { method: 'POST', user, body: JSON.stringify(body) }));
  const say = (user: string, conversationId: string, content: string, extra: Record<string, unknown> = {}) =>
    chat(user, { conversationId, messages: [{ role: 'user', content }], ...extra });
  const getJson = async (path: string, user: string) => {
    const res = await t.request(path, { user });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('lists the caller\'s conversations, most recent first, titled from the first message in ASCII, and never another user\'s', async () => {
    const first = randomUUID();
    const second = randomUUID();
    llm.script({ text: 'Hello.' }, { text: 'Sure.' }, { text: 'Hi Bob.' }, { text: 'Again.' });
    await say('alice', first, '  Find   the contacts\nof \u201cM\u00fcller & S\u00f6hne\u201d \u2014 please  ');
    await say('alice', second, `Summarise ${'the pipeline of every region '.repeat(6)}`);
    await say('bob', randomUUID(), 'Bob\'s question');
    await say('alice', first, 'A follow-up');

    const { status, body } = await getJson('/api/conversations', 'alice');
    expect(status).toBe(200);
    expect(body.conversations.map((c: any) => c.id)).toEqual([first, second]);
    const [a, b] = body.conversations;
    expect(a.title).toBe('Find the contacts of "Muller & Sohne" - please');
    expect(b.title.length).toBeLessThanOrEqual(80);
    expect(b.title).toMatch(/^Summarise the pipeline of every region .*\.\.\.$/);
    expect(b.title).not.toMatch(/\s\.\.\.$/);
    expect(Date.parse(a.updatedAt)).toBeGreaterThanOrEqual(Date.parse(b.updatedAt));
    expect(Date.parse(a.createdAt)).toBeLessThanOrEqual(Date.parse(b.createdAt));
    expect(Object.keys(a).sort()).toEqual(['createdAt', 'id', 'title', 'updatedAt']);
    expect((await getJson('/api/conversations?limit=1', 'alice')).body.conversations).toHaveLength(1);
    expect((await getJson('/api/conversations', 'carol')).body).toEqual({ conversations: [] });
  });

  it('shows a conversation as a page does: text, and tool calls with parsed results and errors, never the tool_output wrapper', async () => {
    const id = randomUUID();
    llm.script(
      { text: 'Let me look.', toolCalls: [
        { id: 'call_org', name: 'crm_get_org', arguments: {} },
        { id: 'call_search', name: 'crm_search_records', arguments: { module: 'Leads', email: 'ada@example.com' } },
        { id: 'call_missing', name: 'crm_get_record', arguments: { module: 'Leads', id: '999999999' } },
      ] },
      { text: 'Your org is **Fake Org**.' },
    );
    const events = await say('alice', id, 'Which org, and is Ada a lead?');
    // The stream carries each call's sentence too (the tool's summarize), beside the contract's status line.
    expect(events.filter((e) => e.event === 'tool_call').map((e) => e.data.summary))
      .toEqual(['Read your Zoho CRM organization.', 'Search Leads for ada@example.com.', 'Read the Leads record 999999999.']);
    expect(events.find((e) => e.event === 'status')!.data).toEqual({ message: 'Calling Zoho tool: crm_get_org...', tool: 'crm_get_org', callId: expect.any(String) });
    const { status, body } = await getJson(`/api/conversations/${id}`, 'alice');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, title: 'Which org, and is Ada a lead?' });
    expect(body.messages.map((m: any) => m.role)).toEqual(['user', 'assistant']);
    expect(body.messages[0]).toEqual({ role: 'user', text: 'Which org, and is Ada a lead?', createdAt: expect.any(String) });
    expect(Date.parse(body.messages[1].createdAt)).toBeGreaterThanOrEqual(Date.parse(body.messages[0].createdAt));
    const parts = body.messages[1].parts;
    expect(parts.map((p: any) => p.type)).toEqual(['text', 'tool', 'tool', 'tool', 'text']);
    expect(parts[0]).toEqual({ type: 'text', text: 'Let me look.' });
    expect(parts[1]).toMatchObject({ tool: 'crm_get_org', toolCallId: 'call_org', state: 'done', summary: 'Read your Zoho CRM organization.', params: {} });
    expect(parts[1].result.org.id).toBe('9001');
    expect(parts[2]).toMatchObject({ tool: 'crm_search_records', state: 'done', summary: 'Search Leads for ada@example.com.' });
    expect(parts[2].result).toHaveProperty('records');
    expect(parts[3]).toMatchObject({ tool: 'crm_get_record', state: expect.stringMatching(/done|failed/) });
    expect(parts[4]).toEqual({ type: 'text', text: 'Your org is **Fake Org**.' });
    expect(JSON.stringify(body)).not.toContain('tool_output');

    // Another user, or an id nobody has: the same 404.
    for (const [path, user] of [[`/api/conversations/${id}`, 'bob'], [`/api/conversations/${randomUUID()}`, 'alice']] as const) {
      const other = await getJson(path, user);
      expect(other.status).toBe(404);
      expect(other.body.error.code).toBe('NOT_FOUND');
    }
  });

  it('shows a call waiting for approval with what another device needs to decide it, and a cancelled call as NOT_RUN', async () => {
    const id = randomUUID();
    llm.script({ toolCalls: [{ id: 'call_w', name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Lovelace' } } }] });
    const events = await say('alice', id, 'Create the lead Lovelace');
    expect(events.at(-1)!.data.finishReason).toBe('approval_required');
    const asked = events.find((e) => e.event === 'action_required')!.data;
    const waiting = (await getJson(`/api/conversations/${id}`, 'alice')).body.messages[1].parts;
    expect(waiting).toEqual([expect.objectContaining({
      type: 'tool', tool: 'crm_create_record', state: 'waiting', summary: expect.stringContaining('Create a Leads record'),
      approval: { callId: asked.callId, paramsHash: asked.paramsHash, message: asked.message, effect: 'write', names: {} },
    })]);
    // Decided from there: the run resumes and the view shows the result.
    llm.script({ text: 'Created.' });
    const resumed = readSse(await t.request('/api/chat/approvals', {
      method: 'POST', user: 'alice', body: JSON.stringify({ callId: asked.callId, decision: 'approve', paramsHash: asked.paramsHash }),
    }));
    expect((await resumed).at(-1)!.data.finishReason).toBe('stop');
    const done = (await getJson(`/api/conversations/${id}`, 'alice')).body.messages[1].parts;
    expect(done[0]).toMatchObject({ state: 'done', result: { id: expect.any(String) } });
    expect(done[0]).not.toHaveProperty('approval');

    llm.script({ toolCalls: [{ id: 'call_w2', name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Byron' } } }] });
    await say('alice', id, 'And Byron');

    // A new message cancels it: the model read NOT_RUN, and the view says so as an error.
    llm.script({ text: 'OK, I did not create it.' });
    await say('alice', id, 'Never mind');
    const parts = (await getJson(`/api/conversations/${id}`, 'alice')).body.messages[3].parts;
    expect(parts[0]).toMatchObject({ state: 'failed', error: { code: 'NOT_RUN' } });
    expect(parts[0]).not.toHaveProperty('approval');
  });

  it('deletes a conversation: its transcript goes, its open approvals are refused, and another user\'s is out of reach', async () => {
    const id = randomUUID();
    llm.script({ toolCalls: [{ id: 'call_d', name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Byron' } } }] });
    const events = await say('alice', id, 'Create the lead Byron');
    const ask = events.find((e) => e.event === 'action_required')!.data;
    const created = zoho.requestsTo('/crm/v8/Leads', 'POST').length;

    expect((await t.request(`/api/conversations/${id}`, { method: 'DELETE', user: 'bob' })).status).toBe(404);
    expect((await getJson(`/api/conversations/${id}`, 'alice')).status).toBe(200);

    const res = await t.request(`/api/conversations/${id}`, { method: 'DELETE', user: 'alice' });
    expect(res.status).toBe(204);
    expect((await getJson(`/api/conversations/${id}`, 'alice')).status).toBe(404);
    expect((await getJson('/api/conversations', 'alice')).body.conversations.map((c: any) => c.id)).not.toContain(id);
    expect(await t.runtime.conversations.load('alice', id)).toEqual([]);
    const again = await t.request(`/api/conversations/${id}`, { method: 'DELETE', user: 'alice' });
    expect(again.status).toBe(404);

    const approval = await t.request('/api/chat/approvals', {
      method: 'POST', user: 'alice', body: JSON.stringify({ callId: ask.callId, decision: 'approve', paramsHash: ask.paramsHash }),
    });
    expect(approval.status).toBe(409);
    expect(((await approval.json()) as any).error.code).toBe('APPROVAL_INVALID');
    expect(zoho.requestsTo('/crm/v8/Leads', 'POST')).toHaveLength(created);
  });

  it('refuses a bad id or query with a 400 naming the field', async () => {
    for (const [path, field] of [
      ['/api/conversations/not%20an%20id', 'id'],
      [`/api/conversations/${'x'.repeat(101)}`, 'id'],
      ['/api/conversations?limit=0', 'limit'],
      ['/api/conversations?limit=abc', 'limit'],
      ['/api/conversations?page=2', '(query)'],
    ] as const) {
      const { status, body } = await getJson(path, 'alice');
      expect(status, path).toBe(400);
      expect(body.error.code).toBe('INVALID_REQUEST');
      expect(body.error.details.fields.map((f: any) => f.field), path).toContain(field);
    }
    expect((await t.request('/api/conversations/bad%20id', { method: 'DELETE', user: 'alice' })).status).toBe(400);
    expect((await t.request('/api/conversations')).status).toBe(401);
  });

  describe('re-running the last turn (regenerate)', () => {
    const roles = (index: number) => llm.requests[index]!.body.messages.map((m: any) => m.role);

    it('replaces the answer after a Stop without adding the question again', async () => {
      const id = randomUUID();
      llm.script({ text: 'A first answer.' });
      await say('alice', id, 'Tell me about Ada');
      llm.script({ text: 'A better answer.' });
      const events = await say('alice', id, 'Tell me about Ada', { regenerate: true });
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
      expect(roles(1)).toEqual(['system', 'user']);
      const stored = await t.runtime.conversations.load('alice', id);
      expect(stored.map((m) => [m.role, m.content])).toEqual([['user', 'Tell me about Ada'], ['assistant', 'A better answer.']]);
      // The next message follows the new answer, at the next position.
      llm.script({ text: 'Next.' });
      await say('alice', id, 'And then?');
      expect(roles(2)).toEqual(['system', 'user', 'assistant', 'user']);
      expect((await t.runtime.conversations.load('alice', id)).map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    });

    it('keeps the turn\'s tool calls and results, so what ran is not run again, and drops only the text after them', async () => {
      const id = randomUUID();
      llm.script({ toolCalls: [{ id: 'call_r1', name: 'crm_get_org', arguments: {} }] }, { dropAfter: ['Your org is'] });
      const broken = await say('alice', id, 'Which org?');
      expect(broken.at(-1)!.event).toBe('error');
      const orgCalls = zoho.requestsTo('/crm/v8/org', 'GET').length;

      llm.script({ text: 'Your org is Fake Org.' });
      const events = await say('alice', id, 'Which org?', { regenerate: true });
      expect(events.map((e) => e.event)).toEqual(['text', 'done']);
      expect(roles(2)).toEqual(['system', 'user', 'assistant', 'tool']);
      expect(llm.requests[2]!.body.messages[3].tool_call_id).toBe('call_r1');
      expect(zoho.requestsTo('/crm/v8/org', 'GET')).toHaveLength(orgCalls);
      const view = (await getJson(`/api/conversations/${id}`, 'alice')).body.messages;
      expect(view.map((m: any) => m.role)).toEqual(['user', 'assistant']);
      expect(view[1].parts.map((p: any) => p.type)).toEqual(['tool', 'text']);
    });

    it('takes the message as a new one when the server never stored it, and ignores the flag without a conversation', async () => {
      const id = randomUUID();
      llm.script({ text: 'One.' }, { text: 'Two.' }, { text: 'Three.' });
      await say('alice', id, 'First question');
      await say('alice', id, 'A question the server never saw', { regenerate: true });
      expect(roles(1)).toEqual(['system', 'user', 'assistant', 'user']);
      expect((await t.runtime.conversations.load('alice', id)).map((m) => m.content)).toEqual(['First question', 'One.', 'A question the server never saw', 'Two.']);
      const plain = await chat('alice', { messages: [{ role: 'user', content: 'No conversation' }], regenerate: true });
      expect(plain.at(-1)!.event).toBe('done');
    });
  });
});
