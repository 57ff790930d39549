import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zohoConnections } from '../../src/db/schema.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { createConnectionResolver } from '../../src/zoho/connection-resolver.ts';
import { ZohoOAuth } from '../../src/zoho/oauth.ts';
import { testDatabases } from '../support/databases.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import type { TestRuntime } from '../support/test-runtime.ts';
import { sendRecorded, sleep } from './steady-load.ts';
import { startZohoRig, type ZohoRig } from './zoho-rig.ts';

const TOOL_TIMEOUT_MS = 3_000;

describe.each(testDatabases())('Zoho\'s token endpoint hanging ($name)', (database) => {
  let rig: ZohoRig;
  let fake: FakeZoho;
  let t: TestRuntime;

  beforeAll(async () => {
    rig = await startZohoRig(database.create(), { env: { TOOL_TIMEOUT_MS: String(TOOL_TIMEOUT_MS) } });
    ({ fake, t } = rig);
  });
  afterAll(() => rig.close());
  beforeEach(async () => {
    fake.reset();
    await t.runtime.database.db.update(zohoConnections).set({ tokenExpiresAt: 0 }).where(eq(zohoConnections.appUserId, 'alice'));
  });

  const call = () => sendRecorded(t, 'alice', '/api/tools/crm_get_org', { method: 'POST', body: '{"params":{}}' });

  it('answers each call at its own deadline while one refresh goes on, and the next calls use what it got', async () => {
    fake.tokenEndpoint.delayMs = TOOL_TIMEOUT_MS + 1_500;
    const first = await Promise.all(Array.from({ length: 20 }, call));
    // Before: callers waited for the refresh's own 10 s timeout.
    for (const a of first) {
      expect(a).toMatchObject({ status: 504, code: 'TIMEOUT' });
      expect(a.ms).toBeLessThan(TOOL_TIMEOUT_MS + 1_000);
    }
    expect(fake.counts.refreshes).toBe(1);
    const joined = await Promise.all(Array.from({ length: 5 }, call));
    expect(joined.every((a) => a.status === 200)).toBe(true);
    expect(await call()).toMatchObject({ status: 200 });
    expect(fake.counts.refreshes).toBe(1);
    expect(new Set(fake.requestsTo('/crm/v8/org').map((r) => r.headers['authorization'])).size).toBe(1);
  });

  it('gives up on a refresh at its own timeout, one request for the whole storm, and the next storm tries once more', async () => {
    fake.tokenEndpoint.delayMs = 60_000;
    const oauth = new ZohoOAuth({ clientId: fake.clientId, clientSecret: fake.clientSecret, redirectUri: fake.redirectUri, overrides: { accountsUrl: fake.url }, timeoutMs: 400 });
    const resolver = createConnectionResolver({ store: t.runtime.store, clients: { forConnection: () => oauth }, overrides: { accountsUrl: fake.url, apiUrl: fake.url }, logger: createMemoryLogger(), connectUrl: '/api/connections/zoho' });
    const storm = Array.from({ length: 10 }, () => resolver.getZohoConnection('alice', { signal: AbortSignal.timeout(100) }).then(() => 'ok', (e: Error) => e.name));
    expect(await Promise.all(storm)).toEqual(Array(10).fill('TimeoutError'));
    await sleep(600);
    expect(fake.counts.refreshes).toBe(1);
    fake.tokenEndpoint.delayMs = 0;
    const after = await Promise.all(Array.from({ length: 10 }, () => resolver.getZohoConnection('alice')));
    expect(new Set(after.map((c) => c.accessToken)).size).toBe(1);
    expect(fake.counts.refreshes).toBe(2);
  });
});
