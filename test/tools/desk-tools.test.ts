import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../src/zoho/zoho-api-error.ts';
import { allTools } from '../../tools/index.ts';
import { directClients } from '../support/direct-clients.ts';
import { SEED_DESK_ORG_ID, startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';

let fake: FakeZoho;
let desk: ReturnType<typeof directClients>['desk'];
let token: string;

beforeAll(async () => {
  fake = await startFakeZoho();
  fake.addUser({ zuid: '70002', email: 'agent@fakecorp.example', deskOrgIds: [SEED_DESK_ORG_ID] });
  token = fake.mintTokens('70002').accessToken;
  desk = directClients(fake.url, token, SEED_DESK_ORG_ID).desk;
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const tool = (name: string) => {
  const found = allTools.find((t) => t.name === name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};

/** Validates params with the tool's own schema, then runs it against the fake over HTTP. */
async function run(name: string, params: Record<string, unknown>): Promise<any> {
  const t = tool(name);
  return t.run(t.input.parse(params), { client: desk });
}

/** The one request the last run sent, after checking Desk's auth and orgId headers. */
function sent() {
  expect(fake.requests).toHaveLength(1);
  const r = fake.requests[0]!;
  expect(r.headers['authorization']).toBe(`Zoho-oauthtoken ${token}`);
  expect(r.headers['orgid']).toBe(SEED_DESK_ORG_ID);
  return { method: r.method, path: r.path, query: r.query, body: r.body };
}

const idIn = (map: Map<string, Record<string, unknown>>, field: string, value: string): string => {
  const found = [...map.values()].find((e) => e[field] === value);
  if (!found) throw new Error(`nothing with ${field}=${value}`);
  return String(found['id']);
};
const department = (name: string) => idIn(fake.desk.departments, 'name', name);
const ticketAbout = (subject: string) => idIn(fake.desk.tickets, 'subject', subject);
const contactWith = (email: string) => idIn(fake.desk.contacts, 'email', email);

describe('Desk organisation tools', () => {
  it('desk_list_departments asks for up to 100 departments and returns them', async () => {
    const result = await run('desk_list_departments', {});
    expect(result.departments.map((d: any) => d.name)).toEqual(expect.arrayContaining(['Customer Support', 'Billing']));
    expect(sent()).toEqual({ method: 'GET', path: '/api/v1/departments', query: { limit: '100' }, body: undefined });
  });

  it('desk_list_agents pages with from and limit', async () => {
    const result = await run('desk_list_agents', { from: 0, limit: 10 });
    expect(result.agents).toEqual(expect.arrayContaining([expect.objectContaining({ emailId: 'dana@fakecorp.example' })]));
    expect(sent()).toMatchObject({ method: 'GET', path: '/api/v1/agents', query: { from: '0', limit: '10' } });
  });
});

describe('Desk ticket reads', () => {
  it('desk_list_tickets filters by department and status', async () => {
    const support = department('Customer Support');
    const result = await run('desk_list_tickets', { departmentId: support, status: 'Open', limit: 50 });
    expect(result.tickets.map((t: any) => t.subject)).toEqual(['Cannot log in to the portal']);
    expect(sent()).toEqual({ method: 'GET', path: '/api/v1/tickets', query: { departmentId: support, status: 'Open', limit: '50' }, body: undefined });
  });

  it('desk_list_tickets refuses a limit above 100', () => {
    expect(tool('desk_list_tickets').input.safeParse({ limit: 101 }).success).toBe(false);
  });

  it('desk_search_tickets sends each criterion as a query parameter', async () => {
    const result = await run('desk_search_tickets', { email: 'alice@customer.example', status: 'Closed' });
    expect(result).toMatchObject({ tickets: [expect.objectContaining({ subject: 'How do I export reports?' })], count: 1 });
    expect(sent()).toMatchObject({ method: 'GET', path: '/api/v1/tickets/search', query: { email: 'alice@customer.example', status: 'Closed' } });
  });

  it('desk_search_tickets turns an empty (204) answer into an empty list', async () => {
    expect(await run('desk_search_tickets', { ticketNumber: '999999' })).toEqual({ tickets: [] });
    expect(sent().query).toEqual({ ticketNumber: '999999' });
  });

  it('desk_search_tickets needs at least one criterion', () => {
    expect(tool('desk_search_tickets').input.safeParse({ limit: 10 }).success).toBe(false);
  });

  it('desk_get_ticket returns {ticket} by id', async () => {
    const id = ticketAbout('Cannot log in to the portal');
    const result = await run('desk_get_ticket', { ticketId: id });
    expect(result.ticket).toMatchObject({ id, status: 'Open', priority: 'High' });
    expect(sent()).toMatchObject({ method: 'GET', path: `/api/v1/tickets/${id}`, query: {} });
  });

  it('desk_list_ticket_threads lists the ticket\'s threads', async () => {
    const id = ticketAbout('Cannot log in to the portal');
    const result = await run('desk_list_ticket_threads', { ticketId: id, limit: 20 });
    expect(result.threads.map((t: any) => t.direction)).toEqual(['in', 'out']);
    expect(sent()).toMatchObject({ method: 'GET', path: `/api/v1/tickets/${id}/threads`, query: { limit: '20' } });
  });

  it('desk_list_ticket_conversations returns threads and comments together', async () => {
    const id = ticketAbout('Cannot log in to the portal');
    const result = await run('desk_list_ticket_conversations', { ticketId: id, from: 0 });
    expect(new Set(result.conversations.map((c: any) => c.type))).toEqual(new Set(['thread', 'comment']));
    expect(sent()).toMatchObject({ method: 'GET', path: `/api/v1/tickets/${id}/conversations`, query: { from: '0' } });
  });
});

describe('Desk ticket writes', () => {
  it('desk_create_ticket sends the contactId when it is given', async () => {
    const departmentId = department('Customer Support');
    const contactId = contactWith('alice@customer.example');
    const params = { subject: 'Printer down', departmentId, contactId, description: 'It beeps.', priority: 'High' };
    const result = await run('desk_create_ticket', params);
    expect(result.ticket).toMatchObject({ subject: 'Printer down', contactId, status: 'Open' });
    expect(fake.desk.tickets.has(result.ticket.id)).toBe(true);
    expect(sent()).toEqual({ method: 'POST', path: '/api/v1/tickets', query: {}, body: params });
  });

  it('desk_create_ticket sends contact {email} when only an email is given', async () => {
    const departmentId = department('Billing');
    const result = await run('desk_create_ticket', { subject: 'Invoice copy', departmentId, email: 'bob@buyer.example' });
    expect(result.ticket.contactId).toBe(contactWith('bob@buyer.example'));
    expect(sent().body).toEqual({ subject: 'Invoice copy', departmentId, contact: { email: 'bob@buyer.example' }, email: 'bob@buyer.example' });
  });

  it('desk_create_ticket needs a contactId or an email', () => {
    expect(tool('desk_create_ticket').input.safeParse({ subject: 'x', departmentId: '1' }).success).toBe(false);
  });

  it('desk_update_ticket patches only the given changes', async () => {
    const { ticket } = await run('desk_create_ticket', { subject: 'To close', departmentId: department('Billing'), email: 'bob@buyer.example' });
    fake.reset();
    const result = await run('desk_update_ticket', { ticketId: ticket.id, changes: { status: 'Closed', priority: 'Low' } });
    expect(result.ticket).toMatchObject({ id: ticket.id, status: 'Closed', priority: 'Low', statusType: 'Closed' });
    expect(sent()).toEqual({ method: 'PATCH', path: `/api/v1/tickets/${ticket.id}`, query: {}, body: { status: 'Closed', priority: 'Low' } });
  });

  it('desk_update_ticket refuses empty or unknown changes', () => {
    const input = tool('desk_update_ticket').input;
    expect(input.safeParse({ ticketId: '1', changes: {} }).success).toBe(false);
    expect(input.safeParse({ ticketId: '1', changes: { sortOrder: 'asc' } }).success).toBe(false);
  });

  it('desk_add_ticket_comment adds a private plain-text comment by default', async () => {
    const id = ticketAbout('Urgent: account issue');
    const result = await run('desk_add_ticket_comment', { ticketId: id, content: 'Line one\nLine two' });
    expect(result.comment).toMatchObject({ content: 'Line one\nLine two', isPublic: false });
    expect(sent()).toEqual({
      method: 'POST',
      path: `/api/v1/tickets/${id}/comments`,
      query: {},
      body: { content: 'Line one\nLine two', contentType: 'plainText', isPublic: false },
    });
  });

  it('summarizes writes in one plain sentence', () => {
    const summary = (name: string, p: Record<string, unknown>) => tool(name).summarize!(p as never);
    expect(summary('desk_create_ticket', { subject: 'Printer down', departmentId: '456', email: 'a@b.co' })).toBe(
      'Create a Zoho Desk ticket "Printer down" in department 456.',
    );
    expect(summary('desk_add_ticket_comment', { ticketId: '7', content: 'x', isPublic: true })).toBe('Add a public comment to Zoho Desk ticket 7.');
    expect(summary('desk_update_ticket', { ticketId: '7', changes: { status: 'Closed' } })).toBe('Update status to "Closed" on Zoho Desk ticket 7.');
    expect(summary('desk_create_contact', { lastName: 'Lee', firstName: 'Ann', email: 'ann@lee.example' })).toBe('Create a Zoho Desk contact Ann Lee <ann@lee.example>.');
  });
});

describe('Desk contacts and accounts', () => {
  it('desk_search_contacts searches by email', async () => {
    const result = await run('desk_search_contacts', { email: 'alice@customer.example' });
    expect(result).toMatchObject({ contacts: [expect.objectContaining({ firstName: 'Alice' })], count: 1 });
    expect(sent()).toEqual({ method: 'GET', path: '/api/v1/contacts/search', query: { email: 'alice@customer.example' }, body: undefined });
  });

  it('desk_get_contact returns {contact} by id', async () => {
    const id = contactWith('bob@buyer.example');
    expect((await run('desk_get_contact', { contactId: id })).contact).toMatchObject({ id, lastName: 'Buyer' });
    expect(sent()).toMatchObject({ method: 'GET', path: `/api/v1/contacts/${id}`, query: {} });
  });

  it('desk_create_contact posts the contact linked to an account', async () => {
    const accountId = idIn(fake.desk.accounts, 'accountName', 'Acme Corp');
    const params = { lastName: 'Lee', firstName: 'Ann', email: 'ann@lee.example', phone: '+1 555 0400', accountId };
    const result = await run('desk_create_contact', params);
    expect(result.contact).toMatchObject(params);
    expect(sent()).toEqual({ method: 'POST', path: '/api/v1/contacts', query: {}, body: params });
  });

  it('desk_list_accounts and desk_get_account read accounts', async () => {
    const listed = await run('desk_list_accounts', { limit: 5 });
    expect(listed.accounts).toEqual([expect.objectContaining({ accountName: 'Acme Corp' })]);
    expect(sent()).toMatchObject({ method: 'GET', path: '/api/v1/accounts', query: { limit: '5' } });
    fake.reset();
    const id = listed.accounts[0].id;
    expect((await run('desk_get_account', { accountId: id })).account).toMatchObject({ id, accountName: 'Acme Corp' });
    expect(sent()).toMatchObject({ method: 'GET', path: `/api/v1/accounts/${id}`, query: {} });
  });
});

describe('Desk errors', () => {
  it('rejects a 422 UNPROCESSABLE_ENTITY answer with a ZohoApiError carrying the code', async () => {
    fake.inject({ method: 'GET', path: '/api/v1/tickets', status: 422, body: { errorCode: 'UNPROCESSABLE_ENTITY', message: "Extra query parameter 'sortOrder' is present in the input." } });
    const error = await run('desk_list_tickets', {}).catch((e) => e);
    expect(error).toBeInstanceOf(ZohoApiError);
    expect(error).toMatchObject({ app: 'desk', httpStatus: 422, zohoCode: 'UNPROCESSABLE_ENTITY', code: 'ZOHO_REJECTED' });
  });

  it('rejects a ticket for an unknown department with Desk\'s field error', async () => {
    const error = await run('desk_create_ticket', { subject: 'x', departmentId: '7129800999999999', email: 'bob@buyer.example' }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ZohoApiError', httpStatus: 422, zohoCode: 'INVALID_DATA' });
    expect(error.zohoDetails).toEqual([expect.objectContaining({ fieldName: '/departmentId' })]);
  });

  it('rejects an unknown ticket with a 404 ZohoApiError', async () => {
    const error = await run('desk_get_ticket', { ticketId: '7129800999999999' }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ZohoApiError', httpStatus: 404, zohoCode: 'URL_NOT_FOUND', code: 'ZOHO_NOT_FOUND' });
  });
});
