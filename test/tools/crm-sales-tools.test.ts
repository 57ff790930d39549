import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allTools } from '../../tools/index.ts';
import { directClients } from '../support/direct-clients.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';

let fake: FakeZoho;
let crm: ReturnType<typeof directClients>['crm'];

beforeAll(async () => {
  fake = await startFakeZoho();
  fake.addUser({ zuid: '70001', email: 'owner@fakecorp.example', orgId: '10034567890' });
  crm = directClients(fake.url, fake.mintTokens('70001').accessToken).crm;
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function run(name: string, params: Record<string, unknown>): Promise<any> {
  const tool = allTools.find((t) => t.name === name)!;
  return tool.run(tool.input.parse(params), { client: crm });
}
const records = (module: string) => [...(fake.crm.records.get(module)?.values() ?? [])];
const idOf = (module: string, field: string, value: string) => String(records(module).find((r) => r[field] === value)!['id']);
async function newLead(values: Record<string, unknown>): Promise<string> {
  const result: any = await crm.createRecord('Leads', values);
  fake.reset();
  return String(result.details.id);
}

describe('crm_list_users and giving a deal to someone by name', () => {
  it('lists the org\'s users compactly, and Maria\'s id sets a deal\'s Owner', async () => {
    const { users } = await run('crm_list_users', {});
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/crm/v8/users', query: { type: 'ActiveUsers' } });
    const maria = users.find((u: any) => u.name === 'Maria Lopez');
    expect(maria).toEqual({ id: expect.stringMatching(/^\d+$/), name: 'Maria Lopez', email: 'maria.lopez@fakecorp.example', status: 'active', role: 'CEO', profile: 'Administrator' });
    const deal = idOf('Deals', 'Deal_Name', 'Globex Pilot');
    await run('crm_update_record', { module: 'Deals', id: deal, record: { Owner: { id: maria.id } } });
    expect(fake.crm.records.get('Deals')!.get(deal)!['Owner']).toMatchObject({ id: maria.id, name: 'Maria Lopez' });
    expect((await run('crm_list_users', { type: 'CurrentUser' })).users.map((u: any) => u.email)).toEqual(['owner@fakecorp.example']);
  });
});

describe('crm_convert_lead', () => {
  it('converts a lead into a contact, an account from its company and a deal, once', async () => {
    const lead = await newLead({ First_Name: 'Ines', Last_Name: 'Moreau', Email: 'ines@moreau.example', Company: 'Moreau SARL' });
    const result = await run('crm_convert_lead', { id: lead, deal: { Deal_Name: 'Moreau pilot', Stage: 'Qualification', Closing_Date: '2025-11-30', Amount: 9000 } });
    expect(result).toMatchObject({ message: 'The record has been converted successfully', contact: { name: 'Ines Moreau' }, account: { name: 'Moreau SARL' }, deal: { name: 'Moreau pilot' } });
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: `/crm/v8/Leads/${lead}/actions/convert` });
    expect(fake.requests[0]!.body).toEqual({ data: [{ overwrite: false, notify_lead_owner: false, notify_new_entity_owner: false, Deals: { Deal_Name: 'Moreau pilot', Stage: 'Qualification', Closing_Date: '2025-11-30', Amount: 9000 } }] });
    const contact = fake.crm.records.get('Contacts')!.get(result.contact.id)!;
    expect(contact).toMatchObject({ Email: 'ines@moreau.example', Account_Name: { id: result.account.id } });
    expect(fake.crm.records.get('Deals')!.get(result.deal.id)).toMatchObject({ Contact_Name: { id: result.contact.id }, Account_Name: { id: result.account.id } });
    const again = await run('crm_convert_lead', { id: lead }).catch((e) => e);
    expect(again).toMatchObject({ httpStatus: 400, zohoCode: 'ID_ALREADY_CONVERTED' });
  });

  it('adds the contact to an existing account, gives the records to another user, and names a missing deal field', async () => {
    const lead = await newLead({ Last_Name: 'Okafor', Company: 'Ignored Ltd' });
    const acme = idOf('Accounts', 'Account_Name', 'Acme Corp');
    const maria = [...fake.crm.users.values()].find((u) => u.full_name === 'Maria Lopez')!;
    const missing = await run('crm_convert_lead', { id: lead, deal: { Deal_Name: 'No stage' } }).catch((e) => e);
    expect(missing).toMatchObject({ httpStatus: 400, zohoCode: 'MANDATORY_NOT_FOUND', zohoDetails: { api_name: 'Stage', json_path: '$.data[0].Deals.Stage' } });
    const result = await run('crm_convert_lead', { id: lead, accountId: acme, assignToUserId: maria.id });
    expect(result.account).toEqual({ name: 'Acme Corp', id: acme });
    expect(result.deal).toBeNull();
    expect(fake.crm.records.get('Contacts')!.get(result.contact.id)).toMatchObject({ Owner: { id: maria.id }, Account_Name: { id: acme } });
    expect(records('Accounts').some((a) => a['Account_Name'] === 'Ignored Ltd')).toBe(false);
  });
});

