import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INJECTION_TEXT, SEED_DESK_ORG_ID, startFakeZoho, type FakeZoho } from './fake-zoho.ts';

let fake: FakeZoho;
const ZUID = '700123456';

interface Res {
  status: number;
  body: any;
  headers: Headers;
}

async function call(path: string, init: RequestInit & { token?: string; orgId?: string; json?: unknown } = {}): Promise<Res> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Zoho-oauthtoken ${init.token}`);
  if (init.orgId) headers.set('orgId', init.orgId);
  if (init.json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`${fake.url}${path}`, { ...init, headers, ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* text */
  }
  return { status: res.status, body, headers: res.headers };
}

const form = (p: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(p).toString(),
});

beforeAll(async () => {
  fake = await startFakeZoho();
  fake.addUser({ zuid: ZUID, email: 'pat@fakecorp.example', displayName: 'Pat Tester', orgId: '10034567890', zgid: '10034567891', deskOrgIds: [SEED_DESK_ORG_ID] });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe('accounts OAuth', () => {
  it('exchanges a PKCE code, refreshes, reads user info, revokes', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const code = fake.issueCode(ZUID, { scopes: ['ZohoCRM.modules.ALL', 'Desk.tickets.READ', 'AaaServer.profile.READ'], codeChallenge: challenge });
    const base = { client_id: fake.clientId, client_secret: fake.clientSecret, redirect_uri: fake.redirectUri };

    const ex = await call('/oauth/v2/token', form({ ...base, grant_type: 'authorization_code', code, code_verifier: verifier }));
    expect(ex.status).toBe(200);
    expect(ex.body).toMatchObject({ api_domain: fake.url, token_type: 'Bearer', expires_in: 3600 });
    expect(ex.body.access_token).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    const refreshToken: string = ex.body.refresh_token;

    const reuse = await call('/oauth/v2/token', form({ ...base, grant_type: 'authorization_code', code, code_verifier: verifier }));
    expect(reuse).toMatchObject({ status: 200, body: { error: 'invalid_code' } });

    const info = await call('/oauth/user/info', { token: ex.body.access_token });
    expect(info.body).toEqual({ First_Name: 'Pat', Email: 'pat@fakecorp.example', Last_Name: 'Tester', Display_Name: 'Pat Tester', ZUID: 700123456, ZGID: 10034567891 });

    const ref = await call(`/oauth/v2/token?${new URLSearchParams({ refresh_token: refreshToken, client_id: fake.clientId, client_secret: fake.clientSecret, grant_type: 'refresh_token' })}`, { method: 'POST' });
    expect(ref.status).toBe(200);
    expect(ref.body.refresh_token).toBeUndefined();
    expect(ref.body.access_token).not.toBe(ex.body.access_token);

    const wrongClient = await call('/oauth/v2/token', form({ refresh_token: refreshToken, client_id: 'nope', client_secret: 'x', grant_type: 'refresh_token' }));
    expect(wrongClient).toMatchObject({ status: 200, body: { error: 'invalid_client' } });

    const rev = await call(`/oauth/v2/token/revoke?token=${refreshToken}`, { method: 'POST' });
    expect(rev).toMatchObject({ status: 200, body: { status: 'success' } });
    expect(fake.isRefreshTokenActive(refreshToken)).toBe(false);
    expect((await call(`/oauth/v2/token/revoke?token=${refreshToken}`, { method: 'POST' })).status).toBe(400);
    const after = await call('/oauth/v2/token', form({ refresh_token: refreshToken, client_id: fake.clientId, client_secret: fake.clientSecret, grant_type: 'refresh_token' }));
    expect(after.body).toEqual({ error: 'invalid_code' });
    const dead = await call('/crm/v8/Leads?fields=Last_Name', { token: ref.body.access_token });
    expect(dead.body).toMatchObject({ code: 'INVALID_TOKEN' });
    expect(fake.counts).toEqual({ codeExchanges: 2, refreshes: 3, revokes: 2, userInfo: 1 });
  });

  it('rejects a wrong PKCE verifier and answers the configured 200-with-error modes', async () => {
    const code = fake.issueCode(ZUID, { codeChallenge: 'abc' });
    const ex = await call('/oauth/v2/token', form({ client_id: fake.clientId, client_secret: fake.clientSecret, redirect_uri: fake.redirectUri, grant_type: 'authorization_code', code, code_verifier: 'wrong' }));
    expect(ex.body).toEqual({ error: 'invalid_code' });
    const { refreshToken } = fake.mintTokens(ZUID);
    const refresh = (): Promise<Res> => call('/oauth/v2/token', form({ refresh_token: refreshToken, client_id: fake.clientId, client_secret: fake.clientSecret, grant_type: 'refresh_token' }));
    fake.tokenEndpoint.mode = 'access_denied';
    expect(await refresh()).toMatchObject({ status: 200, body: { error: 'Access Denied' } });
    fake.tokenEndpoint.mode = 'no_access_token';
    expect((await refresh()).body).toEqual({ token_type: 'Bearer' });
    fake.tokenEndpoint.mode = 'error500';
    expect((await refresh()).status).toBe(500);
    fake.tokenEndpoint.mode = 'ok';
    expect((await refresh()).body.access_token).toBeTypeOf('string');
  });

  it('enforces the scopes a code was issued with', async () => {
    const code = fake.issueCode(ZUID, { scopes: ['ZohoCRM.modules.READ', 'ZohoCRM.settings.fields.READ'] });
    const ex = await call('/oauth/v2/token', form({ client_id: fake.clientId, client_secret: fake.clientSecret, redirect_uri: fake.redirectUri, grant_type: 'authorization_code', code }));
    const token: string = ex.body.access_token;
    expect((await call('/crm/v8/Leads?fields=Last_Name', { token })).status).toBe(200);
    expect((await call('/crm/v8/settings/fields?module=Leads', { token })).status).toBe(200);
    const write = await call('/crm/v8/Leads', { method: 'POST', token, json: { data: [{ Last_Name: 'X' }] } });
    expect(write).toMatchObject({ status: 401, body: { code: 'OAUTH_SCOPE_MISMATCH' } });
    expect((await call('/crm/v8/org', { token })).body).toMatchObject({ code: 'OAUTH_SCOPE_MISMATCH' });
    expect((await call('/api/v1/tickets', { token, orgId: SEED_DESK_ORG_ID })).body).toMatchObject({ errorCode: 'SCOPE_MISMATCH' });
    expect((await call('/oauth/user/info', { token })).status).toBe(401);
  });

  it('answers 401 INVALID_TOKEN once access tokens expire', async () => {
    const { accessToken } = fake.mintTokens(ZUID);
    expect((await call('/crm/v8/Leads?fields=Last_Name', { token: accessToken })).status).toBe(200);
    fake.expireAccessTokens();
    const r = await call('/crm/v8/Leads?fields=Last_Name', { token: accessToken });
    expect(r).toMatchObject({ status: 401, body: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' } });
  });
});

describe('CRM v8', () => {
  let token: string;
  beforeAll(() => {
    token = fake.mintTokens(ZUID).accessToken;
  });

  it('creates records with per-record results and Zoho status codes', async () => {
    const missing = await call('/crm/v8/Leads', { method: 'POST', token, json: { data: [{ First_Name: 'No', Company: 'Last' }] } });
    expect(missing.status).toBe(400);
    expect(missing.body.data[0]).toEqual({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name', json_path: '$.data[0].Last_Name' }, message: 'required field not found', status: 'error' });
    const mixed = await call('/crm/v8/Leads', { method: 'POST', token, json: { data: [{ Last_Name: 'Ok', Unknown_Field: 1 }, { Last_Name: 'Bad', No_of_Employees: 'ten' }] } });
    expect(mixed.status).toBe(207);
    expect(mixed.body.data[0]).toMatchObject({ code: 'SUCCESS', message: 'record added', status: 'success' });
    expect(mixed.body.data[1]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'No_of_Employees', expected_data_type: 'integer' } });
    const id: string = mixed.body.data[0].details.id;
    expect(id).toMatch(/^\d{19}$/);
    const got = await call(`/crm/v8/Leads/${id}`, { token });
    expect(got.body.data[0]).toMatchObject({ id, Last_Name: 'Ok', Owner: { name: 'Pat Tester' } });
    expect(got.body.data[0]).not.toHaveProperty('Unknown_Field');
    expect((await call('/crm/v8/Leads', { token })).body).toMatchObject({ code: 'REQUIRED_PARAM_MISSING' });
    expect((await call('/crm/v8/Nope?fields=id', { token })).body).toMatchObject({ code: 'INVALID_MODULE' });
    expect((await call('/crm/v8/Leads/5843104999999999999', { token })).status).toBe(204);
  });

  it('searches with criteria, escapes, email; 204 on no match; 400 on malformed', async () => {
    await call('/crm/v8/Accounts', { method: 'POST', token, json: { data: [{ Account_Name: 'Foo, Inc (EU)' }] } });
    const q = (p: Record<string, string>): Promise<Res> => call(`/crm/v8/Accounts/search?${new URLSearchParams(p)}`, { token });
    const esc = await q({ criteria: '(Account_Name:equals:Foo\\, Inc \\(EU\\))' });
    expect(esc.body.data.map((r: { Account_Name: string }) => r.Account_Name)).toEqual(['Foo, Inc (EU)']);
    const and = await call(`/crm/v8/Leads/search?${new URLSearchParams({ criteria: '((Last_Name:equals:smith)and(No_of_Employees:greater_than:5))', fields: 'Last_Name,Email' })}`, { token });
    expect(and.body.data).toEqual([{ Last_Name: 'Smith', Email: 'john.smith@example.com', id: expect.any(String) }]);
    expect(and.body.info).toMatchObject({ count: 1, more_records: false, page: 1 });
    expect((await call('/crm/v8/Contacts/search?email=ALICE@acme.example', { token })).body.data[0].Last_Name).toBe('Anderson');
    expect((await q({ criteria: '(Account_Name:equals:Nobody)' })).status).toBe(204);
    const bad = await q({ criteria: '(Account_Name:equals' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'INVALID_QUERY', status: 'error' } });
  });

  it('runs COQL', async () => {
    const coql = (select_query: string): Promise<Res> => call('/crm/v8/coql', { method: 'POST', token, json: { select_query } });
    const r = await coql("select Last_Name, Email from Leads where Last_Name = 'Smith' limit 10");
    expect(r.body).toEqual({ data: [{ Last_Name: 'Smith', Email: 'john.smith@example.com', id: expect.any(String) }], info: { count: 1, more_records: false } });
    const page = await coql("select Last_Name from Leads where (No_of_Employees > 10 and Lead_Status != 'Junk Lead') order by No_of_Employees desc limit 0, 2");
    expect(page.body.data.map((x: { Last_Name: string }) => x.Last_Name)).toEqual(['Doe', 'Garcia']);
    expect(page.body.info.more_records).toBe(true);
    expect((await coql('select COUNT(id) from Deals where id is not null')).body.data).toEqual([{ 'COUNT(id)': 2 }]);
    expect((await coql('select Account_Name.Account_Name from Deals where Stage = \'Qualification\'')).body.data[0]['Account_Name.Account_Name']).toBe('Globex');
    expect((await coql('select Last_Name from Leads')).body).toMatchObject({ code: 'SYNTAX_ERROR' });
    expect((await coql('select Last_Name Leads where')).body).toMatchObject({ code: 'SYNTAX_ERROR' });
    expect((await coql("select Nope from Leads where Last_Name = 'x'")).body).toMatchObject({ code: 'INVALID_QUERY' });
    expect((await coql("select Last_Name from Leads where Last_Name = 'Nobody'")).status).toBe(204);
  });

  it('creates notes and reads them as a related list; users and org', async () => {
    const lead = (await call('/crm/v8/coql', { method: 'POST', token, json: { select_query: "select id from Leads where Last_Name = 'Doe'" } })).body.data[0].id;
    const note = await call('/crm/v8/Notes', { method: 'POST', token, json: { data: [{ Note_Title: 'Hi', Note_Content: 'Called.', Parent_Id: { module: { api_name: 'Leads' }, id: lead } }] } });
    expect(note.status).toBe(201);
    const rel = await call(`/crm/v8/Leads/${lead}/Notes?fields=Note_Title,Note_Content,Parent_Id`, { token });
    expect(rel.body.data[0]).toMatchObject({ Note_Content: 'Called.', Parent_Id: { id: lead, module: { api_name: 'Leads' } } });
    const me = await call('/crm/v8/users?type=CurrentUser', { token });
    expect(me.body.users[0]).toMatchObject({ email: 'pat@fakecorp.example', full_name: 'Pat Tester', status: 'active' });
    expect((await call('/crm/v8/org', { token })).body.org[0]).toMatchObject({ id: '10034567890', zgid: '10034567891', type: 'Production' });
  });
});

describe('Desk v1', () => {
  let token: string;
  beforeAll(() => {
    token = fake.mintTokens(ZUID).accessToken;
  });

  it('enforces the orgId header and query parameter strictness', async () => {
    const orgs = await call('/api/v1/organizations', { token });
    expect(orgs.body.data.map((o: { id: string }) => o.id)).toEqual([SEED_DESK_ORG_ID]);
    expect((await call('/api/v1/tickets', { token })).status).toBe(422);
    const mismatch = await call('/api/v1/tickets', { token, orgId: '999' });
    expect(mismatch).toMatchObject({ status: 401, body: { errorCode: 'OAUTH_ORG_MISMATCH' } });
    expect((await call('/api/v1/tickets', { orgId: SEED_DESK_ORG_ID })).body).toMatchObject({ errorCode: 'INVALID_OAUTH' });
    const list = await call('/api/v1/tickets?from=0&limit=10&sortBy=ticketNumber', { token, orgId: SEED_DESK_ORG_ID });
    expect(list.body.data.map((t: { ticketNumber: string }) => t.ticketNumber)).toEqual(['101', '102', '103']);
    expect(list.body.data[0]).not.toHaveProperty('description');
    const extra = await call('/api/v1/tickets?sortOrder=asc', { token, orgId: SEED_DESK_ORG_ID });
    expect(extra.body).toEqual({ errorCode: 'UNPROCESSABLE_ENTITY', message: "Extra query parameter 'sortOrder' is present in the input." });
    expect((await call('/api/v1/tickets?limit=101', { token, orgId: SEED_DESK_ORG_ID })).status).toBe(422);
    expect((await call('/api/v1/nothing', { token, orgId: SEED_DESK_ORG_ID })).body).toMatchObject({ errorCode: 'URL_NOT_FOUND' });
  });

  it('creates, searches, comments on tickets and shows the injected description', async () => {
    const o = { token, orgId: SEED_DESK_ORG_ID };
    const dept = (await call('/api/v1/departments', o)).body.data[0].id;
    const missing = await call('/api/v1/tickets', { ...o, method: 'POST', json: { departmentId: dept, contactId: 'x' } });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0]).toMatchObject({ fieldName: '/subject', errorType: 'missing' });
    const created = await call('/api/v1/tickets', { ...o, method: 'POST', json: { subject: 'Printer on fire', departmentId: dept, contact: { lastName: 'New', email: 'new@person.example' } } });
    expect(created.body).toMatchObject({ subject: 'Printer on fire', status: 'Open', statusType: 'Open', ticketNumber: '104' });
    const found = await call('/api/v1/tickets/search?subject=printer*', o);
    expect(found.body).toMatchObject({ count: 1, data: [{ id: created.body.id }] });
    expect((await call('/api/v1/tickets/search?subject=zzz*', o)).status).toBe(204);
    const cm = await call(`/api/v1/tickets/${created.body.id}/comments`, { ...o, method: 'POST', json: { content: 'On it', isPublic: false, contentType: 'plainText' } });
    expect(cm.body).toMatchObject({ content: 'On it', isPublic: false, commenter: { email: 'pat@fakecorp.example' } });
    const patched = await call(`/api/v1/tickets/${created.body.id}`, { ...o, method: 'PATCH', json: { status: 'Closed' } });
    expect(patched.body).toMatchObject({ status: 'Closed', statusType: 'Closed' });
    const injected = [...fake.desk.tickets.values()].find((t) => t['description'] === INJECTION_TEXT);
    const one = await call(`/api/v1/tickets/${String(injected?.['id'])}`, o);
    expect(one.body.description).toBe(INJECTION_TEXT);
    const threads = await call(`/api/v1/tickets/${String(injected?.['id'])}/threads`, o);
    expect(threads.body.data[0]).toMatchObject({ direction: 'in', channel: 'EMAIL' });
  });
});

describe('faults', () => {
  it('applyFirst performs the write, then answers the injected 500', async () => {
    const { accessToken: token } = fake.mintTokens(ZUID);
    fake.inject({ method: 'POST', path: '/crm/v8/Leads', status: 500, applyFirst: true, body: { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' } });
    const r = await call('/crm/v8/Leads', { method: 'POST', token, json: { data: [{ Last_Name: 'Ghost' }] } });
    expect(r).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect([...(fake.crm.records.get('Leads')?.values() ?? [])].some((l) => l['Last_Name'] === 'Ghost')).toBe(true);

    fake.inject({ path: /^\/crm\/v8\/Leads/, status: 429, times: 2, headers: { 'Retry-After': '1' }, body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' } });
    const a = await call('/crm/v8/Leads?fields=Last_Name', { token });
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('1');
    expect((await call('/crm/v8/Leads?fields=Last_Name', { token })).status).toBe(429);
    expect((await call('/crm/v8/Leads?fields=Last_Name', { token })).status).toBe(200);

    fake.inject({ path: '/crm/v8/org', drop: true });
    await expect(call('/crm/v8/org', { token })).rejects.toThrow();
    expect(fake.requestsTo('/crm/v8/org')).toHaveLength(1);
    expect(fake.requestsTo(/^\/crm\/v8\/Leads$/, 'POST')[0]?.body).toEqual({ data: [{ Last_Name: 'Ghost' }] });
  });
});
