import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { connectThroughOAuth, startTestRuntime, TEST_JWT_SECRET, type TestRuntime } from '../support/test-runtime.ts';

describe.each(testDatabases())('connections API on $name', (database) => {
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
    await connectThroughOAuth(t, fake, 'alice', '70001');
    await connectThroughOAuth(t, fake, 'bob', '70002');
    fake.reset();
  });
  afterEach(async () => {
    await t.close();
    await drop();
  });

  const list = async (user: string) => ((await (await t.request('/api/connections', { user })).json()) as any).connections as any[];

  it('answers /health without auth once the database answers', async () => {
    const res = await t.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('lists only the caller\'s connections, in the documented shape and without tokens', async () => {
    const [mine] = await list('alice');
    expect(Object.keys(mine).sort()).toEqual(
      ['createdAt', 'crmOrgId', 'dc', 'deskOrgId', 'email', 'id', 'status', 'updatedAt', 'zohoUserId'].sort(),
    );
    expect(mine.email).toBe('ada@example.com');
    expect((await list('bob')).map((c) => c.email)).toEqual(['bob@example.com']);
    expect(await list('carol')).toEqual([]);
  });

  it('does not let a user delete another user\'s connection', async () => {
    const [bobs] = await list('bob');
    const res = await t.request(`/api/connections/${bobs.id}`, { method: 'DELETE', user: 'alice' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.code).toBe('NOT_FOUND');
    expect(await list('bob')).toHaveLength(1);
    expect(fake.counts.revokes).toBe(0);
  });

  it('revokes the refresh token at Zoho, then deletes the connection', async () => {
    const [mine] = await list('alice');
    const stored = (await t.runtime.store.listForUser('alice'))[0]!;
    const res = await t.request(`/api/connections/${mine.id}`, { method: 'DELETE', user: 'alice' });
    expect(res.status).toBe(204);
    expect(fake.isRefreshTokenActive(stored.refreshToken)).toBe(false);
    expect(await list('alice')).toEqual([]);
    expect(await list('bob')).toHaveLength(1);
  });

  it('keeps the connection when Zoho cannot revoke it, so no live token is forgotten', async () => {
    const [mine] = await list('alice');
    fake.inject({ path: '/oauth/v2/token/revoke', status: 503, body: 'unavailable', times: 1 });
    const res = await t.request(`/api/connections/${mine.id}`, { method: 'DELETE', user: 'alice' });
    expect(res.status).toBe(502);
    expect(await list('alice')).toHaveLength(1);
  });

  it.each([
    ['no header', undefined],
    ['a malformed token', 'Bearer not-a-jwt'],
    ['a token signed with another secret', 'other'],
    ['an expired token', 'expired'],
    ['a token without sub', 'nosub'],
  ])('refuses %s with 401 UNAUTHORIZED', async (_label, kind) => {
    const key = (s: string) => new TextEncoder().encode(s);
    const header =
      kind === 'other' ? `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').sign(key('x'.repeat(40)))}`
      : kind === 'expired' ? `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime(Math.floor(Date.now() / 1000) - 10).sign(key(TEST_JWT_SECRET))}`
      : kind === 'nosub' ? `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(key(TEST_JWT_SECRET))}`
      : kind;
    const res = await t.request('/api/connections', { headers: header ? { authorization: header } : {} });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('UNAUTHORIZED');
  });

  it('answers a bad connect body with 400 naming the field', async () => {
    const res = await t.request('/api/connections/zoho', { method: 'POST', user: 'alice', body: JSON.stringify({ dc: 'mars' }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('INVALID_REQUEST');
    expect(body.error.message).toContain('dc');
    const broken = await t.request('/api/connections/zoho', { method: 'POST', user: 'alice', body: '{"dc":' });
    expect(broken.status).toBe(400);
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const res = await t.request('/api/nothing-here', { user: 'alice' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.code).toBe('NOT_FOUND');
  });
});