describe('CRM record helpers', () => {
  it('crm_find_or_create_record finds the existing record without changing it, else creates one', async () => {
    const found = await run('crm_find_or_create_record', { module: 'Accounts', match: { Account_Name: 'Acme Corp' }, record: { Industry: 'Government/Military' } });
    expect(found).toMatchObject({ action: 'found', id: idOf('Accounts', 'Account_Name', 'Acme Corp') });
    expect(fake.crm.records.get('Accounts')!.get(found.id)!['Industry']).toBe('Large Enterprise');
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
    expect(fake.requests[0]!.query['criteria']).toBe('((Account_Name:equals:Acme Corp))');
    fake.reset();
    const created = await run('crm_find_or_create_record', { module: 'Accounts', match: { Account_Name: 'Brand (New), Ltd' }, record: { Industry: 'Service Provider' } });
    expect(created).toMatchObject({ action: 'created', message: 'record added' });
    expect(fake.crm.records.get('Accounts')!.get(created.id)).toMatchObject({ Account_Name: 'Brand (New), Ltd', Industry: 'Service Provider' });
    expect(fake.requests[0]!.query['criteria']).toBe('((Account_Name:equals:Brand \\(New\\)\\, Ltd))');
  });

  it('crm_upsert_records inserts and updates many records in one call, with the trigger option, reporting each', async () => {
    const result = await run('crm_upsert_records', {
      module: 'Contacts',
      records: [{ Last_Name: 'Anderson', Email: 'alice@acme.example', Title: 'CEO' }, { Last_Name: 'Novak', Email: 'novak@new.example' }, { Email: 'no-name@new.example' }],
      duplicateCheckFields: ['Email'],
      trigger: [],
    });
    expect(fake.requests[0]!.body).toMatchObject({ duplicate_check_fields: ['Email'], trigger: [] });
    expect(result.results).toEqual([
      expect.objectContaining({ index: 0, ok: true, action: 'update', duplicateField: 'Email' }),
      expect.objectContaining({ index: 1, ok: true, action: 'insert' }),
      expect.objectContaining({ index: 2, ok: false, code: 'MANDATORY_NOT_FOUND' }),
    ]);
    expect({ inserted: result.inserted, updated: result.updated }).toEqual({ inserted: 1, updated: 1 });
    expect(fake.crm.records.get('Contacts')!.get(idOf('Contacts', 'Email', 'alice@acme.example'))!['Title']).toBe('CEO');
  });

  it('crm_upsert_records refuses more than 100 records before anything is sent', () => {
    const tool = allTools.find((t) => t.name === 'crm_upsert_records')!;
    const records = Array.from({ length: 101 }, (_, i) => ({ Last_Name: `N${i}` }));
    expect(tool.input.safeParse({ module: 'Leads', records }).success).toBe(false);
  });

  it('crm_update_related_record links a contact to an account and sets its fields', async () => {
    const globex = idOf('Accounts', 'Account_Name', 'Globex');
    const carol = idOf('Contacts', 'Email', 'carol@acme.example');
    const result = await run('crm_update_related_record', { module: 'Accounts', id: globex, relatedList: 'Contacts', relatedId: carol, record: { Title: 'Consultant' } });
    expect(result).toMatchObject({ id: carol, message: 'relation updated' });
    expect(fake.crm.records.get('Contacts')!.get(carol)).toMatchObject({ Account_Name: { id: globex, name: 'Globex' }, Title: 'Consultant' });
    const related = await run('crm_get_related_records', { module: 'Accounts', id: globex, relatedList: 'Contacts', fields: ['Email'] });
    expect(related.records.map((r: any) => r.Email)).toContain('carol@acme.example');
    const wrongList = await run('crm_update_related_record', { module: 'Accounts', id: globex, relatedList: 'Nope', relatedId: carol }).catch((e) => e);
    expect(wrongList).toMatchObject({ httpStatus: 400, zohoCode: 'INVALID_DATA', zohoDetails: { resource_path_index: 2 } });
  });

  it('crm_list_attachments lists a record\'s files, and none for a record without', async () => {
    const renewal = idOf('Deals', 'Deal_Name', 'Acme Renewal 2025');
    const { attachments } = await run('crm_list_attachments', { module: 'Deals', id: renewal });
    expect(attachments).toEqual([expect.objectContaining({ File_Name: 'Acme-renewal-quote.pdf', Size: '48213', Owner: expect.objectContaining({ name: 'Maria Lopez' }) })]);
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: `/crm/v8/Deals/${renewal}/Attachments`, query: { fields: expect.stringContaining('File_Name') } });
    const none = await run('crm_list_attachments', { module: 'Deals', id: idOf('Deals', 'Deal_Name', 'Globex Pilot') });
    expect(none).toEqual({ attachments: [], info: { count: 0, more_records: false } });
  });

  it('crm_add_tags and crm_remove_tags tag records and report each one', async () => {
    const john = idOf('Leads', 'Email', 'john.smith@example.com');
    const jane = idOf('Leads', 'Email', 'jane.doe@initech.example');
    const added = await run('crm_add_tags', { module: 'Leads', ids: [john, jane, '5843104999999999999'], tags: ['trade-show', 'vip'] });
    expect(added.records).toEqual([
      { id: john, ok: true, tags: ['trade-show', 'vip'] },
      { id: jane, ok: true, tags: ['trade-show', 'vip'] },
      expect.objectContaining({ ok: false, code: 'INVALID_DATA' }),
    ]);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', path: '/crm/v8/Leads/actions/add_tags', body: { tags: [{ name: 'trade-show' }, { name: 'vip' }], ids: [john, jane, '5843104999999999999'], over_write: false } });
    const removed = await run('crm_remove_tags', { module: 'Leads', ids: [john], tags: ['vip'] });
    expect(removed.records).toEqual([{ id: john, ok: true, tags: ['trade-show'] }]);
    const replaced = await run('crm_add_tags', { module: 'Leads', ids: [jane], tags: ['churn-risk'], replace: true });
    expect(replaced.records).toEqual([{ id: jane, ok: true, tags: ['churn-risk'] }]);
  });
});
