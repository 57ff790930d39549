import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import { readSse } from '../support/serve.ts';
import type { TestRuntime } from '../support/test-runtime.ts';
import { startZohoRig, type ZohoRig } from './zoho-rig.ts';

const lost = { method: 'POST', path: '/crm/v8/Leads', applyFirst: true, drop: true } as const;
const leadsNamed = (fake: FakeZoho, name: string) => [...(fake.crm.records.get('Leads')?.values() ?? [])].filter((r) => r.Last_Name === name);

describe.each(testDatabases())('a write whose answer is lost after Zoho stored it ($name)', (database) => {
  let rig: ZohoRig;
  let fake: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;

  beforeAll(async () => {
    llm = await startFakeOpenRouter();
    // Writes the model chooses run at once here, so the chat below reaches Zoho without an approval.
    const env = { OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL, CHAT_AUTO_APPROVE_WRITES: 'true' };
    rig = await startZohoRig(database.create(), { env });
    ({ fake, t } = rig);
  });
  afterAll(async () => {
    await rig.close();
    await llm.close();
  });
  beforeEach(() => fake.reset());

  const create = (name: string) => t.request('/api/tools/crm_create_record', {
    method: 'POST', user: 'alice', body: JSON.stringify({ params: { module: 'Leads', record: { Last_Name: name, Company: 'Engines' } } }),
  });

  it('is not retried, and says its outcome is unknown and how to check', async () => {
    fake.inject(lost);
    const res = await create('Lovelace');
    expect(res.status).toBe(502);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ ok: false, attempts: 1, error: { code: 'ZOHO_UNAVAILABLE', details: { outcomeUnknown: true } } });
    expect(body.error.message).toMatch(/may have been made in Zoho anyway: check first \(for example, search for the record/);
    expect(fake.requestsTo('/crm/v8/Leads', 'POST')).toHaveLength(1);
    expect(leadsNamed(fake, 'Lovelace')).toHaveLength(1);
  });

  it('does not say so of a write Zoho refused, nor of a read', async () => {
    fake.inject({ method: 'POST', path: '/crm/v8/Leads', status: 400, body: { data: [{ code: 'INVALID_DATA', details: { api_name: 'Email' }, message: 'invalid data', status: 'error' }] } });
    const refused = (await (await create('Babbage')).json()) as any;
    expect(refused.error.details?.outcomeUnknown).toBeUndefined();
    fake.inject({ path: '/crm/v8/org', drop: true, times: 5 });
    const read = (await (await t.request('/api/tools/crm_get_org', { method: 'POST', user: 'alice', body: '{"params":{}}' })).json()) as any;
    expect(read).toMatchObject({ ok: false, attempts: 3, error: { code: 'ZOHO_UNAVAILABLE' } });
    expect(read.error.details?.outcomeUnknown).toBeUndefined();
  });

  it('says so of a write still in flight when the call\'s deadline ends it', async () => {
    fake.inject({ ...lost, drop: false, delayMs: 1_000, status: 201 });
    const outcome = await t.runtime.executeToolWithRepair(
      (signal) => t.runtime.getZohoApi('alice', 'crm', { signal }), 'crm', 'crm_create_record',
      { module: 'Leads', record: { Last_Name: 'Menabrea', Company: 'Engines' } }, { timeoutMs: 300 },
    );
    expect(outcome).toMatchObject({ ok: false, error: { code: 'TIMEOUT', details: { outcomeUnknown: true } } });
  });

  it('tells the model in a chat that the record may exist and to check before trying again', async () => {
    fake.inject(lost);
    llm.script(
      { toolCalls: [{ name: 'crm_create_record', arguments: { module: 'Leads', record: { Last_Name: 'Somerville', Company: 'Engines' } } }] },
      { text: 'Let me check first.' },
    );
    const res = await t.request('/api/chat', {
      method: 'POST', user: 'alice', body: JSON.stringify({ messages: [{ role: 'user', content: 'Add the lead Somerville at Engines.' }] }),
    });
    const events = await readSse(res);
    expect(events.at(-1)!.event).toBe('done');
    const toolMessage = llm.requests.at(-1)!.body.messages.find((m: any) => m.role === 'tool');
    expect(toolMessage.content).toContain('"outcomeUnknown":true');
    expect(toolMessage.content).toContain('check first');
    expect(fake.requestsTo('/crm/v8/Leads', 'POST')).toHaveLength(1);
    expect(leadsNamed(fake, 'Somerville')).toHaveLength(1);
  });
});
