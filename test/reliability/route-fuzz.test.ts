import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { allTools } from '../../tools/index.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from '../support/fake-openrouter.ts';
import { TEST_JWT_SECRET, type TestRuntime } from '../support/test-runtime.ts';
import { hostileBody, hostileJson, hostileSegment, hostileString, mutate, seededRandom, type Random } from './fuzz-input.ts';
import { startZohoRig, type ZohoRig } from './zoho-rig.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 13);
const PER_ROUTE = Number(process.env.FUZZ_PER_ROUTE ?? 40);
const TOOL_NAMES = allTools.map((t) => t.name);

interface FuzzRequest {
  method: string;
  path: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

/** Every route of the runtime (DESIGN.md's table as far as it is built), each with requests built around its own shape. */
const ROUTES: Record<string, (r: Random) => FuzzRequest> = {
  health: () => ({ method: 'GET', path: '/health' }),
  page: (r) => ({ method: 'GET', path: r.pick(['/', `/app/${hostileSegment(r)}`, `/vendor/${hostileSegment(r)}`, '/app/chat.js']) }),
  devLogin: (r) => ({ method: 'POST', path: '/auth/dev-login', body: hostileBody(r, mutate(r, { user: 'ada' })) }),
  callback: (r) => {
    const q = new URLSearchParams();
    for (const name of ['code', 'state', 'location', 'accounts-server', 'error']) if (r.chance(0.7)) q.append(name, hostileString(r).replace(/[\ud800-\udfff]/g, '\u0000'));
    return { method: 'GET', path: `/auth/zoho/callback?${r.chance(0.8) ? q : `code=${hostileSegment(r)}&state=%00`}` };
  },
  connect: (r) => ({ method: 'POST', path: '/api/connections/zoho', body: hostileBody(r, mutate(r, { dc: 'eu' })) }),
  importConnection: (r) => ({
    method: 'POST',
    path: '/api/connections/zoho/import',
    body: hostileBody(r, mutate(r, r.chance(0.5) ? { dc: 'com', refreshToken: '1000.abc.def' } : { dc: 'eu', code: '1000.code', clientId: '1000.ID', clientSecret: 'secret' })),
  }),
  listConnections: (r) => ({ method: 'GET', path: `/api/connections${r.chance(0.3) ? `?x=${hostileSegment(r)}` : ''}` }),
  deleteConnection: (r) => ({ method: 'DELETE', path: `/api/connections/${r.chance(0.2) ? '%00' : hostileSegment(r)}` }),
  listTools: () => ({ method: 'GET', path: '/api/tools' }),
  runTool: (r) => ({
    method: 'POST',
    path: `/api/tools/${r.chance(0.8) ? r.pick(TOOL_NAMES) : hostileSegment(r)}`,
    body: hostileBody(r, { params: r.chance(0.8) ? mutate(r, { module: 'Leads', id: '1', query: 'select id from Leads', ticketId: '1', record: { Last_Name: 'x' } }) : hostileJson(r) }),
    headers: r.chance(0.3) ? { accept: 'text/event-stream' } : undefined,
  }),
  chat: (r) => ({
    method: 'POST',
    path: '/api/chat',
    body: hostileBody(r, mutate(r, { messages: [{ role: 'user', content: hostileString(r) || 'hello' }], model: 'openai/gpt-4.1-mini' })),
  }),
  uiChat: (r) => ({
    method: 'POST',
    path: '/api/chat',
    body: hostileBody(r, mutate(r, {
      id: 'c-ui', trigger: r.pick(['submit-message', 'regenerate-message']),
      messages: [
        { id: 'a', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-crm_get_org', toolCallId: hostileString(r) || 't', state: 'output-available', input: {}, output: hostileString(r) }] },
        r.chance(0.5)
          ? { id: 'u', role: 'user', parts: [{ type: 'text', text: hostileString(r) || 'hello' }] }
          : { id: 'b', role: 'assistant', parts: [{ type: 'tool-crm_create_record', toolCallId: 'x', state: 'approval-responded', input: {}, approval: { id: hostileString(r) || 'x', approved: true } }] },
      ],
    })),
  }),
  listConversations: (r) => ({ method: 'GET', path: `/api/conversations${r.chance(0.5) ? `?limit=${hostileSegment(r)}` : ''}` }),
  conversation: (r) => ({ method: r.pick(['GET', 'DELETE']), path: `/api/conversations/${r.chance(0.2) ? '%00' : hostileSegment(r)}` }),
  regenerate: (r) => ({
    method: 'POST',
    path: '/api/chat',
    body: hostileBody(r, mutate(r, { conversationId: 'c-1', regenerate: true, messages: [{ role: 'user', content: hostileString(r) || 'hello' }] })),
  }),
  approvals: (r) => ({ method: 'POST', path: '/api/chat/approvals', body: hostileBody(r, mutate(r, { callId: r.chance(0.3) ? '\u0000' : hostileString(r), decision: 'approve', paramsHash: hostileString(r) })) }),
  chatRunEvents: (r) => ({
    method: 'GET',
    path: `/api/chat/runs/${r.chance(0.2) ? '%00' : hostileSegment(r)}/events${r.chance(0.5) ? `?lastEventId=${hostileSegment(r)}` : ''}`,
    headers: r.chance(0.3) ? { 'last-event-id': r.pick(['x:1', '1:-1', ':', 'a'.repeat(300), `${crypto.randomUUID()}:99999999999`]) } : undefined,
  }),
  chatRunCancel: (r) => ({ method: 'POST', path: `/api/chat/runs/${r.chance(0.2) ? '%00' : hostileSegment(r)}/cancel`, body: hostileBody(r, {}) }),
  browserLogin: (r) => ({
    method: 'POST',
    path: '/api/browser/login',
    body: hostileBody(r, mutate(r, r.chance(0.5) ? { dc: 'eu' } : { storageState: { cookies: [{ name: hostileString(r), value: 'v', domain: '.zoho.com', path: '/' }], origins: [] } })),
  }),
  browserLoginStatus: (r) => ({ method: 'GET', path: `/api/browser/login/${r.chance(0.2) ? '%00' : hostileSegment(r)}` }),
  browserSession: (r) => ({ method: r.pick(['GET', 'DELETE']), path: '/api/browser/session' }),
  screenshot: (r) => ({ method: 'GET', path: `/api/browser/screenshots/${r.chance(0.2) ? '%00' : hostileSegment(r)}` }),
  liveView: (r) => {
    const id = r.chance(0.2) ? '%00' : hostileSegment(r);
    return r.chance(0.5)
      ? { method: 'GET', path: r.pick([`/browser-login/${id}`, `/browser-login/${id}/events`, `/browser-login/assets/${hostileSegment(r)}`]) }
      : { method: 'POST', path: `/browser-login/${id}/input`, body: hostileBody(r, mutate(r, { events: [{ type: 'key', key: hostileString(r) }] })) };
  },
  mcp: (r) => {
    const message = r.pick([
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } } },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: r.pick(TOOL_NAMES), arguments: mutate(r, { module: 'Leads', id: '1', ticketId: '1', record: { Last_Name: 'x' } }) } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: r.chance(0.8) ? r.pick(TOOL_NAMES) : hostileString(r), arguments: { module: 'Leads', id: '1', query: 'select id from Leads' }, _meta: { progressToken: 7 } } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3, reason: hostileString(r) } },
    ]);
    const method = r.chance(0.85) ? 'POST' : r.pick(['GET', 'DELETE']);
    return {
      method,
      path: '/mcp',
      body: method === 'GET' ? undefined : r.chance(0.5) ? JSON.stringify(message) : hostileBody(r, mutate(r, message)),
      headers: { accept: r.chance(0.9) ? 'application/json, text/event-stream' : hostileSegment(r), ...(r.chance(0.9) ? { 'mcp-protocol-version': '2025-06-18' } : {}) },
    };
  },
  resourceMetadata: (r) => ({ method: 'GET', path: r.pick(['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp', `/.well-known/${hostileSegment(r)}`]) }),
  openapi: (r) => ({ method: 'GET', path: `/openapi.json${r.chance(0.3) ? `?x=${hostileSegment(r)}` : ''}` }),
  unknown: (r) => ({ method: r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), path: `/${hostileSegment(r)}/${hostileSegment(r)}` }),
};

