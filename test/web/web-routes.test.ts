// The server side of the chat page: static files with the CSP, the vendored libraries (an allowlist),
// and the development sign-in (off in production).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CSP } from '../../src/http/routes/web.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

describe('web routes', () => {
  let fake: FakeZoho;
  let dev: TestRuntime;
  let prod: TestRuntime;
  const drops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    fake = await startFakeZoho();
    const a = testDatabases()[0]!.create();
    const b = testDatabases()[0]!.create();
    drops.push(a.drop, b.drop);
    dev = await startTestRuntime({ fake, database: a.options });
    prod = await startTestRuntime({ fake, database: b.options, env: { NODE_ENV: 'production' } });
  });
  afterAll(async () => {
    await dev?.close();
    await prod?.close();
    for (const drop of drops) await drop();
    await fake?.close();
  });

  const login = (t: TestRuntime, body: string) =>
    t.request('/auth/dev-login', { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('serves the page with the CSP, nosniff and the sign-in mode', async () => {
    const res = await dev.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("default-src 'self'; img-src 'self' data:; connect-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('data-dev-login="on"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(await (await prod.request('/')).text()).toContain('data-dev-login="off"');
  });

  it('serves the page files and only the listed vendor files', async () => {
    const js = await dev.request('/app/main.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await dev.request('/app/style.css')).headers.get('content-type')).toContain('text/css');
    for (const name of ['marked.esm.js', 'purify.es.mjs', 'eventsource-parser.js']) {
      const res = await dev.request(`/vendor/${name}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/javascript');
      expect(await res.text()).toMatch(/export\s*\{/);
    }
    for (const path of ['/vendor/package.json', '/vendor/..%2F..%2Fpackage.json', '/vendor/toString', '/app/..%2F..%2Fpackage.json',
      '/app/nothing.js', '/app/main.ts', '/app/.hidden.js']) {
      const res = await dev.request(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as any).error.code).toBe('NOT_FOUND');
    }
  });

  it('issues a 12-hour token for a valid user name outside production', async () => {
    const res = await login(dev, JSON.stringify({ user: 'ada.lovelace@example-1' }));
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(payload.sub).toBe('ada.lovelace@example-1');
    expect(payload.exp - payload.iat).toBe(12 * 3600);
    const list = await dev.request('/api/connections', { headers: { authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
  });

  it('answers 400 naming the field for a bad user name', async () => {
    for (const body of [{ user: '' }, { user: 'a'.repeat(65) }, { user: 'bad name' }, { user: '<script>' }, {}, { user: 'ok', extra: 1 }]) {
      const res = await login(dev, JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = (await res.json()) as any;
      expect(error.code).toBe('INVALID_REQUEST');
      expect(error.details.fields.map((f: any) => f.field).join(',')).toMatch(/user|\(body\)/);
    }
    expect((await login(dev, '{not json')).status).toBe(400);
  });

  it('is off in production: 404', async () => {
    const res = await login(prod, JSON.stringify({ user: 'ada' }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error.code).toBe('NOT_FOUND');
  });
});
