import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zohoConnections } from '../../src/db/schema.ts';
import { randomBytes } from 'node:crypto';
import { createTokenCipher, TokenDecryptError } from '../../src/crypto/token-cipher.ts';
import { ConnectionStore } from '../../src/zoho/connection-store.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const nowSec = () => Math.floor(Date.now() / 1000);

describe.each(testDatabases())('the retrieval chain on $name', (database) => {
  let fake: FakeZoho;
  let t: TestRuntime;
  let drop: () => Promise<void>;
  let dbOptions: ReturnType<typeof database.create>['options'];

  beforeAll(async () => {
    fake = await startFakeZoho();
    fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555', '556'] });
    fake.addUser({ zuid: '70003', email: 'nodesk@example.com', orgId: '9003', deskOrgIds: [] });
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    const db = database.create();
    drop = db.drop;
    dbOptions = db.options;
    t = await startTestRuntime({ fake, database: db.options });
    fake.tokenEndpoint.mode = 'ok';
    fake.tokenEndpoint.delayMs = 0;
    await connectThroughOAuth(t, fake, 'alice', '70001');
    fake.reset();
  });
  afterEach(async () => {
    await t.close();
    await drop();
  });

  const db = () => t.runtime.database.db;
  const expireIn = (seconds: number) => db().update(zohoConnections).set({ tokenExpiresAt: nowSec() + seconds });
  const reasonOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e) => e.code as string);

  it('keeps tokens out of the raw row and binds each ciphertext to its owner', async () => {
    const [conn] = await t.runtime.store.listForUser('alice');
    const raw = await db().execute(sql`select * from zoho_connections`);
    const dump = JSON.stringify(raw);
    expect(dump).not.toContain(conn!.accessToken);
    expect(dump).not.toContain(conn!.refreshToken);
    expect(dump).not.toContain(conn!.accessToken.split('.')[1]!);
    await connectThroughOAuth(t, fake, 'mallory', '70001');
    const [mallory] = await db().select().from(zohoConnections).where(eq(zohoConnections.appUserId, 'mallory'));
    const [alice] = await db().select().from(zohoConnections).where(eq(zohoConnections.appUserId, 'alice'));
    await db().update(zohoConnections).set({ accessTokenEnc: alice!.accessTokenEnc }).where(eq(zohoConnections.id, mallory!.id));
    await expect(t.runtime.store.listForUser('mallory')).rejects.toBeInstanceOf(TokenDecryptError);
  });

  it('tells what the current connection grants without opening its tokens', async () => {
    const current = (await t.runtime.store.findCurrentForUser('alice'))!;
    expect(current.scopes.length).toBeGreaterThan(0);
    expect(await t.runtime.store.findCurrentGrantForUser('alice')).toEqual({ status: 'active', scopes: current.scopes });
    // It reads neither token: one that no longer opens does not stop it.
    await db().update(zohoConnections).set({ accessTokenEnc: 'v1.x.y.z.w', status: 'needs_reconnect' }).where(eq(zohoConnections.id, current.id));
    expect(await t.runtime.store.findCurrentGrantForUser('alice')).toEqual({ status: 'needs_reconnect', scopes: current.scopes });
    expect(await t.runtime.store.findCurrentGrantForUser('nobody')).toBeUndefined();
  });

  it('refreshes a token 60 s before expiry and writes it back before returning', async () => {
    await expireIn(60);
    const before = (await t.runtime.store.listForUser('alice'))[0]!;
    const conn = await t.runtime.resolver.getZohoConnection('alice');
    expect(fake.counts.refreshes).toBe(1);
    expect(conn.accessToken).not.toBe(before.accessToken);
    expect(conn.tokenExpiresAt).toBeGreaterThan(nowSec() + 3000);
    const stored = (await t.runtime.store.listForUser('alice'))[0]!;
    expect(stored.accessToken).toBe(conn.accessToken);
  });

  it('does not refresh a token 300 s before expiry', async () => {
    await expireIn(300);
    await t.runtime.resolver.getZohoConnection('alice');
    expect(fake.counts.refreshes).toBe(0);
  });

  it('refreshes once when fifty callers race in one process', async () => {
    await expireIn(10);
    fake.tokenEndpoint.delayMs = 100;
    const results = await Promise.all(Array.from({ length: 50 }, () => t.runtime.resolver.getZohoConnection('alice')));
    expect(fake.counts.refreshes).toBe(1);
    expect(new Set(results.map((c) => c.accessToken)).size).toBe(1);
  });

  it.runIf(database.name === 'postgres')('refreshes once when fifty callers race across two instances', async () => {
    const other = await startTestRuntime({ fake, database: dbOptions, encryptionKey: t.encryptionKey });
    try {
      await expireIn(10);
      fake.tokenEndpoint.delayMs = 150;
      const calls = Array.from({ length: 50 }, (_, i) => (i % 2 ? t : other).runtime.resolver.getZohoConnection('alice'));
      const results = await Promise.all(calls);
      expect(fake.counts.refreshes).toBe(1);
      expect(new Set(results.map((c) => c.accessToken)).size).toBe(1);
    } finally {
      await other.close();
    }
  });

  it.each(['invalid_grant', 'invalid_code'] as const)('marks the connection as needing reconnect on %s', async (mode) => {
    await expireIn(10);
    fake.tokenEndpoint.mode = mode;
    expect(await reasonOf(t.runtime.resolver.getZohoConnection('alice'))).toBe('ZOHO_RECONNECT_REQUIRED');
    const [conn] = ((await (await t.request('/api/connections', { user: 'alice' })).json()) as any).connections;
    expect(conn.status).toBe('needs_reconnect');
    expect(await reasonOf(t.runtime.resolver.getZohoConnection('alice'))).toBe('ZOHO_RECONNECT_REQUIRED');
    expect(fake.counts.refreshes).toBe(1);
  });

  it('treats a throttled refresh as a rate limit and keeps the connection', async () => {
    await expireIn(10);
    fake.tokenEndpoint.mode = 'access_denied';
    expect(await reasonOf(t.runtime.resolver.getZohoConnection('alice'))).toBe('ZOHO_RATE_LIMITED');
    expect((await t.runtime.store.listForUser('alice'))[0]!.status).toBe('active');
    fake.tokenEndpoint.mode = 'ok';
    await t.runtime.resolver.getZohoConnection('alice');
    expect(fake.counts.refreshes).toBe(2);
  });

  it('treats an answer without access_token as an upstream failure, not a dead connection', async () => {
    await expireIn(10);
    fake.tokenEndpoint.mode = 'no_access_token';
    expect(await reasonOf(t.runtime.resolver.getZohoConnection('alice'))).toBe('ZOHO_UNAVAILABLE');
    expect((await t.runtime.store.listForUser('alice'))[0]!.status).toBe('active');
  });

  it('refreshes once and retries when Zoho rejects the access token with 401', async () => {
    fake.expireAccessTokens();
    const api = await t.runtime.getZohoApi('alice', 'crm');
    const org = await api.client.getOrg();
    expect(org.org[0].id).toBe('9001');
    expect(fake.counts.refreshes).toBe(1);
    expect(fake.requestsTo('/crm/v8/org')).toHaveLength(2);
  });

  it('marks the connection as needing reconnect when Zoho rejects the refreshed token too', async () => {
    const invalid = { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' };
    fake.inject({ path: '/crm/v8/org', status: 401, body: invalid, times: 2 });
    const api = await t.runtime.getZohoApi('alice', 'crm');
    expect(await reasonOf(api.client.getOrg())).toBe('ZOHO_RECONNECT_REQUIRED');
    expect(fake.counts.refreshes).toBe(1);
    expect((await t.runtime.store.listForUser('alice'))[0]!.status).toBe('needs_reconnect');
  });

  it('discovers the Desk org id once, keeps it and sends it on every Desk call', async () => {
    const desk = await t.runtime.getZohoApi('alice', 'desk');
    await desk.client.listDepartments({});
    const again = await t.runtime.getZohoApi('alice', 'desk');
    await again.client.listDepartments({});
    expect(fake.requestsTo('/api/v1/organizations')).toHaveLength(1);
    expect((await t.runtime.store.listForUser('alice'))[0]!.deskOrgId).toBe('555');
    const calls = fake.requestsTo('/api/v1/departments');
    expect(calls.map((r) => r.headers.orgid)).toEqual(['555', '555']);
  });

  it('raises a clear error when the account has no Desk organization', async () => {
    await connectThroughOAuth(t, fake, 'carol', '70003');
    const error = await t.runtime.getZohoApi('carol', 'desk').catch((e) => e);
    expect(error.code).toBe('ZOHO_NOT_CONNECTED');
    expect(error.details.reason).toBe('no_desk_org');
  });

  it('lets the user connect again after the encryption key changed', async () => {
    const rotated = new ConnectionStore(db(), createTokenCipher(randomBytes(32)));
    await expect(rotated.listForUser('alice')).rejects.toBeInstanceOf(TokenDecryptError);
    const [old] = await t.runtime.store.listForUser('alice');
    const { connection, replacedRefreshToken } = await rotated.upsert({
      appUserId: 'alice', zohoUserId: old!.zohoUserId, zohoOrgId: old!.zohoOrgId, dc: old!.dc, accountsServer: old!.accountsServer,
      apiDomain: old!.apiDomain, accessToken: 'new-access', refreshToken: 'new-refresh', tokenExpiresAt: nowSec() + 3600, scopes: old!.scopes,
    });
    expect(connection).toMatchObject({ id: old!.id, accessToken: 'new-access', status: 'active' });
    expect(replacedRefreshToken).toBeUndefined();
  });

  it('raises ZOHO_NOT_CONNECTED with the connect URL for a user without a connection', async () => {
    const error = await t.runtime.resolver.getZohoConnection('nobody').catch((e) => e);
    expect(error.code).toBe('ZOHO_NOT_CONNECTED');
    expect(error.details.connectUrl).toBe('/api/connections/zoho');
  });
});
