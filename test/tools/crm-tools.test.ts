import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../src/zoho/zoho-api-error.ts';
import { allTools } from '../../tools/index.ts';
import { directClients } from '../support/direct-clients.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';

let fake: FakeZoho;
let crm: ReturnType<typeof directClients>['crm'];
let token: string;

beforeAll(async () => {
  fake = await startFakeZoho();
  fake.addUser({ zuid: '70001', email: 'owner@fakecorp.example', orgId: '10034567890' });
  token = fake.mintTokens('70001').accessToken;
  crm = directClients(fake.url, token).crm;
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** Validates params with the tool's own schema, then runs it against the fake over HTTP. */
async function run(name: string, params: Record<string, unknown>): Promise<any> {
  const tool = allTools.find((t) => t.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool.run(tool.input.parse(params), { client: crm });
}

/** The one request the last run sent (the fake was reset before each test). */
function sent() {
  expect(fake.requests).toHaveLength(1);
  const r = fake.requests[0]!;
  expect(r.headers['authorization']).toBe(`Zoho-oauthtoken ${token}`);
  return { method: r.method, path: r.path, query: r.query, body: r.body };
}

const idOf = (module: string, field: string, value: string): string => {
  const rec = [...(fake.crm.records.get(module)?.values() ?? [])].find((r) => r[field] === value);
  if (!rec) throw new Error(`no ${module} with ${field}=${value}`);
  return String(rec['id']);
};

async function newLead(lastName: string): Promise<string> {
  const result: any = await crm.createRecord('Leads', { Last_Name: lastName, Company: 'Test Co' });
  fake.reset();
  return String(result.details.id);
}

describe('CRM metadata tools', () => {
  it('crm_list_modules lists API-supported modules with their api names', async () => {
    const result = await run('crm_list_modules', {});
    expect(result.modules).toEqual(expect.arrayContaining([expect.objectContaining({ api_name: 'Leads', plural_label: 'Leads' })]));
    expect(sent()).toEqual({ method: 'GET', path: '/crm/v8/settings/modules', query: {}, body: undefined });
  });

  it('crm_get_fields returns a compact field list with mandatory flags and picklists', async () => {
    const { fields } = await run('crm_get_fields', { module: 'Leads' });
    expect(fields).toEqual(expect.arrayContaining([expect.objectContaining({ api_name: 'Last_Name', mandatory: true })]));
    expect(fields.find((f: any) => f.api_name === 'Lead_Status').picklist).toContain('Contacted');
    expect(sent()).toMatchObject({ method: 'GET', path: '/crm/v8/settings/fields', query: { module: 'Leads' } });
  });

  it('crm_get_current_user asks for the CurrentUser and returns that user', async () => {
    const result = await run('crm_get_current_user', {});
    expect(result.user).toMatchObject({ email: 'owner@fakecorp.example' });
    expect(sent()).toMatchObject({ method: 'GET', path: '/crm/v8/users', query: { type: 'CurrentUser' } });
  });

  it('crm_get_org returns the organization', async () => {
    const result = await run('crm_get_org', {});
    expect(result.org).toMatchObject({ company_name: 'Fake Corp', id: '10034567890' });
    expect(sent()).toMatchObject({ method: 'GET', path: '/crm/v8/org', query: {} });
  });
});

describe('CRM record reads', () => {
  it('crm_search_records passes criteria through and joins fields with commas', async () => {
    const criteria = '((Last_Name:equals:Smith)and(Lead_Status:equals:Contacted))';
    const result = await run('crm_search_records', { module: 'Leads', criteria, fields: ['Last_Name', 'Email'], perPage: 10 });
    expect(result.records).toEqual([expect.objectContaining({ Last_Name: 'Smith', Email: 'john.smith@example.com' })]);
    expect(result.info).toMatchObject({ count: 1, more_records: false });
    expect(sent()).toEqual({ method: 'GET', path: '/crm/v8/Leads/search', query: { criteria, fields: 'Last_Name,Email', per_page: '10' }, body: undefined });
  });

  it('crm_search_records turns an empty (204) answer into an empty list', async () => {
    const result = await run('crm_search_records', { module: 'Leads', email: 'nobody@nowhere.example' });
    expect(result).toEqual({ records: [], info: { count: 0, more_records: false } });
    expect(sent().query).toEqual({ email: 'nobody@nowhere.example' });
  });

  it('crm_list_records sends fields, sorting and paging in Zoho\'s snake_case names', async () => {
    const params = { module: 'Leads', fields: ['Last_Name', 'Company'], sortBy: 'Created_Time', sortOrder: 'asc', page: 1, perPage: 2 };
    const result = await run('crm_list_records', params);
    expect(result.records).toHaveLength(2);
    expect(Object.keys(result.records[0]).sort()).toEqual(['Company', 'Last_Name', 'id']);
    expect(result.info).toMatchObject({ per_page: 2, page: 1, more_records: true });
    expect(sent()).toMatchObject({
      method: 'GET',
      path: '/crm/v8/Leads',
      query: { fields: 'Last_Name,Company', sort_by: 'Created_Time', sort_order: 'asc', page: '1', per_page: '2' },
    });
  });

  it('crm_list_records refuses page and pageToken together, and more than 200 per page', () => {
    const tool = allTools.find((t) => t.name === 'crm_list_records')!;
    expect(tool.input.safeParse({ module: 'Leads', fields: ['Last_Name'], page: 2, pageToken: 'x' }).success).toBe(false);
    expect(tool.input.safeParse({ module: 'Leads', fields: ['Last_Name'], perPage: 201 }).success).toBe(false);
    expect(tool.input.safeParse({ module: 'Leads', fields: [] }).success).toBe(false);
  });

  it('crm_get_record returns {record} by id', async () => {
    const id = idOf('Leads', 'Last_Name', 'Smith');
    const result = await run('crm_get_record', { module: 'Leads', id });
    expect(result.record).toMatchObject({ id, Last_Name: 'Smith', Company: 'Smith & Co' });
    expect(sent()).toMatchObject({ method: 'GET', path: `/crm/v8/Leads/${id}`, query: {} });
  });

  it('crm_get_record answers {found:false} when Zoho has no such record', async () => {
    expect(await run('crm_get_record', { module: 'Leads', id: '5843104999999999999' })).toEqual({
      found: false,
      module: 'Leads',
      id: '5843104999999999999',
    });
  });

  it('crm_get_related_records reads one related list with the given fields', async () => {
    const acme = idOf('Accounts', 'Account_Name', 'Acme Corp');
    const result = await run('crm_get_related_records', { module: 'Accounts', id: acme, relatedList: 'Deals', fields: ['Deal_Name', 'Stage'] });
    expect(result.records).toEqual([expect.objectContaining({ Deal_Name: 'Acme Renewal 2025' })]);
    expect(sent()).toMatchObject({ method: 'GET', path: `/crm/v8/Accounts/${acme}/Deals`, query: { fields: 'Deal_Name,Stage' } });
  });

  it('crm_coql_query posts the query as select_query and returns the rows', async () => {
    const query = "select Last_Name, Company from Leads where Lead_Status = 'Contacted' limit 10";
    const result = await run('crm_coql_query', { query });
    expect(result.records).toEqual([expect.objectContaining({ Last_Name: 'Smith', Company: 'Smith & Co' })]);
    expect(result.info).toMatchObject({ count: 1, more_records: false });
    expect(sent()).toEqual({ method: 'POST', path: '/crm/v8/coql', query: {}, body: { select_query: query } });
  });

  it('crm_coql_query refuses a LIMIT above 2000 before calling Zoho', () => {
    const tool = allTools.find((t) => t.name === 'crm_coql_query')!;
    expect(tool.input.safeParse({ query: 'select id from Leads where id is not null limit 0, 2001' }).success).toBe(false);
  });
});

describe('CRM record writes', () => {
  it('crm_create_record wraps the record in data[] and returns the new id', async () => {
    const record = { Last_Name: 'Nguyen', Company: 'Nguyen Ltd', Email: 'an@nguyen.example' };
    const result = await run('crm_create_record', { module: 'Leads', record });
    expect(result.id).toMatch(/^\d{19}$/);
    expect(result.message).toBe('record added');
    expect(fake.crm.records.get('Leads')?.get(result.id)).toMatchObject(record);
    expect(sent()).toEqual({ method: 'POST', path: '/crm/v8/Leads', query: {}, body: { data: [record] } });
  });

  it('crm_update_record puts only the given fields on the record', async () => {
    const id = await newLead('Ortiz');
    const result = await run('crm_update_record', { module: 'Leads', id, record: { Lead_Status: 'Contacted' } });
    expect(result).toMatchObject({ id, message: 'record updated' });
    expect(fake.crm.records.get('Leads')?.get(id)).toMatchObject({ Last_Name: 'Ortiz', Lead_Status: 'Contacted' });
    expect(sent()).toEqual({ method: 'PUT', path: `/crm/v8/Leads/${id}`, query: {}, body: { data: [{ Lead_Status: 'Contacted' }] } });
  });

  it('crm_upsert_record sends duplicate_check_fields and reports an update of the matching record', async () => {
    const alice = idOf('Contacts', 'Email', 'alice@acme.example');
    const record = { Last_Name: 'Anderson', Email: 'alice@acme.example', Title: 'CEO' };
    const result = await run('crm_upsert_record', { module: 'Contacts', record, duplicateCheckFields: ['Email'] });
    expect(result).toMatchObject({ id: alice, action: 'update', duplicateField: 'Email' });
    expect(sent()).toEqual({ method: 'POST', path: '/crm/v8/Contacts/upsert', query: {}, body: { data: [record], duplicate_check_fields: ['Email'] } });
  });

  it('crm_upsert_record inserts when nothing matches', async () => {
    const result = await run('crm_upsert_record', { module: 'Contacts', record: { Last_Name: 'New', Email: 'new@person.example' } });
    expect(result).toMatchObject({ action: 'insert' });
    expect(sent().body).toEqual({ data: [{ Last_Name: 'New', Email: 'new@person.example' }] });
  });

  it('crm_delete_record deletes the record by id', async () => {
    const id = await newLead('Gone');
    expect(await run('crm_delete_record', { module: 'Leads', id })).toEqual({ deleted: true, id, message: 'record deleted' });
    expect(fake.crm.records.get('Leads')?.has(id)).toBe(false);
    expect(sent()).toEqual({ method: 'DELETE', path: `/crm/v8/Leads/${id}`, query: {}, body: undefined });
  });

  it('summarizes writes in one plain sentence', () => {
    const summary = (name: string, p: Record<string, unknown>) => allTools.find((t) => t.name === name)!.summarize!(p as never);
    expect(summary('crm_delete_record', { module: 'Leads', id: '123' })).toBe('Delete the Leads record 123.');
    expect(summary('crm_update_record', { module: 'Deals', id: '9', record: { Stage: 'Won' } })).toBe('Update Stage on the Deals record 9.');
    expect(summary('crm_create_record', { module: 'Leads', record: { Last_Name: 'A' } })).toBe('Create a Leads record in Zoho CRM with the fields Last_Name.');
  });
});

describe('CRM notes', () => {
  it('crm_add_note links the note with the v8 Parent_Id shape', async () => {
    const deal = idOf('Deals', 'Deal_Name', 'Globex Pilot');
    const result = await run('crm_add_note', { module: 'Deals', recordId: deal, title: 'Call', content: 'Agreed on a pilot.' });
    expect(result.id).toMatch(/^\d+$/);
    expect(sent()).toEqual({
      method: 'POST',
      path: '/crm/v8/Notes',
      query: {},
      body: { data: [{ Note_Title: 'Call', Note_Content: 'Agreed on a pilot.', Parent_Id: { module: { api_name: 'Deals' }, id: deal } }] },
    });
  });

  it('crm_list_notes reads a record\'s Notes related list when given module and recordId', async () => {
    const john = idOf('Leads', 'Last_Name', 'Smith');
    const result = await run('crm_list_notes', { module: 'Leads', recordId: john, perPage: 5 });
    expect(result.notes).toEqual([expect.objectContaining({ Note_Title: 'Intro call' })]);
    expect(sent()).toMatchObject({
      method: 'GET',
      path: `/crm/v8/Leads/${john}/Notes`,
      query: { fields: 'Note_Title,Note_Content,Parent_Id,Owner,Created_Time,Modified_Time', per_page: '5' },
    });
  });

  it('crm_list_notes lists all notes through /Notes, sending the fields Zoho requires', async () => {
    const result = await run('crm_list_notes', {});
    expect(result.notes.length).toBeGreaterThan(0);
    expect(sent()).toMatchObject({ method: 'GET', path: '/crm/v8/Notes', query: { fields: 'Note_Title,Note_Content,Parent_Id,Owner,Created_Time,Modified_Time' } });
  });

  it('crm_list_notes refuses a module without a recordId', () => {
    expect(allTools.find((t) => t.name === 'crm_list_notes')!.input.safeParse({ module: 'Leads' }).success).toBe(false);
  });
});

describe('CRM errors', () => {
  it('rejects a create that misses a mandatory field with Zoho\'s MANDATORY_NOT_FOUND', async () => {
    const error = await run('crm_create_record', { module: 'Leads', record: { Company: 'No Name Inc' } }).catch((e) => e);
    expect(error).toBeInstanceOf(ZohoApiError);
    expect(error).toMatchObject({ zohoCode: 'MANDATORY_NOT_FOUND', zohoDetails: { api_name: 'Last_Name' } });
  });

  it('rejects an unknown module with INVALID_MODULE', async () => {
    const error = await run('crm_get_record', { module: 'Unicorns', id: '1' }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ZohoApiError', httpStatus: 400, zohoCode: 'INVALID_MODULE' });
  });

  it('rejects a 404 answer with a not-found ZohoApiError', async () => {
    fake.inject({ method: 'GET', path: '/crm/v8/org', status: 404, body: { code: 'INVALID_URL_PATTERN', details: {}, message: 'Please check the URL', status: 'error' } });
    const error = await run('crm_get_org', {}).catch((e) => e);
    expect(error).toMatchObject({ name: 'ZohoApiError', httpStatus: 404, zohoCode: 'INVALID_URL_PATTERN', code: 'ZOHO_NOT_FOUND' });
  });
});
