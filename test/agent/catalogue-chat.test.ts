import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allTools } from '../../tools/index.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import { SEED_DESK_ORG_ID, startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { readSse, serveApp } from '../support/serve.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

type Sse = Array<{ event: string; data: any }>;

/**
 * The tools this issue adds, each once through the chat loop: the model calls it, the runtime runs
 * it against the fake (a write only after the user approves the sentence it was shown), and the
 * result goes back to the model.
 */
describe('the new catalogue through the chat loop', () => {
  let zoho: FakeZoho;
  let llm: FakeOpenRouter;
  let t: TestRuntime;
  let server: Awaited<ReturnType<typeof serveApp>>;
  const db = testDatabases()[0]!.create();

  beforeAll(async () => {
    zoho = await startFakeZoho();
    zoho.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: [SEED_DESK_ORG_ID] });
    llm = await startFakeOpenRouter();
    t = await startTestRuntime({ fake: zoho, database: db.options, env: { OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL } });
    await connectThroughOAuth(t, zoho, 'alice', '70001');
    server = await serveApp(t.runtime.app);
  });
  afterAll(async () => {
    await server.close();
    await t.close();
    await db.drop();
    await llm.close();
    await zoho.close();
  });
  beforeEach(() => {
    llm.reset();
    zoho.reset();
  });

  async function stream(path: string, body: unknown): Promise<Sse> {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.tokenFor('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return readSse(res);
  }
  const recordId = (module: string, field: string, value: string) =>
    String([...zoho.crm.records.get(module)!.values()].find((r) => r[field] === value)!['id']);
  const ticketId = (subject: string) => String([...zoho.desk.tickets.values()].find((tk) => tk['subject'] === subject)!['id']);
  const someLead = async (company: string) => {
    const { accessToken } = zoho.mintTokens('70001');
    const res = await fetch(`${zoho.url}/crm/v8/Leads`, {
      method: 'POST',
      headers: { authorization: `Zoho-oauthtoken ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: [{ Last_Name: `Lead of ${company}`, Company: company }] }),
    });
    return String(((await res.json()) as any).data[0].details.id);
  };

  const CALLS: Array<[string, () => Promise<Record<string, unknown>> | Record<string, unknown>]> = [
    ['crm_list_users', () => ({ type: 'ActiveUsers' })],
    ['crm_list_attachments', () => ({ module: 'Deals', id: recordId('Deals', 'Deal_Name', 'Acme Renewal 2025') })],
    ['crm_convert_lead', async () => ({ id: await someLead('Chat Convert Co') })],
    ['crm_find_or_create_record', () => ({ module: 'Accounts', match: { Account_Name: 'Chat Found Ltd' } })],
    ['crm_upsert_records', () => ({ module: 'Leads', records: [{ Last_Name: 'Bulk', Email: 'bulk@chat.example' }], trigger: ['workflow'] })],
    ['crm_update_related_record', () => ({ module: 'Accounts', id: recordId('Accounts', 'Account_Name', 'Globex'), relatedList: 'Contacts', relatedId: recordId('Contacts', 'Last_Name', 'Chen') })],
    ['crm_add_tags', () => ({ module: 'Leads', ids: [recordId('Leads', 'Last_Name', 'Garcia')], tags: ['chat'] })],
    ['crm_remove_tags', () => ({ module: 'Leads', ids: [recordId('Leads', 'Last_Name', 'Garcia')], tags: ['chat'] })],
    ['desk_list_ticket_comments', () => ({ ticketId: ticketId('Cannot log in to the portal') })],
    ['desk_list_assigned_tickets', () => ({ assignee: 'unassigned', status: 'Open' })],
    ['desk_get_ticket_fields', () => ({ fields: ['status', 'priority'] })],
    ['desk_list_contacts', () => ({ limit: 5 })],
    ['desk_update_contact', () => ({ contactId: String([...zoho.desk.contacts.values()].find((c) => c['email'] === 'bob@buyer.example')!['id']), changes: { title: 'Buyer' } })],
    ['desk_search_articles', () => ({ query: 'password' })],
    ['desk_get_article', () => ({ articleId: String([...zoho.desk.articles.values()][0]!['id']) })],
  ];

  it('covers every tool this issue adds, desk_send_reply with its own approval test below', () => {
    const added = ['desk_send_reply', ...CALLS.map(([name]) => name)];
    expect(new Set(added).size).toBe(16);
    for (const name of added) expect(allTools.some((tool) => tool.name === name), name).toBe(true);
  });

  it.each(CALLS)('runs %s for the model, after the user approves it when it writes', async (name, paramsOf) => {
    const tool = allTools.find((x) => x.name === name)!;
    const params = await paramsOf();
    llm.script({ toolCalls: [{ id: 'm1', name, arguments: params }] }, { text: 'Done.' });
    let events = await stream('/api/chat', { messages: [{ role: 'user', content: `Please use ${name}.` }] });
    if (tool.effect !== 'read') {
      const approval = events.find((e) => e.event === 'action_required')!.data;
      expect(approval).toMatchObject({ code: 'approval_required', tool: name, message: tool.summarize!(tool.input.parse(params)) });
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'approval_required' } });
      events = await stream('/api/chat/approvals', { callId: approval.callId, decision: 'approve', paramsHash: approval.paramsHash });
    }
    const result = events.find((e) => e.event === 'tool_result')!.data;
    expect(result, JSON.stringify(result.error)).toMatchObject({ tool: name, ok: true });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { finishReason: 'stop' } });
    const toolMessage = llm.requests.at(-1)!.body.messages.find((m: any) => m.role === 'tool');
    expect(toolMessage.content).toContain(`<tool_output tool="${name}">`);
  });

  it('replies to a customer by email only after the user approves the sentence it was shown', async () => {
    const id = ticketId('Cannot log in to the portal');
    const threads = () => zoho.desk.threads.get(id)!.length;
    const before = threads();
    llm.script({ toolCalls: [{ id: 'r1', name: 'desk_send_reply', arguments: { ticketId: id, content: 'Hi Alice, the reset link works again.' } }] }, { text: 'Sent.' });
    const paused = await stream('/api/chat', { messages: [{ role: 'user', content: 'Reply to this customer that the reset link works again.' }] });
    const approval = paused.find((e) => e.event === 'action_required')!.data;
    expect(approval.message).toBe(`Email the ticket's contact a reply on Zoho Desk ticket ${id}: "Hi Alice, the reset link works again.".`);
    expect(zoho.requestsTo(/sendReply$/)).toHaveLength(0);
    expect(threads()).toBe(before);
    const resumed = await stream('/api/chat/approvals', { callId: approval.callId, decision: 'approve', paramsHash: approval.paramsHash });
    expect(resumed.map((e) => e.event)).toEqual(['status', 'tool_result', 'text', 'done']);
    expect(resumed[1]!.data).toMatchObject({ ok: true, result: { thread: { to: 'alice@customer.example', fromEmailAddress: 'support@fakecorp.example' } } });
    expect(zoho.requestsTo(/sendReply$/)).toHaveLength(1);
    expect(threads()).toBe(before + 1);
  });
});
