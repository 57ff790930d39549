import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.ts';
import { useMcpRig } from './mcp-rig.ts';

/** The public origin is the redirect URI's (compose.ts): the fake's is http://localhost:8080/auth/zoho/callback. */
const ORIGIN = 'http://localhost:8080';

const waitFor = async (check: () => boolean, ms = 3000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const textOf = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe.each(testDatabases())('MCP at /mcp on $name', (database) => {
  const rig = useMcpRig(database);
  beforeEach(() => rig.fake.reset());
  const connect = (user: string) => rig.connect(user);

  it('lists the same tools and schemas as GET /api/tools, with annotations from each effect', async () => {
    const client = await connect('alice');
    const { tools } = await client.listTools();
    const api = (await (await rig.t.request('/api/tools', { user: 'alice' })).json()) as { tools: Array<{ name: string; description: string; effect: string; inputSchema: unknown }> };
    expect(tools.map((tool) => tool.name).sort()).toEqual(api.tools.map((tool) => tool.name).sort());
    for (const listed of api.tools) {
      const offered = tools.find((tool) => tool.name === listed.name)!;
      expect(offered.inputSchema).toEqual(listed.inputSchema);
      expect(offered.description).toBe(listed.description);
    }
    expect(tools.find((tool) => tool.name === 'crm_get_record')!.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
    expect(tools.find((tool) => tool.name === 'crm_create_record')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    expect(tools.find((tool) => tool.name === 'crm_delete_record')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
  });

  it('calls a read tool for the caller and answers its JSON result', async () => {
    const client = await connect('alice');
    const result = (await client.callTool({ name: 'crm_get_org', arguments: {} })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('9001');
    expect(rig.fake.requestsTo('/crm/v8/org')).toHaveLength(1);
  });

  it('answers a call that fails with isError naming the code, the fields and the fix', async () => {
    const client = await connect('alice');
    const result = (await client.callTool({ name: 'crm_get_record', arguments: { module: 'Leads', id: 'not-an-id' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^INVALID_PARAMS: Invalid params for crm_get_record:\n- id: /);
    expect(textOf(result)).toContain('How to fix:');
    expect(JSON.parse((result.content[1] as { text: string }).text)).toMatchObject({ error: { code: 'INVALID_PARAMS', details: { fields: [{ field: 'id' }] } } });
  });

  it('refuses an unknown tool as a protocol error', async () => {
    const client = await connect('alice');
    await expect(client.callTool({ name: 'crm_launch_rocket', arguments: {} })).rejects.toThrow(/No tool named crm_launch_rocket/);
  });

  it('sends progress notifications with the status line and each repair when asked', async () => {
    const client = await connect('alice');
    const messages: string[] = [];
    const result = (await client.callTool(
      { name: 'crm_search_records', arguments: { module: 'Leads', word: 'a', page: '1', perPage: '5' } },
      undefined,
      { onprogress: (p) => void messages.push(p.message ?? '') },
    )) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(messages[0]).toBe('Calling Zoho tool: crm_search_records...');
    expect(messages[1]).toMatch(/^Repairing crm_search_records params \(schema\)/);
    expect(messages).toHaveLength(2);
  });

  it('aborts the Zoho request when the client cancels a slow call', async () => {
    const client = await connect('alice');
    rig.fake.inject({ path: '/crm/v8/org', delayMs: 10_000 });
    const cancel = new AbortController();
    const call = client.callTool({ name: 'crm_get_org', arguments: {} }, undefined, { signal: cancel.signal });
    await waitFor(() => rig.fake.requestsTo('/crm/v8/org').length === 1);
    const cancelledAt = Date.now();
    cancel.abort('the user pressed stop');
    await expect(call).rejects.toThrow();
    await waitFor(() => rig.fake.requestsTo('/crm/v8/org')[0]!.closedEarly === true, 2000);
    expect(Date.now() - cancelledAt).toBeLessThan(2000);
    expect(rig.fake.requestsTo('/crm/v8/org')).toHaveLength(1);
  });

  it('aborts the Zoho request when the client closes the stream', async () => {
    const client = await connect('alice');
    rig.fake.inject({ path: '/crm/v8/org', delayMs: 10_000 });
    const call = client.callTool({ name: 'crm_get_org', arguments: {} }).catch((error: unknown) => error);
    await waitFor(() => rig.fake.requestsTo('/crm/v8/org').length === 1);
    await client.close();
    await call;
    await waitFor(() => rig.fake.requestsTo('/crm/v8/org')[0]!.closedEarly === true, 2000);
  });

  it('refuses /mcp without a JWT, or with a bad one, pointing at the resource metadata', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt']) {
      const res = await fetch(`${rig.server.url}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${ORIGIN}/.well-known/oauth-protected-resource"`);
      expect(((await res.json()) as any).error.code).toBe('UNAUTHORIZED');
    }
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(`${rig.server.url}/mcp`)))).rejects.toThrow();
  });

  it('serves RFC 9728 metadata for /mcp without auth', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await fetch(`${rig.server.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ resource: `${ORIGIN}/mcp`, bearer_methods_supported: ['header'], resource_name: 'Zoho agent runtime (MCP)' });
    }
  });

  it('answers GET and DELETE with 405, as a stateless server without sessions does', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${rig.server.url}/mcp`, { method, headers: { authorization: `Bearer ${await rig.t.tokenFor('alice')}`, accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      await res.body?.cancel();
    }
  });

  it('refuses a body holding a NUL or __proto__ with a 400 naming the field, as every route does', async () => {
    for (const args of ['{"module":"Leads","id":"1\\u0000"}', '{"__proto__":{"admin":true}}']) {
      const res = await fetch(`${rig.server.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await rig.t.tokenFor('alice')}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
        body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"crm_get_record","arguments":${args}}}`,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as any).error.code).toBe('INVALID_REQUEST');
    }
    expect(rig.fake.requests.filter((r) => r.path.startsWith('/crm/'))).toEqual([]);
  });

  it('keeps each user to their own connection: bob sees his own Zoho user, carol is told to connect', async () => {
    const bob = await connect('bob');
    const me = (await bob.callTool({ name: 'crm_get_current_user', arguments: {} })) as CallToolResult;
    expect(textOf(me)).toContain('bea@example.com');
    expect(textOf(me)).not.toContain('ada@example.com');

    const carol = await connect('carol');
    expect((await carol.listTools()).tools).toEqual([]);
    const denied = (await carol.callTool({ name: 'crm_get_org', arguments: {} })) as CallToolResult;
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/^ZOHO_NOT_CONNECTED: /);
    expect(textOf(denied)).toContain(`POST ${ORIGIN}/api/connections/zoho`);
    // Only bob's one call reached Zoho; carol's stopped at the missing connection.
    expect(rig.fake.requests.filter((r) => r.path.startsWith('/crm/'))).toHaveLength(1);
  });
});

describe.each(testDatabases())('MCP budgets on $name', (database) => {
  // An identity provider beside the deployment's own tokens: the metadata names its issuer (its keys are never fetched here).
  const rig = useMcpRig(database, { RATE_LIMIT_PER_MINUTE: '3', AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json', AUTH_JWT_ISSUER: 'https://id.example.com' });

  it('names AUTH_JWT_ISSUER as the authorization server in the resource metadata', async () => {
    const res = await fetch(`${rig.server.url}/.well-known/oauth-protected-resource`);
    expect(await res.json()).toMatchObject({ resource: `${ORIGIN}/mcp`, authorization_servers: ['https://id.example.com'] });
  });

  it('counts tools/call against the same per-user limit as POST /api/tools, listing aside', async () => {
    const { t, fake } = rig;
    const client = await rig.connect('alice');
    fake.reset();
    {
      for (let i = 0; i < 5; i++) await client.listTools();
      expect((await t.request('/api/tools/crm_get_org', { method: 'POST', user: 'alice', body: '{"params":{}}' })).status).toBe(200);
      expect((await t.request('/api/tools/crm_get_org', { method: 'POST', user: 'alice', body: '{"params":{}}' })).status).toBe(200);
      const third = (await client.callTool({ name: 'crm_get_org', arguments: {} })) as CallToolResult;
      expect(third.isError).toBeFalsy();
      const fourth = (await client.callTool({ name: 'crm_get_org', arguments: {} })) as CallToolResult;
      expect(fourth.isError).toBe(true);
      expect(textOf(fourth)).toMatch(/^RATE_LIMITED: .*\nHow to fix: Wait \d+ s, then call again\./);
      expect(fake.requestsTo('/crm/v8/org')).toHaveLength(3);
    }
  });
});