/** Who sends it: alice, nobody, garbage, or a validly signed token whose `sub` is hostile. */
async function authFor(r: Random, alice: string): Promise<Record<string, string>> {
  const roll = r.int(6);
  if (roll <= 2) return { authorization: `Bearer ${alice}` };
  if (roll === 3) return {};
  if (roll === 4) return { authorization: r.pick(['Bearer', 'Bearer x.y.z', `Basic ${btoa('a:b')}`, `Bearer ${alice}x`]) };
  const sub = r.pick(['\u0000', 'a\u0000', '\ud800', 'x'.repeat(300), '', ' ', 'alice\u0000bob', hostileString(r)]);
  const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('1h')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
  return { authorization: `Bearer ${jwt}` };
}

/** A 5xx, or an SSE stream that ended in an INTERNAL error: what the fuzzer looks for. */
async function serverFault(res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.status >= 500) return `${res.status} ${text.slice(0, 3000)}`;
  // Our SSE and the AI SDK stream carry errors as events, MCP's SSE carries JSON-RPC: a masked internal error,
  // an INTERNAL tool failure inside a result's text, or an INTERNAL error chunk is a fault.
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream') && /"code":"INTERNAL"|Internal error; it has been logged|\\"code\\":\\"INTERNAL\\"|"errorText":"INTERNAL/.test(text)) return `SSE ${JSON.stringify(text.slice(0, 3000))}`;
  return undefined;
}

