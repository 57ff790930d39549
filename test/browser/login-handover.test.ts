// Login handovers through the API: what a client and the live-view page see, without a user's browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApp } from '../support/serve.ts';
import { ADA, BOB, chromiumOrSkip, startBrowserRig, type BrowserRig } from './rig.ts';

interface Started { loginId: string; viewUrl: string; expiresAt: string; token: string }

(chromiumOrSkip('login-handover') ? describe : describe.skip)('login handovers', () => {
  let rig: BrowserRig;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let clock = 0;

  beforeAll(async () => {
    rig = await startBrowserRig({ now: () => Date.now() + clock });
    await rig.connect(ADA);
    server = await serveApp(rig.t.runtime.app);
  });
  afterAll(async () => {
    await server?.close();
    await rig?.close();
  });

  async function start(user: string, body: object = {}): Promise<Started> {
    const res = await rig.t.request('/api/browser/login', { method: 'POST', user, body: JSON.stringify(body) });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const json = (await res.json()) as Omit<Started, 'token'>;
    return { ...json, token: json.viewUrl.split('#')[1]! };
  }
  const status = async (user: string, loginId: string) => {
    const res = await rig.t.request(`/api/browser/login/${loginId}`, { user });
    return { code: res.status, body: (await res.json()) as any };
  };
  /** The first events of a live-view stream, then the client goes away. */
  async function firstEvents(login: Started, token: string, count: number): Promise<Array<{ event: string; data: any }>> {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/browser-login/${login.loginId}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    if (!res.ok) return [{ event: `http ${res.status}`, data: await res.json() }];
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const events: Array<{ event: string; data: any }> = [];
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      let cut: number;
      while ((cut = text.indexOf('\n\n')) >= 0) {
        const block = text.slice(0, cut);
        text = text.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
    controller.abort();
    return events;
  }
  const input = (login: Started, token: string, body: unknown) =>
    fetch(`${server.url}/browser-login/${login.loginId}/input`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });

  it('starts a handover on Zoho\'s sign-in page of the user\'s DC, bound to that user', async () => {
    const login = await start(ADA.user);
    expect(login.viewUrl).toMatch(/^\/browser-login\/[A-Za-z0-9_-]{16,}#[A-Za-z0-9_-]{40,}$/);
    expect(Date.parse(login.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(await status(ADA.user, login.loginId)).toEqual({ code: 200, body: { status: 'waiting' } });
    expect((await status(BOB.user, login.loginId)).code).toBe(404);
    expect((await status(ADA.user, 'not-an-id!')).code).toBe(404);
    expect(rig.web.hitsTo('accounts', '/signin').length).toBeGreaterThan(0);
  });

  it('serves the live view with a strict CSP, no caching and no Referer', async () => {
    const login = await start(ADA.user);
    const res = await fetch(`${server.url}/browser-login/${login.loginId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).not.toContain(login.token);
    expect((await fetch(`${server.url}/browser-login/assets/live-view.js`)).status).toBe(200);
    expect((await fetch(`${server.url}/browser-login/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('streams the page\'s frames to the holder of the view token only', async () => {
    const login = await start(ADA.user);
    const [first, second] = await firstEvents(login, login.token, 2);
    expect(first).toEqual({ event: 'status', data: { status: 'waiting', expiresAt: login.expiresAt } });
    expect(second!.event).toBe('frame');
    expect(Buffer.from(second!.data.data, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(second!.data).toMatchObject({ width: 1280, height: 800 });
    const wrong = login.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await firstEvents(login, wrong, 1))[0]!.event).toBe('http 404');
    expect((await fetch(`${server.url}/browser-login/${login.loginId}/events`)).status).toBe(404);
  });

  it('takes well-formed input only, and says what was wrong without echoing it', async () => {
    const login = await start(ADA.user);
    expect((await input(login, login.token, { events: [{ type: 'click', x: 100, y: 200 }, { type: 'text', text: 'hello' }, { type: 'key', key: 'Tab' }] })).status).toBe(204);
    const bad = await input(login, login.token, { events: [{ type: 'text', text: 'x'.repeat(600) }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).not.toContain('xxxx');
    expect((await input(login, login.token, { events: [{ type: 'key', key: 'F12' }] })).status).toBe(400);
    expect((await input(login, login.token, { events: [{ type: 'click', x: 5000, y: 1 }] })).status).toBe(400);
    expect((await input(login, login.token, { events: [{ type: 'text', text: 'x'.repeat(400) }], pad: 'y'.repeat(20_000) })).status).toBe(413);
    expect((await input(login, 'A'.repeat(43), { events: [{ type: 'key', key: 'Tab' }] })).status).toBe(404);
    expect(rig.t.logger.lines.join('\n')).not.toContain('hello');
  });

  it('ends an earlier handover when the user starts a new one: each is used once', async () => {
    const older = await start(ADA.user);
    const newer = await start(ADA.user);
    expect((await status(ADA.user, older.loginId)).body).toEqual({ status: 'failed', message: 'A newer sign-in was started.' });
    expect(await firstEvents(older, older.token, 1)).toEqual([{ event: 'status', data: { status: 'failed', message: 'A newer sign-in was started.' } }]);
    expect((await input(older, older.token, { events: [{ type: 'key', key: 'Tab' }] })).status).toBe(400);
    expect((await status(ADA.user, newer.loginId)).body.status).toBe('waiting');
  });

  it('expires a handover that is not finished in time', async () => {
    const login = await start(ADA.user);
    clock += 601_000;
    try {
      expect((await status(ADA.user, login.loginId)).body).toEqual({ status: 'expired', message: 'The sign-in was not finished in time.' });
      expect((await firstEvents(login, login.token, 1))[0]).toEqual({ event: 'status', data: { status: 'expired', message: 'The sign-in was not finished in time.' } });
    } finally {
      clock = 0;
    }
  });

  it('picks the DC the caller names, and refuses one it does not know', async () => {
    expect((await rig.t.request('/api/browser/login', { method: 'POST', user: ADA.user, body: JSON.stringify({ dc: 'mars' }) })).status).toBe(400);
    const login = await start(ADA.user, { dc: 'eu' });
    expect((await status(ADA.user, login.loginId)).body.status).toBe('waiting');
  });
});
