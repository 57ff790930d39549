import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { ZohoApiError } from '../../src/zoho/zoho-api-error.ts';
import { allTools } from '../../tools/index.ts';
import { directClients } from '../support/direct-clients.ts';
import { SEED_DESK_ORG_ID, startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';

let fake: FakeZoho;
let desk: ReturnType<typeof directClients>['desk'];

beforeAll(async () => {
  fake = await startFakeZoho();
  fake.addUser({ zuid: '70002', email: 'agent@fakecorp.example', displayName: 'Sam Agent', deskOrgIds: [SEED_DESK_ORG_ID] });
  desk = directClients(fake.url, fake.mintTokens('70002').accessToken, SEED_DESK_ORG_ID).desk;
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function run(name: string, params: Record<string, unknown>): Promise<any> {
  const tool = allTools.find((t) => t.name === name)!;
  return tool.run(tool.input.parse(params), { client: desk });
}
const calls = () => fake.requests.map((r) => `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}`);
const idIn = (map: Map<string, Record<string, unknown>>, field: string, value: string) =>
  String([...map.values()].find((e) => e[field] === value)!['id']);
const ticketAbout = (subject: string) => idIn(fake.desk.tickets, 'subject', subject);
const threadsOf = (ticketId: string) => fake.desk.threads.get(ticketId) ?? [];

describe('desk_send_reply', () => {
  it('emails the ticket\'s contact from the department\'s default address, and the reply joins the ticket', async () => {
    const ticketId = ticketAbout('Cannot log in to the portal');
    const before = threadsOf(ticketId).length;
    const { thread } = await run('desk_send_reply', { ticketId, content: 'Hi Alice, please try the reset link again.' });
    expect(thread).toMatchObject({ channel: 'EMAIL', direction: 'out', status: 'SUCCESS', to: 'alice@customer.example', fromEmailAddress: 'support@fakecorp.example', contentType: 'text/plain' });
    expect(threadsOf(ticketId)).toHaveLength(before + 1);
    expect(calls()).toEqual([
      `GET /api/v1/tickets/${ticketId}`,
      `GET /api/v1/mailReplyAddress?departmentId=${fake.desk.tickets.get(ticketId)!['departmentId']}&isActive=true`,
      `POST /api/v1/tickets/${ticketId}/sendReply`,
    ]);
    expect(fake.requests[2]!.body).toEqual({ channel: 'EMAIL', to: 'alice@customer.example', fromEmailAddress: 'support@fakecorp.example', content: 'Hi Alice, please try the reset link again.', contentType: 'plainText' });
  });

  it('sends straight away when to and from are given, and sets the status it is asked to', async () => {
    const ticketId = ticketAbout('Cannot log in to the portal');
    await run('desk_send_reply', { ticketId, content: '<p>Fixed.</p>', contentType: 'html', to: 'it@customer.example', cc: ['boss@customer.example'], fromEmailAddress: 'billing@fakecorp.example', ticketStatus: 'Closed' });
    expect(calls()).toEqual([`POST /api/v1/tickets/${ticketId}/sendReply`]);
    expect(fake.desk.tickets.get(ticketId)).toMatchObject({ status: 'Closed', statusType: 'Closed' });
    expect(threadsOf(ticketId).at(-1)).toMatchObject({ to: 'it@customer.example', cc: 'boss@customer.example', contentType: 'text/html' });
  });

  it('answers Zoho\'s 422 for a from address the portal does not have, and a status its layout does not know', async () => {
    const ticketId = ticketAbout('How do I export reports?');
    const notOurs = await run('desk_send_reply', { ticketId, content: 'x', to: 'a@b.example', fromEmailAddress: 'old-support@fakecorp.example' }).catch((e) => e);
    expect(notOurs).toBeInstanceOf(ZohoApiError);
    expect(notOurs).toMatchObject({ httpStatus: 422, zohoCode: 'INVALID_DATA' });
    const badStatus = await run('desk_send_reply', { ticketId, content: 'x', ticketStatus: 'Resolved-ish' }).catch((e) => e);
    expect(badStatus).toMatchObject({ httpStatus: 422, zohoCode: 'UNPROCESSABLE_ENTITY' });
    expect(JSON.stringify(badStatus.zohoDetails)).toContain('ticketStatus');
  });

  it('says which param to give when the ticket has no contact email', async () => {
    const ticketId = ticketAbout('Cannot log in to the portal');
    fake.desk.tickets.get(ticketId)!['email'] = null;
    try {
      const error = await run('desk_send_reply', { ticketId, content: 'x' }).catch((e) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'INVALID_PARAMS', details: { fields: [{ field: 'to' }] } });
      expect(fake.requestsTo(/sendReply$/)).toHaveLength(0);
    } finally {
      fake.desk.tickets.get(ticketId)!['email'] = 'alice@customer.example';
    }
  });
});

describe('Desk support tools', () => {
  it('desk_list_ticket_comments lists a ticket\'s notes newest first', async () => {
    const ticketId = ticketAbout('Cannot log in to the portal');
    const { comments } = await run('desk_list_ticket_comments', { ticketId, sortBy: '-commentedTime', limit: 5 });
    expect(comments[0]).toMatchObject({ content: expect.stringContaining('password reset loop'), isPublic: false });
    expect(calls()).toEqual([`GET /api/v1/tickets/${ticketId}/comments?sortBy=-commentedTime&limit=5`]);
  });

  it('desk_list_assigned_tickets answers "my open tickets" through the connected agent\'s id', async () => {
    const ticketId = ticketAbout('Urgent: account issue');
    const me = String((await desk.myInfo())!['id']);
    fake.desk.tickets.get(ticketId)!['assigneeId'] = me;
    fake.reset();
    try {
      const result = await run('desk_list_assigned_tickets', { status: 'Open' });
      expect(result.assignee).toEqual({ me: true, agentId: me });
      expect(result.tickets.map((t: any) => t.id)).toEqual([ticketId]);
      expect(result.tickets[0].contact).toMatchObject({ email: 'bob@buyer.example' });
      expect(calls()).toEqual(['GET /api/v1/myinfo', `GET /api/v1/tickets?assignee=${me}&status=Open&sortBy=-createdTime&include=contacts`]);
    } finally {
      fake.desk.tickets.get(ticketId)!['assigneeId'] = null;
    }
  });

  it('desk_list_assigned_tickets lists unassigned tickets, oldest first when asked', async () => {
    const { tickets } = await run('desk_list_assigned_tickets', { assignee: 'unassigned', sortBy: 'createdTime' });
    expect(tickets.length).toBeGreaterThan(0);
    expect(tickets.every((t: any) => t.assigneeId === null)).toBe(true);
    expect(fake.requests[0]!.query).toMatchObject({ assignee: 'Unassigned', sortBy: 'createdTime' });
  });

  it('desk_get_ticket_fields gives the org\'s allowed values, fetching each picklist the list leaves out', async () => {
    const { fields } = await run('desk_get_ticket_fields', {});
    const byName = Object.fromEntries(fields.map((f: any) => [f.apiName, f]));
    expect(byName.status.values).toEqual([
      { value: 'Open', statusType: 'Open' }, { value: 'On Hold', statusType: 'On Hold' }, { value: 'Escalated', statusType: 'Open' }, { value: 'Closed', statusType: 'Closed' },
    ]);
    expect(byName.priority.values).toEqual(['High', 'Medium', 'Low']);
    expect(byName.classification.values).toContain('Problem');
    expect(byName.cf_region).toMatchObject({ custom: true, values: ['Americas', 'EMEA', 'APAC'] });
    expect(byName.subject).toMatchObject({ type: 'Text', mandatory: true });
    expect(byName.subject.values).toBeUndefined();
    expect(calls()[0]).toBe('GET /api/v1/fields?module=tickets');
    expect(calls().filter((c) => c.startsWith('GET /api/v1/fields/'))).toHaveLength(7);
  });

  it('desk_get_ticket_fields keeps to the fields asked for, and to one department\'s layouts', async () => {
    const billing = idIn(fake.desk.departments, 'name', 'Billing');
    const { fields } = await run('desk_get_ticket_fields', { fields: ['status', 'cf_region'], departmentId: billing });
    expect(fields.map((f: any) => f.apiName)).toEqual(['status']);
    expect(fake.requests[0]!.query).toEqual({ module: 'tickets', associatedDepartments: billing, apiNames: 'status,cf_region' });
  });

  it('desk_list_contacts and desk_update_contact read and change a customer', async () => {
    const { contacts } = await run('desk_list_contacts', { sortBy: 'email', limit: 10 });
    expect(contacts.map((c: any) => c.email)).toEqual([...contacts.map((c: any) => c.email)].sort());
    const bob = contacts.find((c: any) => c.email === 'bob@buyer.example');
    fake.reset();
    const { contact } = await run('desk_update_contact', { contactId: bob.id, changes: { phone: '+1 555 0199', title: 'Head of Buying' } });
    expect(contact).toMatchObject({ phone: '+1 555 0199', title: 'Head of Buying' });
    expect(fake.requests[0]).toMatchObject({ method: 'PATCH', path: `/api/v1/contacts/${bob.id}`, body: { phone: '+1 555 0199', title: 'Head of Buying' } });
    const schema = allTools.find((t) => t.name === 'desk_update_contact')!.input;
    expect(schema.safeParse({ contactId: bob.id, changes: { lastName: ' ' } }).success).toBe(false);
    expect(schema.safeParse({ contactId: bob.id, changes: {} }).success).toBe(false);
    const missing = await run('desk_update_contact', { contactId: '7129800999999999', changes: { phone: '1' } }).catch((e) => e);
    expect(missing).toMatchObject({ httpStatus: 404, zohoCode: 'URL_NOT_FOUND' });
  });

  it('desk_search_articles finds knowledge base articles and desk_get_article reads one', async () => {
    const { articles } = await run('desk_search_articles', { query: 'reset password', limit: 5 });
    expect(articles[0]).toMatchObject({ title: 'How to reset your password', status: 'Published' });
    expect(articles[0]).not.toHaveProperty('answer');
    expect(fake.requests[0]!.query).toEqual({ searchStr: 'reset password', limit: '5' });
    const published = await run('desk_search_articles', { query: 'password', status: 'Published' });
    expect(published.articles.map((a: any) => a.title)).toEqual(['How to reset your password']);
    expect((await run('desk_search_articles', { query: 'quantum teleport' })).articles).toEqual([]);
    fake.reset();
    const { article } = await run('desk_get_article', { articleId: articles[0].id });
    expect(article.answer).toContain('Forgot password');
    expect(calls()).toEqual([`GET /api/v1/articles/${articles[0].id}`]);
  });
});