describe.each(testDatabases())('fuzzing every route ($name, seed %s)'.replace('%s', String(SEED)), (database) => {
  let rig: ZohoRig;
  let llm: FakeOpenRouter;
  let t: TestRuntime;

  beforeAll(async () => {
    llm = await startFakeOpenRouter();
    const model = seededRandom(SEED + 1);
    // The model too says hostile things: tool calls whose arguments carry them, then an answer.
    llm.respondWith((body) => body.messages.at(-1)?.role === 'tool' || model.chance(0.5)
      ? { text: hostileString(model) || 'ok' }
      : { toolCalls: [{ name: model.pick(TOOL_NAMES), arguments: mutate(model, { module: 'Leads', id: '1', record: { Last_Name: hostileString(model) } }) }] });
    rig = await startZohoRig(database.create(), { env: { OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL, CHAT_MAX_CONCURRENT_RUNS: '100' } });
    t = rig.t;
  });
  afterAll(async () => {
    await rig.close();
    await llm.close();
  });

  it(`answers ${Object.keys(ROUTES).length} routes x ${PER_ROUTE} hostile requests without a 5xx`, async () => {
    const r = seededRandom(SEED);
    const alice = await t.tokenFor('alice');
    const faults: string[] = [];
    let sent = 0;
    for (const [name, build] of Object.entries(ROUTES)) {
      for (let i = 0; i < PER_ROUTE; i++) {
        const req = build(r);
        const headers = { ...(await authFor(r, alice)), ...(req.body !== undefined && r.chance(0.9) ? { 'content-type': 'application/json' } : {}), ...req.headers };
        const res = await t.runtime.app.request(req.path, { method: req.method, headers, body: req.body as BodyInit | undefined });
        sent++;
        const fault = await serverFault(res);
        if (fault) faults.push(`${name} #${i}: ${req.method} ${JSON.stringify(req.path).slice(0, 200)} body ${JSON.stringify(typeof req.body === 'string' ? req.body.slice(0, 200) : req.body && [...req.body])} -> ${fault}`);
      }
    }
    expect(sent).toBe(Object.keys(ROUTES).length * PER_ROUTE);
    if (faults.length) console.log(t.logger.lines.filter((l) => l.includes("internal")).join("\n").slice(0, 3000));
    expect(faults).toEqual([]);
  });

  const asAlice = async (init: RequestInit = {}) => ({ ...init, headers: { authorization: `Bearer ${await t.tokenFor('alice')}`, 'content-type': 'application/json' } });
  const subHoldingNul = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice\u0000').setExpirationTime('1h').sign(new TextEncoder().encode(TEST_JWT_SECRET));
  it.each([
    { what: 'a JWT whose sub holds a NUL', status: 401, path: '/api/connections', init: async () => ({ headers: { authorization: `Bearer ${await subHoldingNul()}` } }) },
    { what: 'callId "\\u0000"', status: 400, path: '/api/chat/approvals', init: () => asAlice({ method: 'POST', body: '{"callId":"\\u0000","decision":"approve"}' }) },
    { what: 'DELETE /api/connections/%00', status: 404, path: '/api/connections/%00', init: () => asAlice({ method: 'DELETE' }) },
    { what: 'a lone surrogate in tool params', status: 400, path: '/api/tools/crm_get_record', init: () => asAlice({ method: 'POST', body: '{"params":{"module":"Leads","id":"\\ud800"}}' }) },
    { what: 'a NUL in the OAuth callback state', status: 400, path: '/auth/zoho/callback?code=x&state=%00', init: async () => ({}) },
  ])('answers $what with $status', async ({ status, path, init }) => {
    const res = await t.runtime.app.request(path, await init());
    expect(res.status).toBe(status);
  });
});
