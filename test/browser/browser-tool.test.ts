// browser_navigate_and_screenshot in Debian's Chromium against the fake Zoho web UI.
import { readdirSync, readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSessionStore } from '../../src/browser/session-store.ts';
import { createTokenCipher } from '../../src/crypto/token-cipher.ts';
import { toolCalls } from '../../src/db/schema.ts';
import { readSse, serveApp } from '../support/serve.ts';
import { ADA, BOB, chromiumOrSkip, startBrowserRig, TOOL, type BrowserRig } from './rig.ts';

/** The Chromium browser processes this test process started (the runtime's, in process here). */
function chromiumChildren(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === process.pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--remote-debugging-pipe');
    } catch {
      return false;
    }
  }).map(Number);
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  let i = 2;
  while (i < bytes.length) {
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xc2) return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    i += 2 + length;
  }
  throw new Error('no SOF marker');
}

(chromiumOrSkip('browser-tool') ? describe : describe.skip)('browser_navigate_and_screenshot', () => {
  let rig: BrowserRig;

  beforeAll(async () => {
    rig = await startBrowserRig({ env: { BROWSER_CALL_TIMEOUT_MS: '6000' } });
    await rig.connect(ADA);
    await rig.connect(BOB);
  });
  afterAll(async () => {
    await rig?.close();
  });

  const call = async (user: string, params: Record<string, unknown>) => {
    const res = await rig.callTool(user, params);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('fails with BROWSER_LOGIN_REQUIRED and action_required while the user has no Zoho web session', async () => {
    const before = rig.web.hits.length;
    const json = await call(ADA.user, { app: 'crm' });
    expect(json.status).toBe(409);
    expect(json.body.error).toMatchObject({ code: 'BROWSER_LOGIN_REQUIRED', details: { url: '/api/browser/login' } });
    const events = await readSse(await rig.callTool(ADA.user, { app: 'crm' }, { sse: true }));
    expect(events.map((e) => e.event)).toEqual(['status', 'tool_result', 'action_required', 'error']);
    expect(events[2]!.data).toEqual({ code: 'browser_login_required', message: expect.stringContaining('sign in'), url: '/api/browser/login', method: 'POST' });
    expect(rig.web.hits.length).toBe(before);
    expect(rig.t.runtime.browser.stats().chromium).toBe(false);
  });

  it('returns the record page\'s URL, title, a 1280x800 screenshot and a text summary', async () => {
    expect((await rig.importSession(ADA)).status).toBe(200);
    const { status, body } = await call(ADA.user, { app: 'crm', path: `/crm/tab/Leads/${rig.leadId}` });
    expect(status).toBe(200);
    expect(body.result).toMatchObject({
      url: `${rig.web.crmUrl}/crm/org9001/tab/Leads/${rig.leadId}`,
      title: 'Ada Lovelace - Leads - Zoho CRM',
      screenshot: { id: expect.any(String), url: `/api/browser/screenshots/${body.result.screenshot.id}`, width: 1280, height: 800 },
    });
    expect(body.result.summary).toContain('Signed in as ada@example.com');
    expect(body.result.summary).toContain('Analytical Engines Ltd');
    const image = await rig.t.request(body.result.screenshot.url, { user: ADA.user });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    expect(jpegSize(bytes)).toEqual({ width: 1280, height: 800 });
    expect(bytes.length).toBeLessThanOrEqual(1024 * 1024);
  });

  it('refuses a screenshot to another user, and to no one signed in', async () => {
    const { body } = await call(ADA.user, { app: 'crm' });
    expect((await rig.t.request(body.result.screenshot.url, { user: BOB.user })).status).toBe(404);
    expect((await rig.t.request(body.result.screenshot.url)).status).toBe(401);
    expect((await rig.t.request('/api/browser/screenshots/..%2f..%2fetc', { user: ADA.user })).status).toBe(404);
  });

  it('opens a Desk ticket page on the Desk web host', async () => {
    const [id, ticket] = [...rig.zoho.desk.tickets.entries()][0]!;
    const { status, body } = await call(ADA.user, { app: 'desk', path: `/agent/fakecorp/support/tickets/details/${id}` });
    expect(status).toBe(200);
    expect(body.result.url.startsWith(rig.web.deskUrl)).toBe(true);
    expect(body.result.title).toContain(String(ticket.subject));
  });

  it('logs each call with its URL and never a cookie or page content', async () => {
    await rig.t.runtime.callLog.flush();
    const rows = await rig.t.runtime.database.db.select().from(toolCalls).where(eq(toolCalls.tool, TOOL));
    const ok = rows.filter((r) => r.outcome === 'ok' && r.appUserId === ADA.user);
    expect(ok.map((r) => r.url)).toContain(`${rig.web.crmUrl}/crm/org9001/tab/Leads/${rig.leadId}`);
    const text = JSON.stringify(rows) + rig.t.logger.lines.join('\n');
    expect(text).not.toMatch(/ZFAKE_SESSION/);
    expect(text).not.toContain('Analytical Engines Ltd');
  });

  it('keeps two users\' sessions apart, even when their calls run at once', async () => {
    expect((await rig.importSession(BOB)).status).toBe(200);
    const calls = await Promise.all([ADA, BOB, ADA, BOB].map((p) => call(p.user, { app: 'crm' }).then((r) => ({ p, r }))));
    for (const { p, r } of calls) {
      expect(r.status).toBe(200);
      expect(r.body.result.summary).toContain(`Signed in as ${p.email}`);
      expect(r.body.result.summary).not.toContain(p === ADA ? BOB.email : ADA.email);
    }
    expect(rig.t.runtime.browser.stats().contexts).toBe(2);
  });

  it('uses a session another instance saved meanwhile, not the copy in its open context', async () => {
    expect((await call(ADA.user, { app: 'crm' })).body.result.summary).toContain(`Signed in as ${ADA.email}`);
    // Another instance, sharing the database, stores a new session for Ada (here: one of Bob's web logins).
    const elsewhere = new BrowserSessionStore(rig.t.runtime.database.db, createTokenCipher(Buffer.from(rig.t.encryptionKey, 'base64')));
    await elsewhere.save(ADA.user, 'com', rig.web.storageStateFor(BOB.email) as never);
    expect((await call(ADA.user, { app: 'crm' })).body.result.summary).toContain(`Signed in as ${BOB.email}`);
    expect((await rig.importSession(ADA)).status).toBe(200);
    expect((await call(ADA.user, { app: 'crm' })).body.result.summary).toContain(`Signed in as ${ADA.email}`);
  });

  it('keeps the storage state unreadable in the raw row', async () => {
    const rows = await rig.t.runtime.database.db.execute(sql`select * from browser_sessions`);
    const raw = JSON.stringify(rows);
    expect(raw).toContain('"state_enc":"v1.');
    expect(raw).not.toContain('ZFAKE_SESSION');
    const cookies = rig.web.storageStateFor(ADA.email).cookies.map((c: any) => c.value);
    for (const value of cookies) expect(raw).not.toContain(value);
  });

  it('hits the deadline on a page that never finishes loading, and closes that page', async () => {
    const started = Date.now();
    const { status, body } = await call(ADA.user, { app: 'crm', path: '/crm/tests/never-loads' });
    expect(status).toBe(504);
    expect(body.error.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(12_000);
    const hang = rig.web.hanging.at(-1)!;
    await expect.poll(() => hang.closedAt, { timeout: 3000 }).toBeDefined();
    expect(rig.t.runtime.browser.stats().pages).toBe(0);
  });

  it('closes the page when the caller goes away', async () => {
    const server = await serveApp(rig.t.runtime.app);
    try {
      const controller = new AbortController();
      const response = fetch(`${server.url}/api/tools/${TOOL}`, {
        method: 'POST', signal: controller.signal,
        headers: { authorization: `Bearer ${await rig.t.tokenFor(ADA.user)}`, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ params: { app: 'crm', path: '/crm/tests/never-loads' } }),
      }).then((r) => r.text());
      const open = rig.web.hanging.length;
      await expect.poll(() => rig.web.hanging.length, { timeout: 3000 }).toBe(open + 1);
      const hang = rig.web.hanging.at(-1)!;
      controller.abort();
      await response.catch(() => undefined);
      // Generous waits: on a loaded 2-core machine Chromium can take seconds to close a page.
      await expect.poll(() => hang.closedAt, { timeout: 8000 }).toBeDefined();
      await expect.poll(() => rig.t.runtime.browser.stats().pages, { timeout: 8000 }).toBe(0);
      await rig.t.runtime.callLog.flush();
      const [row] = await rig.t.runtime.database.db.select().from(toolCalls).where(eq(toolCalls.errorCode, 'ABORTED'));
      expect(row?.url).toBe(`${rig.web.crmUrl}/crm/tests/never-loads`);
    } finally {
      await server.close();
    }
  });

  it('launches Chromium again when it died, and the next call works', async () => {
    expect((await rig.importSession(ADA)).status).toBe(200);
    expect((await call(ADA.user, { app: 'crm' })).status).toBe(200);
    const pids = chromiumChildren();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await expect.poll(() => rig.t.runtime.browser.stats().chromium, { timeout: 5000 }).toBe(false);
    const again = await call(ADA.user, { app: 'crm' });
    expect(again.status).toBe(200);
    expect(again.body.result.summary).toContain(`Signed in as ${ADA.email}`);
  });

  it('treats an expired Zoho cookie as signed out: login required again, once, with no retry', async () => {
    rig.web.expireSessions(BOB.email);
    const before = rig.web.hitsTo('crm', '/crm/org9001/tab/Home/begin').length;
    const first = await call(BOB.user, { app: 'crm' });
    expect(first.status).toBe(409);
    expect(first.body).toMatchObject({ ok: false, error: { code: 'BROWSER_LOGIN_REQUIRED' }, attempts: 1 });
    expect(rig.web.hitsTo('crm', '/crm/org9001/tab/Home/begin').length - before).toBe(1);
    expect(rig.web.hitsTo('accounts', '/signin').length).toBeGreaterThan(0);
    expect(await (await rig.t.request('/api/browser/session', { user: BOB.user })).json()).toMatchObject({ status: 'expired', dc: 'com' });
    const hits = rig.web.hits.length;
    const second = await call(BOB.user, { app: 'crm' });
    expect(second.body.error.code).toBe('BROWSER_LOGIN_REQUIRED');
    expect(rig.web.hits.length).toBe(hits);
    // Ada's session is untouched.
    expect((await call(ADA.user, { app: 'crm' })).status).toBe(200);
  });

  it('treats a sign-in form on the app host as signed out too', async () => {
    expect((await rig.importSession(BOB)).status).toBe(200);
    const { status, body } = await call(BOB.user, { app: 'crm', path: '/crm/tests/sign-in-form' });
    expect(status).toBe(409);
    expect(body.error.code).toBe('BROWSER_LOGIN_REQUIRED');
  });

  it('answers the session\'s state and forgets it on DELETE', async () => {
    const active = await (await rig.t.request('/api/browser/session', { user: ADA.user })).json();
    expect(active).toEqual({ status: 'active', dc: 'com', expiresAt: expect.any(String) });
    expect((await rig.t.request('/api/browser/session', { method: 'DELETE', user: ADA.user })).status).toBe(204);
    expect(await (await rig.t.request('/api/browser/session', { user: ADA.user })).json()).toEqual({ status: 'none' });
    expect((await call(ADA.user, { app: 'crm' })).body.error.code).toBe('BROWSER_LOGIN_REQUIRED');
  });

  it('refuses an import without anything for the Zoho hosts, or not in Playwright\'s shape, naming the field', async () => {
    const foreignOnly = { cookies: [{ name: 'x', value: 'y', domain: '.evil.example', path: '/', expires: -1, httpOnly: false, secure: false, sameSite: 'Lax' }], origins: [] };
    const res = await rig.t.request('/api/browser/login', { method: 'POST', user: ADA.user, body: JSON.stringify({ storageState: foreignOnly }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details.fields[0].field).toBe('storageState');
    const bad = await rig.t.request('/api/browser/login', { method: 'POST', user: ADA.user, body: JSON.stringify({ storageState: { cookies: 'no' } }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('storageState.cookies');
  });
});
