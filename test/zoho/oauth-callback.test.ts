import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DATA_CENTRES } from '../../src/zoho/data-centres.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { createRoutingFetch } from '../support/routing-fetch.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

describe.each(testDatabases())('OAuth callback on $name', (database) => {
  let fake: FakeZoho;
  let t: TestRuntime;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    fake = await startFakeZoho();
    fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
    fake.addUser({ zuid: '70002', email: 'bob@example.com', orgId: '9002', deskOrgIds: ['556'] });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    const db = database.create();
    drop = db.drop;
    t = await startTestRuntime({ fake, database: db.options });
    fake.reset();
  });
  afterEach(async () => {
    await t.close();
    await drop();
  });

  const connections = async (user: string) =>
    ((await (await t.request('/api/connections', { user })).json()) as { connections: any[] }).connections;

  /** Starts a flow and returns the callback query Zoho would send, without following it. */
  async function pendingCallback(user = 'alice') {
    const start = await t.request('/api/connections/zoho', { method: 'POST', user, body: '{}' });
    const authorize = new URL(((await start.json()) as any).authorizeUrl);
    const code = fake.issueCode('70001', { codeChallenge: authorize.searchParams.get('code_challenge')! });
    return { code, state: authorize.searchParams.get('state')!, authorize };
  }
  const callback = (query: Record<string, string> | string) =>
    t.request(`/auth/zoho/callback?${typeof query === 'string' ? query : new URLSearchParams(query)}`, { headers: { accept: 'application/json' } });

  it('gives an authorize URL asking for offline access, consent, the scopes and a PKCE challenge', async () => {
    const { authorize } = await pendingCallback();
    expect(authorize.origin + authorize.pathname).toBe(`${fake.url}/oauth/v2/auth`);
    const p = authorize.searchParams;
    expect(p.get('access_type')).toBe('offline');
    expect(p.get('prompt')).toBe('consent');
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe(fake.clientId);
    expect(p.get('redirect_uri')).toBe(fake.redirectUri);
    expect(p.get('scope')).toContain('ZohoCRM.modules.ALL');
    expect(p.get('scope')).toContain('Desk.tickets.ALL');
    expect(p.get('scope')).toContain('AaaServer.profile.READ');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('state')!.length).toBeGreaterThan(40);
  });

  it('stores the connection after a round trip, with no token in the answer, and sends the safe headers', async () => {
    const res = await connectThroughOAuth(t, fake, 'alice', '70001');
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as any;
    expect(body.connection).toMatchObject({ email: 'ada@example.com', zohoUserId: '70001', crmOrgId: '9001', status: 'active', dc: 'com' });
    const list = await connections('alice');
    expect(list).toHaveLength(1);
    const text = JSON.stringify(list) + JSON.stringify(body);
    expect(text).not.toMatch(/1000\.[0-9a-f]+\.[0-9a-f]+/);
    expect(fake.counts.codeExchanges).toBe(1);
  });

  it('shows an HTML page that says it worked when no JSON is asked for', async () => {
    const { code, state } = await pendingCallback();
    const res = await t.request(`/auth/zoho/callback?${new URLSearchParams({ code, state, location: 'us', 'accounts-server': fake.url })}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('Zoho is connected');
  });

  it('never logs the code or a token', async () => {
    await connectThroughOAuth(t, fake, 'alice', '70001');
    const codes = fake.requestsTo('/oauth/v2/token').map((r) => (r.body as any).code as string);
    const log = t.logger.lines.join('\n');
    for (const code of codes) expect(log).not.toContain(code);
    expect(log).not.toMatch(/1000\.[0-9a-f]+\.[0-9a-f]+/);
  });

  it('refuses a replayed callback and exchanges the code once', async () => {
    const { code, state } = await pendingCallback();
    const query = { code, state, location: 'us', 'accounts-server': fake.url };
    expect((await callback(query)).status).toBe(200);
    const replay = await callback(query);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as any).error.code).toBe('INVALID_REQUEST');
    expect(fake.counts.codeExchanges).toBe(1);
  });

  it('refuses a missing, forged or unknown state without asking Zoho', async () => {
    const { code, state } = await pendingCallback();
    const [nonce] = state.split('.');
    for (const bad of [undefined, 'nope', `${nonce}.forgedsignature`, `${nonce}x.${state.split('.')[1]}`]) {
      const q: Record<string, string> = { code, location: 'us', 'accounts-server': fake.url };
      if (bad !== undefined) q.state = bad;
      expect((await callback(q)).status).toBe(400);
    }
    expect(fake.requests).toHaveLength(0);
    expect(await connections('alice')).toHaveLength(0);
  });

  it('refuses an expired state', async () => {
    let now = Date.now();
    const db = database.create();
    const late = await startTestRuntime({ fake, database: db.options, now: () => now });
    try {
      const start = await late.request('/api/connections/zoho', { method: 'POST', user: 'alice', body: '{}' });
      const authorize = new URL(((await start.json()) as any).authorizeUrl);
      now += 11 * 60_000;
      const q = new URLSearchParams({ code: fake.issueCode('70001'), state: authorize.searchParams.get('state')!, location: 'us', 'accounts-server': fake.url });
      const res = await late.request(`/auth/zoho/callback?${q}`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(400);
      expect(fake.counts.codeExchanges).toBe(0);
    } finally {
      await late.close();
      await db.drop();
    }
  });

  it('refuses a denied consent and consumes the state', async () => {
    const { state } = await pendingCallback();
    const res = await callback({ error: 'access_denied', state });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/did not grant access/);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    ['a foreign host', 'https://evil.example'],
    ['a look-alike subdomain', 'https://accounts.zoho.eu.evil.example'],
    ['userinfo before the host', 'https://accounts.zoho.eu@evil.example'],
    ['plain http', 'http://accounts.zoho.eu'],
    ['another port', 'https://accounts.zoho.eu:8443'],
    ['a trailing path', 'https://accounts.zoho.eu/x'],
    ['a trailing slash', 'https://accounts.zoho.eu/'],
    ['an encoded dot', 'https://accounts%2ezoho.eu'],
    ['another DC than location', 'https://accounts.zoho.com'],
  ])('refuses an accounts-server of %s with no request leaving', async (_label, forged) => {
    const db = database.create();
    const routing = createRoutingFetch(fake.url);
    const real = await startTestRuntime({ fake, database: db.options, overrideHosts: false, fetch: routing.fetch });
    try {
      const start = await real.request('/api/connections/zoho', { method: 'POST', user: 'alice', body: '{}' });
      const state = new URL(((await start.json()) as any).authorizeUrl).searchParams.get('state')!;
      const q = `code=c0de&state=${encodeURIComponent(state)}&location=eu&accounts-server=${encodeURIComponent(forged)}`;
      const res = await real.request(`/auth/zoho/callback?${q}`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(400);
      expect(routing.origins).toEqual([]);
      expect(fake.requests).toHaveLength(0);
      expect(await real.runtime.store.listForUser('alice')).toHaveLength(0);
    } finally {
      await real.close();
      await db.drop();
    }
  });

  it('refuses an unknown location and a repeated accounts-server parameter', async () => {
    const { code, state } = await pendingCallback();
    expect((await callback({ code, state, location: 'com.evil.example', 'accounts-server': fake.url })).status).toBe(400);
    const again = await pendingCallback();
    const dup = `code=${again.code}&state=${encodeURIComponent(again.state)}&location=us&accounts-server=${encodeURIComponent(fake.url)}&accounts-server=https%3A%2F%2Fevil.example`;
    expect((await callback(dup)).status).toBe(400);
    expect(fake.counts.codeExchanges).toBe(0);
  });

  it.each(DATA_CENTRES.map((dc) => [dc.code, dc] as const))('connects a user of the %s data centre through its own hosts', async (_code, dc) => {
    const db = database.create();
    const routing = createRoutingFetch(fake.url);
    const real = await startTestRuntime({ fake, database: db.options, overrideHosts: false, fetch: routing.fetch });
    fake.tokenEndpoint.apiDomain = dc.apiUrl;
    try {
      const start = await real.request('/api/connections/zoho', { method: 'POST', user: 'alice', body: JSON.stringify({ dc: dc.code }) });
      const authorize = new URL(((await start.json()) as any).authorizeUrl);
      expect(authorize.origin).toBe(dc.accountsUrl);
      const code = fake.issueCode('70001', { codeChallenge: authorize.searchParams.get('code_challenge')! });
      const q = new URLSearchParams({ code, state: authorize.searchParams.get('state')!, location: dc.location, 'accounts-server': dc.accountsUrl });
      const res = await real.request(`/auth/zoho/callback?${q}`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).connection).toMatchObject({ dc: dc.code, crmOrgId: '9001' });
      // Token exchange and user info at the DC's accounts host; the CRM org at its API host.
      expect(routing.origins).toEqual([dc.accountsUrl, dc.accountsUrl, dc.apiUrl]);
      const [stored] = await real.runtime.store.listForUser('alice');
      expect(stored).toMatchObject({ accountsServer: dc.accountsUrl, apiDomain: dc.apiUrl });
    } finally {
      fake.tokenEndpoint.apiDomain = undefined;
      await real.close();
      await db.drop();
    }
  });

  it('refuses a token answer whose api_domain is not a Zoho API host, storing nothing', async () => {
    const db = database.create();
    const routing = createRoutingFetch(fake.url);
    const real = await startTestRuntime({ fake, database: db.options, overrideHosts: false, fetch: routing.fetch });
    fake.tokenEndpoint.apiDomain = 'https://evil.example';
    try {
      const start = await real.request('/api/connections/zoho', { method: 'POST', user: 'alice', body: '{}' });
      const authorize = new URL(((await start.json()) as any).authorizeUrl);
      const code = fake.issueCode('70001', { codeChallenge: authorize.searchParams.get('code_challenge')! });
      const q = new URLSearchParams({ code, state: authorize.searchParams.get('state')!, location: 'us', 'accounts-server': 'https://accounts.zoho.com' });
      const res = await real.request(`/auth/zoho/callback?${q}`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(502);
      expect(routing.origins).not.toContain('https://evil.example');
      expect(await real.runtime.store.listForUser('alice')).toHaveLength(0);
    } finally {
      fake.tokenEndpoint.apiDomain = undefined;
      await real.close();
      await db.drop();
    }
  });

  it('does not follow a redirect from the token endpoint', async () => {
    fake.tokenEndpoint.redirectTo = 'https://evil.example/steal';
    try {
      const res = await connectThroughOAuth(t, fake, 'alice', '70001');
      expect(res.status).toBe(502);
      expect(fake.requestsTo('/steal')).toHaveLength(0);
      expect(await connections('alice')).toHaveLength(0);
    } finally {
      fake.tokenEndpoint.redirectTo = undefined;
    }
  });

  it('treats a 200 answer carrying invalid_code as a failure and stores nothing', async () => {
    const { state } = await pendingCallback();
    const res = await callback({ code: 'not-a-code', state, location: 'us', 'accounts-server': fake.url });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/authorization code/);
    expect(await connections('alice')).toHaveLength(0);
  });

  it('updates the same row when the user signs in again, revoking the refresh token it replaces', async () => {
    await connectThroughOAuth(t, fake, 'alice', '70001');
    const [first] = await t.runtime.store.listForUser('alice');
    await connectThroughOAuth(t, fake, 'alice', '70001');
    const all = await t.runtime.store.listForUser('alice');
    expect(all).toHaveLength(1);
    expect(all[0]!.id).toBe(first!.id);
    expect(all[0]!.refreshToken).not.toBe(first!.refreshToken);
    expect(fake.isRefreshTokenActive(first!.refreshToken)).toBe(false);
    expect(fake.isRefreshTokenActive(all[0]!.refreshToken)).toBe(true);
    expect(fake.counts.revokes).toBe(1);
  });
});
