import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { readSse, serveApp } from '../support/serve.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const internalError = { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' };

describe.each(testDatabases())('tools API on $name', (database) => {
  let fake: FakeZoho;
  let t: TestRuntime;
  let drop: () => Promise<void>;
  let server: Awaited<ReturnType<typeof serveApp>>;

  beforeAll(async () => {
    fake = await startFakeZoho();
    fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
    const db = database.create();
    drop = db.drop;
    t = await startTestRuntime({ fake, database: db.options, retryBaseMs: 5 });
    await connectThroughOAuth(t, fake, 'alice', '70001');
    server = await serveApp(t.runtime.app);
  });
  afterAll(async () => {
    await server.close();
    await t.close();
    await drop();
    await fake.close();
  });
  beforeEach(() => {
    fake.clearFaults();
    fake.reset();
  });

  const call = (name: string, body: unknown, user = 'alice', headers: Record<string, string> = {}) =>
    t.request(`/api/tools/${name}`, { method: 'POST', user, body: JSON.stringify(body), headers });

  it('lists every tool with a JSON Schema of its input', async () => {
    const res = await t.request('/api/tools', { user: 'alice' });
    const { tools } = (await res.json()) as { tools: any[] };
    const names = tools.map((tool) => tool.name);
    for (const fixed of ['crm_list_modules', 'crm_search_records', 'crm_coql_query', 'desk_create_ticket', 'desk_add_ticket_comment']) {
      expect(names).toContain(fixed);
    }
    const search = tools.find((tool) => tool.name === 'crm_search_records');
    // The same provider-neutral schema the model gets; zod still refuses unknown keys when a call runs.
    expect(search).toMatchObject({ app: 'crm', inputSchema: { type: 'object', required: ['module'] } });
    expect(search.inputSchema.$schema).toBeUndefined();
    expect(search.inputSchema.properties.module).toBeDefined();
  });

  it('runs a tool by name and answers ok, result and attempts', async () => {
    const res = await call('crm_get_org', { params: {} });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ ok: true, attempts: 1 });
    expect(JSON.stringify(body.result)).toContain('9001');
  });

  it('answers 404 naming an unknown tool', async () => {
    const res = await call('crm_launch_rocket', { params: {} });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No tool named crm_launch_rocket.' } });
  });

  it('answers 422 with the field errors when params stay invalid', async () => {
    const res = await call('crm_get_record', { params: { module: 'Leads', id: { not: 'an id' }, userId: 'bob' } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as any;
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('INVALID_PARAMS');
    const fields = body.error.details.fields.map((f: any) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['id']));
    expect(JSON.stringify(body.error.details)).toContain('userId');
  });

  it('answers 400 naming the body field when the body is wrong', async () => {
    const res = await call('crm_get_org', { parameters: {} });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('INVALID_REQUEST');
  });

  it('answers 409 ZOHO_NOT_CONNECTED with the URL to connect for a user without Zoho', async () => {
    const res = await call('crm_get_org', { params: {} }, 'nobody');
    expect(res.status).toBe(409);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('ZOHO_NOT_CONNECTED');
    expect(body.error.details.connectUrl).toBe('/api/connections/zoho');
  });

  it('answers 502 with Zoho\'s error and no stack when Zoho keeps failing', async () => {
    fake.inject({ path: '/crm/v8/org', status: 500, body: internalError, times: 10 });
    const res = await call('crm_get_org', { params: {} });
    expect(res.status).toBe(502);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('ZOHO_UNAVAILABLE');
    expect(body.error.details.zohoCode).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('passes Retry-After on when Zoho\'s rate limit outlasts the call', async () => {
    fake.inject({ path: '/crm/v8/org', status: 429, headers: { 'Retry-After': '120' }, body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many', status: 'error' }, times: 10 });
    const res = await call('crm_get_org', { params: {} });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('120');
    expect(((await res.json()) as any).error.code).toBe('ZOHO_RATE_LIMITED');
  });

  it('streams the same run as SSE when asked, ending with done', async () => {
    const res = await fetch(`${server.url}/api/tools/crm_get_org`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.tokenFor('alice')}`, accept: 'text/event-stream', 'content-type': 'application/json' },
      body: JSON.stringify({ params: {} }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSse(res);
    expect(events.map((e) => e.event)).toEqual(['status', 'tool_result', 'done']);
    expect(events[0]!.data.message).toBe('Calling Zoho tool: crm_get_org...');
    expect(events[1]!.data).toMatchObject({ ok: true, attempts: 1 });
    expect(events[2]!.data).toEqual({ finishReason: 'completed', steps: 1 });
  });

  it('streams action_required then error for a user without Zoho', async () => {
    const res = await fetch(`${server.url}/api/tools/desk_list_departments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.tokenFor('nobody')}`, accept: 'text/event-stream' },
      body: JSON.stringify({ params: {} }),
    });
    const events = await readSse(res);
    expect(events.map((e) => e.event)).toEqual(['status', 'tool_result', 'action_required', 'error']);
    expect(events[2]!.data).toMatchObject({ code: 'ZOHO_NOT_CONNECTED', url: '/api/connections/zoho', method: 'POST' });
  });
});
