import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { createCircuitBreakers } from '../../src/zoho/circuit-breaker.ts';

/** A host whose next answers the test sets: a status, or a hang (never answers). */
async function startHost() {
  const state = { status: 200, hang: false, hits: 0, retryAfter: undefined as string | undefined };
  const server: Server = createServer((req, res) => {
    state.hits++;
    if (state.hang) return;
    res.writeHead(state.status, { 'content-type': 'application/json', ...(state.retryAfter ? { 'retry-after': state.retryAfter } : {}) });
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
}

describe('circuit breakers per Zoho host', () => {
  let a: Awaited<ReturnType<typeof startHost>>;
  let b: Awaited<ReturnType<typeof startHost>>;
  beforeAll(async () => {
    a = await startHost();
    b = await startHost();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  function setup() {
    let clock = 1_000_000;
    const breakers = createCircuitBreakers({ failureThreshold: 5, openMs: 2_000, now: () => clock });
    const crm = breakers.wrap('crm');
    const call = (url: string, init?: RequestInit) => crm(`${url}/crm/v8/org`, init).then((r) => r.status, (e: unknown) => e);
    return { breakers, crm, call, advance: (ms: number) => (clock += ms) };
  }
  const reset = (status = 200) => {
    for (const h of [a, b]) Object.assign(h, { status, hang: false, hits: 0, retryAfter: undefined });
  };

  it('opens after five failures in a row and then answers at once with ZOHO_UNAVAILABLE and Retry-After', async () => {
    reset(503);
    const { call } = setup();
    for (let i = 0; i < 5; i++) expect(await call(a.url)).toBe(503);
    const refused = await call(a.url);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'ZOHO_UNAVAILABLE', retryAfter: 2, details: { reason: 'circuit_open', service: 'crm' } });
    expect(a.hits).toBe(5);
  });

  it('never opens on 4xx answers (a rate limit included), and a success resets the count', async () => {
    reset();
    const { call } = setup();
    for (const status of [400, 401, 404, 429, 400, 404, 429, 400]) {
      a.status = status;
      expect(await call(a.url)).toBe(status);
    }
    a.status = 500;
    for (let i = 0; i < 4; i++) await call(a.url);
    a.status = 200;
    await call(a.url);
    a.status = 500;
    for (let i = 0; i < 4; i++) expect(await call(a.url)).toBe(500);
    expect(a.hits).toBe(17);
  });

  it('lets exactly one probe through once open time has passed; its success closes the breaker', async () => {
    reset(502);
    const { call, advance } = setup();
    for (let i = 0; i < 5; i++) await call(a.url);
    advance(2_000);
    a.status = 200;
    a.hits = 0;
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(a.url)));
    expect(a.hits).toBe(1);
    expect(answers.filter((x) => x === 200)).toHaveLength(1);
    expect(answers.filter((x) => x instanceof AppError)).toHaveLength(5);
    expect(await call(a.url)).toBe(200);
    expect(a.hits).toBe(2);
  });

  it('opens again when the probe fails, for as long as Zoho\'s Retry-After asks', async () => {
    reset(503);
    const { call, advance } = setup();
    for (let i = 0; i < 5; i++) await call(a.url);
    advance(2_000);
    a.retryAfter = '10';
    expect(await call(a.url)).toBe(503);
    advance(5_000);
    expect(await call(a.url)).toMatchObject({ code: 'ZOHO_UNAVAILABLE', retryAfter: 5 });
    expect(a.hits).toBe(6);
  });

  it('keeps hosts apart, and a service apart from another on the same host', async () => {
    reset(503);
    const { breakers, call } = setup();
    for (let i = 0; i < 5; i++) await call(a.url);
    expect(await call(a.url)).toBeInstanceOf(AppError);
    b.status = 200;
    expect(await call(b.url)).toBe(200);
    a.status = 200;
    const accounts = breakers.wrap('accounts');
    expect((await accounts(`${a.url}/oauth/v2/token`, { method: 'POST' })).status).toBe(200);
  });

  it('counts a timeout as a failure and a caller who gave up as nothing', async () => {
    reset();
    a.hang = true;
    const { call } = setup();
    for (let i = 0; i < 6; i++) {
      const gaveUp = new AbortController();
      setTimeout(() => gaveUp.abort(new AppError('ABORTED', 'The client went away.')), 20);
      expect(await call(a.url, { signal: gaveUp.signal })).toMatchObject({ name: 'AppError', code: 'ABORTED' });
    }
    for (let i = 0; i < 5; i++) await call(a.url, { signal: AbortSignal.timeout(20) });
    expect(a.hits).toBe(11);
    expect(await call(a.url)).toMatchObject({ code: 'ZOHO_UNAVAILABLE' });
  });
});
