import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { createKeepAliveAgents } from '../../src/keep-alive-agents.ts';
import { createCircuitBreakers } from '../../src/zoho/circuit-breaker.ts';
import { ZohoApiError } from '../../src/zoho/zoho-api-error.ts';
import { USER_AGENT } from '../../src/user-agent.ts';
import { createZohoHttp } from '../../src/zoho/zoho-http.ts';
import { createNodeZohoTransport } from '../../src/zoho/zoho-transport.ts';
import { fixedToken } from '../support/direct-clients.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A small real server whose handler each test sets; it records each request, its socket and whether it closed unanswered. */
async function startServer() {
  const seen: Array<{ path: string; headers: IncomingMessage['headers']; body: string; closedEarly: boolean }> = [];
  const state = { handler: ((_req, res) => res.end('{}')) as Handler, connections: 0, seen };
  const server: Server = createServer((req, res) => {
    const entry = { path: req.url ?? '', headers: req.headers, body: '', closedEarly: false };
    seen.push(entry);
    req.setEncoding('utf8');
    req.on('data', (part: string) => (entry.body += part));
    res.on('close', () => { if (!res.writableEnded) entry.closedEarly = true; });
    req.on('end', () => state.handler(req, res));
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) });
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const failureOf = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);
const waitFor = async (check: () => boolean, ms = 2000) => {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the Zoho API requests on node:http (createNodeZohoTransport under createZohoHttp)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const agents = createKeepAliveAgents();
  beforeAll(async () => { server = await startServer(); });
  afterEach(() => {
    agents.close();
    server.seen.length = 0;
    server.connections = 0;
  });
  afterAll(() => server.close());

  const http = (extra: { timeoutMs?: number; maxBodyBytes?: number; baseUrl?: string; breakers?: ReturnType<typeof createCircuitBreakers> } = {}) =>
    createZohoHttp({
      app: 'crm',
      baseUrl: extra.baseUrl ?? `${server.url}/crm/v8`,
      tokens: fixedToken('tok'),
      headers: { orgId: '42' },
      timeoutMs: extra.timeoutMs,
      breakers: extra.breakers,
      transport: createNodeZohoTransport(agents, extra.maxBodyBytes),
    });

  it('sends the token, headers, query and JSON body, and reuses one keep-alive socket (204 → null, 200 → the body)', async () => {
    let n = 0;
    server.handler = (_req, res) => (n++ === 0 ? (res.writeHead(204), res.end()) : json(res, 200, { data: [{ id: '1' }] }));
    const call = http();
    expect(await call({ method: 'POST', path: '/Leads', query: { a: 1, skip: undefined }, body: { data: [{ Last_Name: 'X' }] } })).toBeNull();
    expect(await call({ method: 'GET', path: '/Leads' })).toEqual({ data: [{ id: '1' }] });
    expect(server.connections).toBe(1);
    expect(server.seen[0]).toMatchObject({ path: '/crm/v8/Leads?a=1', body: '{"data":[{"Last_Name":"X"}]}' });
    expect(server.seen[0]!.headers).toMatchObject({
      authorization: 'Zoho-oauthtoken tok', orgid: '42', 'content-type': 'application/json', 'content-length': '28', 'user-agent': USER_AGENT,
    });
    expect(server.seen[1]!.headers['content-type']).toBeUndefined();
  });

  it('answers a 3xx as it is, never following it (and it may have applied)', async () => {
    server.handler = (_req, res) => (res.writeHead(302, { location: '/elsewhere' }), res.end());
    const error = await failureOf(http()({ method: 'POST', path: '/Leads', body: {} }));
    expect(error).toBeInstanceOf(ZohoApiError);
    expect(error).toMatchObject({ httpStatus: 302, mayHaveApplied: true });
    expect(server.seen.map((s) => s.path)).toEqual(['/crm/v8/Leads']);
  });

  it('passes Retry-After and the Zoho error of a 429 on', async () => {
    server.handler = (_req, res) => json(res, 429, { code: 'TOO_MANY_REQUESTS', message: 'slow down' }, { 'retry-after': '7' });
    expect(await failureOf(http()({ method: 'GET', path: '/org' }))).toMatchObject({ code: 'ZOHO_RATE_LIMITED', retryAfter: 7, zohoCode: 'TOO_MANY_REQUESTS' });
  });

  it("destroys the request on the caller's abort, so the server sees it closed unanswered", async () => {
    server.handler = () => {};
    const controller = new AbortController();
    const pending = failureOf(http()({ method: 'GET', path: '/org', signal: controller.signal }));
    await waitFor(() => server.seen.length === 1);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'ABORTED' });
    expect((await pending) instanceof ZohoApiError).toBe(false);
    await waitFor(() => server.seen[0]!.closedEarly);
  });

  it('times out with "no answer within", before the headers and while the body is read', async () => {
    server.handler = () => {};
    const before = await failureOf(http({ timeoutMs: 100 })({ method: 'GET', path: '/org' }));
    expect(before).toMatchObject({ httpStatus: 0, zohoMessage: 'no answer within 100 ms', mayHaveApplied: true, code: 'ZOHO_UNAVAILABLE' });
    await waitFor(() => server.seen[0]!.closedEarly);
    server.handler = (_req, res) => (res.writeHead(200, { 'content-type': 'application/json' }), res.write('{"data":'));
    const during = await failureOf(http({ timeoutMs: 100 })({ method: 'GET', path: '/org' }));
    expect(during).toMatchObject({ httpStatus: 0, zohoMessage: 'no answer within 100 ms', mayHaveApplied: true });
  });

  it('says a refused connection never carried the request (mayHaveApplied false)', async () => {
    const gone = await startServer();
    await gone.close();
    const error = await failureOf(http({ baseUrl: `${gone.url}/crm/v8` })({ method: 'POST', path: '/Leads', body: {} }));
    expect(error).toMatchObject({ httpStatus: 0, zohoMessage: 'network error', mayHaveApplied: false });
  });

  it('says a reset after the request was sent may have applied it, before the headers and mid-body', async () => {
    server.handler = (req) => req.socket.destroy();
    expect(await failureOf(http()({ method: 'POST', path: '/Leads', body: {} }))).toMatchObject({ httpStatus: 0, zohoMessage: 'network error', mayHaveApplied: true });
    server.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"data":', () => req.socket.destroy());
    };
    expect(await failureOf(http()({ method: 'POST', path: '/Leads', body: {} }))).toMatchObject({ httpStatus: 0, mayHaveApplied: true });
  });

  it('refuses an answer over the body cap, declared or chunked, as RESPONSE_TOO_LARGE', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(4096) });
    server.handler = (_req, res) => json(res, 200, JSON.parse(big));
    const declared = await failureOf(http({ maxBodyBytes: 1024 })({ method: 'GET', path: '/Leads' }));
    expect(declared).toMatchObject({ httpStatus: 200, zohoCode: 'RESPONSE_TOO_LARGE', mayHaveApplied: true });
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(big.slice(0, 2000));
      res.end(big.slice(2000));
    };
    expect(await failureOf(http({ maxBodyBytes: 1024 })({ method: 'GET', path: '/Leads' }))).toMatchObject({ zohoCode: 'RESPONSE_TOO_LARGE' });
    expect(await http({ maxBodyBytes: 8192 })({ method: 'GET', path: '/Leads' })).toEqual(JSON.parse(big));
  });

  it("goes through the host's circuit breaker: five 5xx open it, the sixth call is answered without a request", async () => {
    server.handler = (_req, res) => json(res, 503, { message: 'down' });
    const call = http({ breakers: createCircuitBreakers({ failureThreshold: 5, openMs: 60_000 }) });
    for (let i = 0; i < 5; i++) expect(await failureOf(call({ method: 'GET', path: '/org' }))).toMatchObject({ httpStatus: 503 });
    const open = await failureOf(call({ method: 'GET', path: '/org' }));
    expect(open).toBeInstanceOf(AppError);
    expect(open).toMatchObject({ code: 'ZOHO_UNAVAILABLE', details: { reason: 'circuit_open', service: 'crm' } });
    expect(server.seen).toHaveLength(5);
  });

  it('closes its idle keep-alive sockets when the agents close', async () => {
    let closed = 0;
    server.handler = (req, res) => { req.socket.once('close', () => closed++); json(res, 200, {}); };
    await http()({ method: 'GET', path: '/org' });
    agents.close();
    await waitFor(() => closed === 1);
  });
});

describe('the keep-alive agents', () => {
  it('close a pooled socket that sat idle past their idle time, and not one waiting for its answer', async () => {
    const server = await startServer();
    let closedAfterMs = -1;
    server.handler = (req, res) => setTimeout(() => {
      const answered = Date.now();
      req.socket.once('close', () => (closedAfterMs = Date.now() - answered));
      json(res, 200, { late: true });
    }, 300);
    const agents = createKeepAliveAgents(100);
    try {
      const call = createZohoHttp({ app: 'crm', baseUrl: server.url, tokens: fixedToken('t'), transport: createNodeZohoTransport(agents) });
      expect(await call({ method: 'GET', path: '/org' })).toEqual({ late: true });
      await waitFor(() => closedAfterMs >= 0, 2000);
      expect(closedAfterMs).toBeGreaterThanOrEqual(90);
    } finally {
      agents.close();
      await server.close();
    }
  });
});
