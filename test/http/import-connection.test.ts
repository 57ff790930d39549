import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { createRoutingFetch } from '../support/routing-fetch.ts';
import { sharedRuntime } from '../support/shared-runtime.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const ZUID = '70001';
const CRM_ONLY = ['ZohoCRM.modules.ALL', 'ZohoCRM.settings.READ', 'ZohoCRM.users.READ', 'ZohoCRM.org.READ', 'ZohoCRM.coql.READ'];

describe.each(testDatabases())('POST /api/connections/zoho/import on $name', (database) => {
  const shared = sharedRuntime(database, [
    { zuid: ZUID, email: 'ada@example.com', orgId: '9001', zgid: '55501', deskOrgIds: ['555'] },
    { zuid: '70009', email: 'nobody@example.com', orgId: '9009', deskOrgIds: [] },
  ], 'importer');
  let fake: FakeZoho;
  let t: TestRuntime;
  let user: string;
  let self: { clientId: string; clientSecret: string };
  beforeAll(() => {
    self = shared.fake.addSelfClient();
  });
  beforeEach(() => {
    ({ fake, t, user } = shared);
  });

  const importAs = (user: string, body: unknown) =>
    t.request('/api/connections/zoho/import', { method: 'POST', user, body: JSON.stringify(body) });
  const rows = async () => (await t.runtime.database.db.execute(sql`select * from zoho_connections`)) as unknown;
  const rowCount = async () => (await t.runtime.store.listForUser(user)).length;
  const tokenRequests = () => fake.requestsTo('/oauth/v2/token', 'POST').map((r) => r.body as Record<string, string>);

  it('imports a refresh token of this deployment\'s client: one refresh, identity from CRM and Desk, listed like a signed-in connection', async () => {
    const { refreshToken } = fake.mintTokens(ZUID);
    const res = await importAs(user, { dc: 'com', refreshToken });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ dc: 'com', email: 'ada@example.com', zohoUserId: ZUID, crmOrgId: '9001', deskOrgId: '555', status: 'active', missingScopes: [], scopeSource: 'probe' });
    expect(tokenRequests()).toEqual([expect.objectContaining({ grant_type: 'refresh_token', client_id: fake.clientId })]);
    const listed = ((await (await t.request('/api/connections', { user })).json()) as any).connections;
    expect(listed).toEqual([Object.fromEntries(Object.entries(body).filter(([k]) => !['missingScopes', 'scopeSource'].includes(k)))]);
    // The stored token works for a tool call.
    const tool = await t.request('/api/tools/crm_get_org', { method: 'POST', user, body: JSON.stringify({ params: {} }) });
    expect(((await tool.json()) as any).ok).toBe(true);
  });

  it('imports a Self Client refresh token with its client id and secret, and refreshes and revokes with that client', async () => {
    const { refreshToken } = fake.mintTokens(ZUID, { clientId: self.clientId });
    const res = await importAs(user, { dc: 'com', refreshToken, ...self });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as any;
    fake.reset();
    fake.expireAccessTokens();
    const tool = await t.request('/api/tools/crm_get_org', { method: 'POST', user, body: JSON.stringify({ params: {} }) });
    expect(((await tool.json()) as any).ok).toBe(true);
    expect(tokenRequests()).toEqual([expect.objectContaining({ grant_type: 'refresh_token', client_id: self.clientId, client_secret: self.clientSecret })]);
    expect((await t.request(`/api/connections/${id}`, { method: 'DELETE', user })).status).toBe(204);
    expect(fake.isRefreshTokenActive(refreshToken)).toBe(false);
  });

  it('exchanges a Self Client code without a redirect URI, and lists the scopes the tools need that it lacks', async () => {
    const code = fake.issueCode(ZUID, { clientId: self.clientId, scopes: CRM_ONLY });
    const res = await importAs(user, { dc: 'com', code, ...self });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ zohoUserId: ZUID, crmOrgId: '9001', deskOrgId: null, scopeSource: 'token' });
    expect(body.missingScopes).toEqual(expect.arrayContaining(['Desk.tickets.ALL', 'Desk.contacts.ALL', 'Desk.articles.READ', 'AaaServer.profile.READ']));
    expect(body.missingScopes.some((s: string) => s.startsWith('ZohoCRM.'))).toBe(false);
    const [exchange] = tokenRequests();
    expect(exchange).toMatchObject({ grant_type: 'authorization_code', code, client_id: self.clientId });
    expect(exchange).not.toHaveProperty('redirect_uri');
    // A CRM-only token does not reach Desk at all, and a chat offers it CRM tools only.
    expect(fake.requestsTo(/^\/api\/v1\//)).toHaveLength(0);
    expect((await t.runtime.store.findCurrentForUser(user))!.scopes).toEqual(CRM_ONLY);
  });

  it('refuses a revoked refresh token with 400 naming the field, and stores nothing', async () => {
    const { refreshToken } = fake.mintTokens(ZUID);
    fake.revokeRefreshToken(refreshToken);
    const res = await importAs(user, { dc: 'com', refreshToken });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'refreshToken', zohoError: 'invalid_code' } });
    expect(await rowCount()).toBe(0);
  });

  it('answers 429 with Retry-After when Zoho already minted 10 tokens from it in 10 minutes, and stores nothing', async () => {
    const { refreshToken } = fake.mintTokens(ZUID);
    for (let i = 0; i < 9; i++) {
      const r = await fetch(`${fake.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: fake.clientId, client_secret: fake.clientSecret }),
      });
      expect(((await r.json()) as any).access_token).toBeTypeOf('string');
    }
    const res = await importAs(user, { dc: 'com', refreshToken });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    const { error } = (await res.json()) as any;
    expect(error).toMatchObject({ code: 'ZOHO_RATE_LIMITED', details: { field: 'refreshToken', zohoError: 'Access Denied' } });
    expect(error.message).toContain('10 per refresh token in 10 minutes');
    expect(await rowCount()).toBe(0);
  });

  it('refuses another client\'s token without its credentials, and a wrong Self Client secret, naming the field', async () => {
    const { refreshToken } = fake.mintTokens(ZUID, { clientId: self.clientId });
    const noCredentials = await importAs(user, { dc: 'com', refreshToken });
    expect(((await noCredentials.json()) as any).error.details).toMatchObject({ field: 'refreshToken' });
    const wrongSecret = await importAs(user, { dc: 'com', refreshToken, clientId: self.clientId, clientSecret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(400);
    const { error } = (await wrongSecret.json()) as any;
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'clientId', zohoError: 'invalid_client' } });
    expect(JSON.stringify(error)).not.toContain('not-the-secret');
    expect(await rowCount()).toBe(0);
  });

  it('revokes a token it minted from a code when the import then fails, and stores nothing', async () => {
    // Desk-only scopes for a user without a Desk org and without the profile scope: nobody can say whose it is.
    const code = fake.issueCode('70009', { clientId: self.clientId, scopes: ['Desk.tickets.READ'] });
    const res = await importAs(user, { dc: 'com', code, ...self });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain('ZohoCRM.users.READ');
    expect(fake.counts.revokes).toBe(1);
    expect(await rowCount()).toBe(0);
  });

  it('updates the same row when the same account is imported again, revoking the refresh token it replaces', async () => {
    const first = fake.mintTokens(ZUID);
    const a = (await (await importAs(user, { dc: 'com', refreshToken: first.refreshToken })).json()) as any;
    const again = (await (await importAs(user, { dc: 'com', refreshToken: first.refreshToken })).json()) as any;
    expect(again.id).toBe(a.id);
    expect(fake.counts.revokes).toBe(0);
    const second = fake.mintTokens(ZUID, { clientId: self.clientId });
    const b = (await (await importAs(user, { dc: 'com', refreshToken: second.refreshToken, ...self })).json()) as any;
    expect(b.id).toBe(a.id);
    expect(await rowCount()).toBe(1);
    expect(fake.isRefreshTokenActive(first.refreshToken)).toBe(false);
    const stored = (await t.runtime.store.findCurrentForUser(user))!;
    expect(stored.refreshToken).toBe(second.refreshToken);
    expect(stored.clientCredentials).toEqual(self);
    // Signing in through the browser later updates that row too, and the deployment's client owns it from then on.
    await connectThroughOAuth(t, fake, user, ZUID);
    const after = await t.runtime.store.listForUser(user);
    expect(after.map((c) => c.id)).toEqual([a.id]);
    expect(after[0]!.clientCredentials).toBeNull();
    expect(fake.isRefreshTokenActive(second.refreshToken)).toBe(false);
  });

  it('never shows a Self Client secret, the token or the code in an answer, a log line or the table', async () => {
    const { refreshToken } = fake.mintTokens(ZUID, { clientId: self.clientId });
    const code = fake.issueCode(ZUID, { clientId: self.clientId });
    const answers = [
      await (await importAs(user, { dc: 'com', refreshToken, ...self })).text(),
      await (await importAs(`${user}-b`, { dc: 'com', code, ...self })).text(),
      await (await importAs(`${user}-c`, { dc: 'com', code, ...self })).text(), // the code is used up by now: an error answer
      await (await t.request('/api/connections', { user })).text(),
    ];
    const dump = JSON.stringify(await rows());
    const everything = [...answers, t.logger.lines.join('\n'), dump].join('\n');
    for (const secret of [self.clientSecret, refreshToken, code, self.clientId]) expect(everything).not.toContain(secret);
    expect(dump).toContain('client_credentials_enc');
  });

  it.each([
    [{ refreshToken: 'x' }, 'dc'],
    [{ dc: 'mars', refreshToken: 'x' }, 'dc'],
    [{ dc: 'com' }, 'refreshToken'],
    [{ dc: 'com', refreshToken: 'x', code: 'y', clientId: 'a', clientSecret: 'b' }, 'refreshToken'],
    [{ dc: 'com', code: 'y' }, 'clientId'],
    [{ dc: 'com', refreshToken: 'x', clientId: 'a' }, 'clientSecret'],
    [{ dc: 'com', refreshToken: 'x', accountsServer: 'https://evil.example' }, '(body)'],
  ])('answers %j with 400 naming %s, before asking Zoho', async (body, field) => {
    const res = await importAs(user, body);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as any;
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.details.fields.map((f: any) => f.field)).toContain(field);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('importing with the real data-centre hosts', () => {
  let fake: FakeZoho;
  const [database] = testDatabases();

  beforeAll(async () => {
    fake = await startFakeZoho();
    fake.addUser({ zuid: ZUID, email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
  });
  afterAll(() => fake.close());

  it('counts imports against the per-user rate limit before asking Zoho', async () => {
    const db = database!.create();
    const t = await startTestRuntime({ fake, database: db.options, env: { RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const { refreshToken } = fake.mintTokens(ZUID);
      fake.reset();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await t.request('/api/connections/zoho/import', { method: 'POST', user: 'eager', body: JSON.stringify({ dc: 'com', refreshToken }) });
        statuses.push(res.status);
        if (res.status === 429) expect(((await res.json()) as any).error.code).toBe('RATE_LIMITED');
      }
      expect(statuses).toEqual([200, 200, 429]);
      expect(fake.counts.refreshes).toBe(2);
    } finally {
      fake.reset();
      await t.close();
      await db.drop();
    }
  });

  it('takes the data centre from api_domain: a mismatch with dc is a 400, the matching dc is stored', async () => {
    const routing = createRoutingFetch(fake.url);
    const db = database!.create();
    const t = await startTestRuntime({ fake, database: db.options, overrideHosts: false, fetch: routing.fetch });
    try {
      fake.tokenEndpoint.apiDomain = 'https://www.zohoapis.eu';
      const { refreshToken } = fake.mintTokens(ZUID);
      const wrong = await t.request('/api/connections/zoho/import', { method: 'POST', user: 'alice', body: JSON.stringify({ dc: 'com', refreshToken }) });
      expect(wrong.status).toBe(400);
      const { error } = (await wrong.json()) as any;
      expect(error).toMatchObject({ code: 'INVALID_REQUEST', details: { field: 'dc' } });
      expect(error.message).toContain('"eu"');
      expect(await t.runtime.store.listForUser('alice')).toEqual([]);
      expect(routing.origins).toEqual(['https://accounts.zoho.com']);

      routing.origins.length = 0;
      const right = await t.request('/api/connections/zoho/import', { method: 'POST', user: 'alice', body: JSON.stringify({ dc: 'eu', refreshToken }) });
      expect(right.status).toBe(200);
      expect(((await right.json()) as any).dc).toBe('eu');
      expect(routing.origins[0]).toBe('https://accounts.zoho.eu');
      expect(new Set(routing.origins.slice(1))).toEqual(new Set(['https://www.zohoapis.eu', 'https://desk.zoho.eu']));
    } finally {
      fake.reset();
      await t.close();
      await db.drop();
    }
  });
});
