import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toolCalls } from '../../src/db/schema.ts';
import type { RunEvent } from '../../src/stream/events.ts';
import type { ExecuteOptions } from '../../src/tools/execute-tool-with-repair.ts';
import { startChatRig, type ChatRig } from '../support/chat-rig.ts';
import type { FakeOpenRouter } from '../support/fake-openrouter.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import type { TestRuntime } from '../support/test-runtime.ts';

const internalError = { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' };

describe('executeToolWithRepair', () => {
  let zoho: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;

  let rig: ChatRig;

  beforeAll(async () => {
    rig = await startChatRig({ retryBaseMs: 5 });
    ({ zoho, llm, t } = rig);
  });
  afterAll(() => rig.close());
  beforeEach(() => {
    zoho.reset();
    zoho.clearFaults();
    llm.reset();
  });
  afterEach(() => zoho.clearFaults());

  async function run(tool: string, params: unknown, options: ExecuteOptions = {}) {
    const events: RunEvent[] = [];
    const app = tool.startsWith('crm_') ? 'crm' : 'desk';
    const outcome = await t.runtime.executeToolWithRepair(
      () => t.runtime.getZohoApi('alice', app), app, tool, params, { callId: 'call-1', onEvent: (e) => events.push(e), ...options });
    return { outcome, events, types: events.map((e) => e.type) };
  }
  const leadPosts = () => zoho.requestsTo('/crm/v8/Leads', 'POST');

  it('emits status first and tool_result last for a call that works', async () => {
    const { outcome, events, types } = await run('crm_get_org', {});
    expect(types).toEqual(['status', 'tool_result']);
    expect(events[0]!.data).toEqual({ message: 'Calling Zoho tool: crm_get_org...', tool: 'crm_get_org', callId: 'call-1' });
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });
    expect(events[1]!.data).toMatchObject({ callId: 'call-1', ok: true, attempts: 1 });
  });

  it('parses a record given as a JSON string', async () => {
    const { outcome, events, types } = await run('crm_create_record', { module: 'Leads', record: '{"Last_Name":"Lovelace","Company":"Engines"}' });
    expect(types).toEqual(['status', 'repair', 'tool_result']);
    expect(events[1]!.data).toMatchObject({ attempt: 0, reason: 'schema', params: { record: { Last_Name: 'Lovelace' } } });
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });
    expect((leadPosts()[0]!.body as any).data[0]).toMatchObject({ Last_Name: 'Lovelace', Company: 'Engines' });
  });

  it('turns numbers given as strings into numbers', async () => {
    const { outcome, types } = await run('crm_search_records', { module: 'Leads', word: 'a', page: '1', perPage: '5' });
    expect(types).toEqual(['status', 'repair', 'tool_result']);
    expect(outcome.ok).toBe(true);
    expect(zoho.requestsTo('/crm/v8/Leads/search')[0]!.query).toMatchObject({ page: '1', per_page: '5' });
  });

  it('treats null as absent, as a strict-mode model fills the optional fields it does not use', async () => {
    const { outcome, events, types } = await run('crm_search_records', { module: 'Leads', word: 'a', email: null, phone: null, fields: null, page: null });
    expect(types).toEqual(['status', 'repair', 'tool_result']);
    expect(events[1]!.data).toMatchObject({ attempt: 0, reason: 'schema' });
    expect((events[1]!.data as any).params).toEqual({ module: 'Leads', word: 'a' });
    expect(outcome.ok).toBe(true);
  });

  it('maps field names that differ from the API name in case or are labels', async () => {
    const { outcome, events, types } = await run('crm_create_record', { module: 'Leads', record: { last_name: 'Hopper', 'Company': 'Navy', 'first name': 'Grace' } });
    expect(types).toEqual(['status', 'repair', 'tool_result']);
    expect(events[1]!.data).toMatchObject({ reason: 'field_names' });
    expect(outcome.ok).toBe(true);
    expect((leadPosts()[0]!.body as any).data[0]).toEqual({ Last_Name: 'Hopper', Company: 'Navy', First_Name: 'Grace' });
  });

  it('asks the model to repair MANDATORY_NOT_FOUND with only this tool offered and forced', async () => {
    llm.script({ toolCalls: [{ name: 'crm_create_record', arguments: { module: 'Leads', record: { First_Name: 'Ada', Last_Name: 'Lovelace' } } }] });
    const { outcome, events, types } = await run('crm_create_record', { module: 'Leads', record: { First_Name: 'Ada' } });
    expect(types).toEqual(['status', 'repair', 'tool_result']);
    expect(events[1]!.data).toMatchObject({ attempt: 1, reason: 'model', params: { record: { Last_Name: 'Lovelace' } } });
    expect(JSON.stringify(events[1]!.data)).toContain('MANDATORY_NOT_FOUND');
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    const body = llm.requests[0]!.body;
    expect(body.tools).toHaveLength(1);
    expect(body.tools[0].function.name).toBe('crm_create_record');
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'crm_create_record' } });
    expect(JSON.stringify(body.messages)).toContain('MANDATORY_NOT_FOUND');
    expect(body.messages.map((m: any) => m.content).join('\n')).toContain('"First_Name":"Ada"');
    expect(leadPosts()).toHaveLength(2);
  });

  it('answers INVALID_PARAMS with the fields when params stay invalid', async () => {
    llm.script({ toolCalls: [{ name: 'crm_get_record', arguments: { module: 'Leads' } }] });
    const { outcome, types } = await run('crm_get_record', { module: 'Leads', id: { nope: true } });
    expect(types).toEqual(['status', 'tool_result']);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('INVALID_PARAMS');
    expect(outcome.error.details!.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'id' })]));
    expect(outcome.attempts).toBe(0);
    expect(zoho.requestsTo(/\/crm\/v8\/Leads/)).toHaveLength(0);
  });

  it('refreshes the token once after a 401 and succeeds', async () => {
    zoho.expireAccessTokens();
    const { outcome } = await run('crm_get_org', {});
    expect(outcome).toMatchObject({ ok: true, attempts: 1 });
    expect(zoho.counts.refreshes).toBe(1);
  });

  it('retries a read after a 500 and succeeds', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', status: 500, body: internalError, times: 1 });
    const { outcome } = await run('crm_get_org', {});
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
  });

  it('stops after maxAttempts', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', status: 503, body: internalError, times: 10 });
    const { outcome } = await run('crm_get_org', {}, { maxAttempts: 3 });
    expect(outcome).toMatchObject({ ok: false, attempts: 3 });
    expect(!outcome.ok && outcome.error.code).toBe('ZOHO_UNAVAILABLE');
    expect(zoho.requestsTo('/crm/v8/org')).toHaveLength(3);
  });

  it('waits as long as Retry-After says after a 429', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', status: 429, headers: { 'Retry-After': '1' }, body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' } });
    const started = Date.now();
    const { outcome } = await run('crm_get_org', {});
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a write that Zoho refused with 429, since nothing was done', async () => {
    zoho.inject({ method: 'POST', path: '/crm/v8/Leads', status: 429, headers: { 'Retry-After': '0' }, body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' } });
    const { outcome } = await run('crm_create_record', { module: 'Leads', record: { Last_Name: 'Twice' } });
    expect(outcome).toMatchObject({ ok: true, attempts: 2 });
  });

  it('does not repeat a write that failed with a 5xx after Zoho may have applied it', async () => {
    zoho.inject({ method: 'POST', path: '/crm/v8/Leads', status: 500, body: internalError, applyFirst: true });
    const { outcome } = await run('crm_create_record', { module: 'Leads', record: { Last_Name: 'Once' } });
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(!outcome.ok && outcome.error.code).toBe('ZOHO_UNAVAILABLE');
    expect(leadPosts()).toHaveLength(1);
    const created = [...zoho.crm.records.get('Leads')!.values()].filter((r) => r.Last_Name === 'Once');
    expect(created).toHaveLength(1);
  });

  it('fails at once on a permission error', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', status: 403, body: { code: 'NO_PERMISSION', details: { permissions: ['Crm_Implied_Api_Access'] }, message: 'permission denied', status: 'error' }, times: 5 });
    const { outcome } = await run('crm_get_org', {});
    expect(outcome).toMatchObject({ ok: false, attempts: 1 });
    expect(!outcome.ok && outcome.error.code).toBe('ZOHO_PERMISSION_DENIED');
  });

  it('gives up with TIMEOUT when Zoho does not answer in time', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', delayMs: 3000, status: 200, body: { org: [] }, times: 5 });
    const started = Date.now();
    const { outcome, types } = await run('crm_get_org', {}, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(!outcome.ok && outcome.error.code).toBe('TIMEOUT');
    expect(types.at(-1)).toBe('tool_result');
  });

  it('stops with ABORTED when the caller aborts', async () => {
    zoho.inject({ method: 'GET', path: '/crm/v8/org', delayMs: 3000, status: 200, body: { org: [] }, times: 5 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const { outcome } = await run('crm_get_org', {}, { signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(!outcome.ok && outcome.error.code).toBe('ABORTED');
  });

  it('records each call without tokens and with secret-looking params removed', async () => {
    await run('crm_search_records', { module: 'Leads', word: 'Lovelace', fields: ['Last_Name'] });
    await new Promise((r) => setTimeout(r, 50));
    const rows = await t.runtime.database.db.select().from(toolCalls);
    const row = rows.find((r) => r.tool === 'crm_search_records' && (r.params as any)?.word === 'Lovelace');
    expect(row).toMatchObject({ appUserId: 'alice', app: 'crm', outcome: 'ok', attempts: 1 });
    expect(row!.params).toEqual({ module: 'Leads', word: 'Lovelace', fields: ['Last_Name'] });
    const conn = (await t.runtime.store.listForUser('alice'))[0]!;
    expect(JSON.stringify(rows)).not.toContain(conn.accessToken);
  });
});
