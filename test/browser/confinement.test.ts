// Confinement in Chromium: every way off the Zoho hosts is refused and the foreign host hears
// nothing; and the caps: one page and one context at a time here, idle contexts closed after 2 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADA, BOB, chromiumOrSkip, startBrowserRig, type BrowserRig } from './rig.ts';

(chromiumOrSkip('confinement') ? describe : describe.skip)('browser confinement', () => {
  let rig: BrowserRig;

  beforeAll(async () => {
    rig = await startBrowserRig({ env: { BROWSER_MAX_PAGES: '1', BROWSER_MAX_CONTEXTS: '1', BROWSER_IDLE_SECONDS: '2' } });
    await rig.connect(ADA);
    await rig.connect(BOB);
    expect((await rig.importSession(ADA)).status).toBe(200);
    expect((await rig.importSession(BOB)).status).toBe(200);
  });
  afterAll(async () => {
    await rig?.close();
  });

  const call = async (path: string) => {
    const res = await rig.callTool(ADA.user, { app: 'crm', path });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Late requests (a beacon, a retried WebSocket) have had their chance. */
  const quietly = () => new Promise((r) => setTimeout(r, 750));

  it('refuses a path that tries to leave before any browser starts', async () => {
    const hits = rig.web.hits.length;
    for (const path of ['//evil.example', '@evil.example', '/@evil.example', '/../../etc/passwd', '/%2e%2e/%2e%2e/', '/%252F%252Fevil.example',
      '/\\evil.example', 'https://evil.example/', 'file:///etc/passwd', 'data:text/html,x', 'chrome://version', '/crm/%0d%0aX']) {
      const { status, body } = await call(path);
      expect([status, body.error?.code], path).toEqual([422, 'INVALID_PARAMS']);
    }
    expect(rig.t.runtime.browser.stats().chromium).toBe(false);
    expect(rig.web.hits.length).toBe(hits);
    expect(rig.foreign.hits).toEqual([]);
  });

  it('refuses a redirect off the Zoho hosts, directly or after an on-host hop', async () => {
    for (const path of ['/crm/tests/redirect-off-host', '/crm/tests/redirect-chain']) {
      const { status, body } = await call(path);
      expect([status, body.error?.code], path).toEqual([403, 'BROWSER_NAVIGATION_REFUSED']);
      expect(body.error.message).toContain(new URL(rig.foreign.url).host);
    }
    await quietly();
    expect(rig.foreign.hits).toEqual([]);
  });

  it('refuses foreign subresources, fetch, beacons, WebSockets, popups, frames, preconnects and WebRTC', async () => {
    const { status, body } = await call('/crm/tests/foreign-subresource');
    expect(status).toBe(200);
    expect(body.result.title).toBe('Subresources - Zoho CRM');
    expect(body.result.blockedRequests).toBeGreaterThanOrEqual(5);
    await quietly();
    expect(rig.foreign.hits).toEqual([]);
    expect(rig.stun.hits).toBe(0);
  });

  it('refuses a navigation a script starts towards a foreign host', async () => {
    const { status, body } = await call('/crm/tests/script-escape');
    expect([status, body.error?.code]).toEqual([403, 'BROWSER_NAVIGATION_REFUSED']);
    await quietly();
    expect(rig.foreign.hits).toEqual([]);
  });

  it('refuses downloads', async () => {
    const { status, body } = await call('/crm/tests/download');
    expect([status, body.error?.code]).toEqual([403, 'BROWSER_NAVIGATION_REFUSED']);
    expect(body.error.message).toContain('download');
  });

  it('never lets a page take the browser to a local file', async () => {
    const { status, body } = await call('/crm/tests/file-escape');
    if (status === 200) expect(body.result.url).toBe(`${rig.web.crmUrl}/crm/tests/file-escape`);
    else expect(body.error.code).toBe('BROWSER_NAVIGATION_REFUSED');
    expect(JSON.stringify(body)).not.toContain('root:');
  });

  it('queues calls past the page cap and refuses at once when the queue is full', async () => {
    // One page, four waiting: of six calls at once, five run one after another and one is refused.
    const results = await Promise.all(Array.from({ length: 6 }, () => rig.callTool(ADA.user, { app: 'crm' })
      .then(async (res) => ({ status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any }))));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 503, body: { error: { code: 'BROWSER_UNAVAILABLE' } } });
    expect(Number(refused[0]!.retryAfter)).toBeGreaterThan(0);
  });

  it('closes the least recently used idle context to open another user\'s past the context cap', async () => {
    expect((await call('/crm/org9001/tab/Home/begin')).status).toBe(200);
    const bob = await rig.callTool(BOB.user, { app: 'crm' });
    expect(((await bob.json()) as any).result.summary).toContain(`Signed in as ${BOB.email}`);
    expect(rig.t.runtime.browser.stats().contexts).toBe(1);
    expect(((await call('/crm/org9001/tab/Home/begin')).body.result.summary)).toContain(`Signed in as ${ADA.email}`);
  });

  it('closes a context once it has been idle for BROWSER_IDLE_SECONDS', async () => {
    expect((await call('/crm/org9001/tab/Home/begin')).status).toBe(200);
    expect(rig.t.runtime.browser.stats().contexts).toBe(1);
    await expect.poll(() => rig.t.runtime.browser.stats().contexts, { timeout: 5000, interval: 200 }).toBe(0);
    expect((await call('/crm/org9001/tab/Home/begin')).status).toBe(200);
  });

  it('still opens the pages it may', async () => {
    const { status, body } = await call(`/crm/tab/Leads/${rig.leadId}`);
    expect(status).toBe(200);
    expect(body.result.title).toBe('Ada Lovelace - Leads - Zoho CRM');
    expect(body.result.blockedRequests).toBeUndefined();
  });
});
