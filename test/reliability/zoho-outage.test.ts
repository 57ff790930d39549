import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zohoConnections } from '../../src/db/schema.ts';
import { testDatabases } from '../support/databases.ts';
import type { FakeZoho } from '../support/fake-zoho.ts';
import type { TestRuntime } from '../support/test-runtime.ts';
import { sendRecorded, sleep, steadyLoad } from './steady-load.ts';
import { startZohoRig, type ZohoRig } from './zoho-rig.ts';

/** The breakers' open time here (2 s by default: src/zoho/circuit-breaker.ts). */
const OPEN_MS = 400;
const ALL = /./;

describe.each(testDatabases())('Zoho failing for every user of a host ($name)', (database) => {
  let rig: ZohoRig;
  let fake: FakeZoho;
  let t: TestRuntime;

  beforeAll(async () => {
    rig = await startZohoRig(database.create(), { circuitOpenMs: OPEN_MS });
    ({ fake, t } = rig);
  });
  afterAll(() => rig.close());
  beforeEach(async () => {
    fake.clearFaults();
    await sleep(OPEN_MS + 100); // any breaker a test opened lets its probe through again
    await call('alice'); // the probe: every breaker closed before the next test
    fake.reset();
  });

  const call = (user: string, tool = 'crm_get_org', params = {}) =>
    sendRecorded(t, user, `/api/tools/${tool}`, { method: 'POST', body: JSON.stringify({ params }) });
  const zohoAttempts = (from: number, to: number, path: RegExp = /^\/crm\//) =>
    fake.requests.filter((r) => path.test(r.path) && r.at >= from && r.at <= to).length;

  it('stops sending after a run of failures: another user of the host is answered at once, without a request', async () => {
    fake.inject({ path: ALL, status: 503, body: { code: 'INTERNAL_ERROR', message: 'Service Unavailable', status: 'error' }, times: 1_000_000 });
    for (let i = 0; i < 3; i++) expect((await call('alice')).status).toBe(502);
    const sent = fake.requestsTo('/crm/v8/org').length;
    const bob = await call('bob');
    expect(bob).toMatchObject({ status: 502, code: 'ZOHO_UNAVAILABLE' });
    expect(Number(bob.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(fake.requestsTo('/crm/v8/org')).toHaveLength(sent);
  });

  it('keeps sending when Zoho answers 4xx, however many', async () => {
    fake.inject({ path: '/crm/v8/org', status: 404, body: { code: 'INVALID_URL_PATTERN', message: 'Please check if the URL trying to access is a correct one', status: 'error' }, times: 12 });
    for (let i = 0; i < 12; i++) expect((await call(i % 2 ? 'alice' : 'bob')).status).toBe(404);
    expect((await call('bob')).status).toBe(200);
    expect(fake.requestsTo('/crm/v8/org')).toHaveLength(13);
  });

  it('covers the token endpoint on its own: refreshes stop reaching a failing Accounts host, API calls go on', async () => {
    fake.inject({ path: '/oauth/v2/token', status: 503, body: 'Service Unavailable', times: 1_000_000 });
    const expireAlice = () => t.runtime.database.db.update(zohoConnections).set({ tokenExpiresAt: 0 }).where(eq(zohoConnections.appUserId, 'alice'));
    await expireAlice();
    for (let i = 0; i < 5; i++) expect(await call('alice')).toMatchObject({ status: 502, code: 'ZOHO_UNAVAILABLE' });
    expect(fake.counts.refreshes).toBe(5);
    const refused = await call('alice');
    expect(refused).toMatchObject({ status: 502, code: 'ZOHO_UNAVAILABLE' });
    expect(refused.retryAfter).not.toBeNull();
    expect(fake.counts.refreshes).toBe(5);
    expect((await call('bob')).status).toBe(200);
    fake.clearFaults();
    await sleep(OPEN_MS + 100);
    expect((await call('alice')).status).toBe(200);
    expect(fake.counts.refreshes).toBe(6);
  });

  it('makes at most 1.2 Zoho attempts per inbound call while Zoho answers 503 under load, and recovers after', async () => {
    const load = steadyLoad(20, (i) => call(i % 2 ? 'alice' : 'bob'));
    await sleep(600);
    const downAt = Date.now();
    fake.inject({ path: ALL, status: 503, body: { code: 'INTERNAL_ERROR', message: 'Service Unavailable', status: 'error' }, times: 1_000_000 });
    await sleep(2_000);
    fake.clearFaults();
    const upAt = Date.now();
    await sleep(OPEN_MS + 1_500);
    const answers = await load.stop();

    const inbound = answers.filter((a) => a.startedAt >= downAt && a.startedAt < upAt);
    expect(inbound.length).toBeGreaterThan(15);
    // Before: 161 calls made 483 attempts (3.0x): every call retried three times into the outage.
    const ratio = zohoAttempts(downAt, upAt) / inbound.length;
    console.log(`Zoho down: ${inbound.length} calls, ${zohoAttempts(downAt, upAt)} Zoho attempts (${ratio.toFixed(2)} per call)`);
    expect(ratio).toBeLessThanOrEqual(1.2);
    expect(answers.every((a) => a.status === 200 || (a.status === 502 && a.code === 'ZOHO_UNAVAILABLE'))).toBe(true);
    expect(inbound.filter((a) => a.status === 502).every((a) => a.retryAfter !== null || a.startedAt < downAt + 1_000)).toBe(true);
    const recovered = answers.filter((a) => a.startedAt > upAt + OPEN_MS + 500);
    expect(recovered.length).toBeGreaterThan(5);
    expect(recovered.every((a) => a.status === 200)).toBe(true);
  });
});
