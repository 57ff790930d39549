import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TestDatabase } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { serveApp } from '../support/serve.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

export interface McpRig {
  fake: FakeZoho;
  t: TestRuntime;
  server: Awaited<ReturnType<typeof serveApp>>;
  /** The official client, configured as a user would: the URL and a bearer token (closed after each test). */
  connect(user: string): Promise<Client>;
}

/**
 * For a describe block: a fake Zoho with alice (zuid 70001) and bob (70002), each connected through
 * the OAuth round trip, the real runtime on a fresh database, served on 127.0.0.1.
 */
export function useMcpRig(database: TestDatabase, env: Record<string, string> = {}): McpRig {
  const rig = {} as McpRig;
  const clients: Client[] = [];
  let drop: () => Promise<void> = async () => {};
  beforeAll(async () => {
    rig.fake = await startFakeZoho();
    rig.fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
    rig.fake.addUser({ zuid: '70002', email: 'bea@example.com', orgId: '9002', deskOrgIds: ['556'] });
    const db = database.create();
    drop = db.drop;
    rig.t = await startTestRuntime({ fake: rig.fake, database: db.options, retryBaseMs: 5, env });
    await connectThroughOAuth(rig.t, rig.fake, 'alice', '70001');
    await connectThroughOAuth(rig.t, rig.fake, 'bob', '70002');
    rig.server = await serveApp(rig.t.runtime.app);
  }, 180_000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  });
  afterAll(async () => {
    await rig.server?.close();
    await rig.t?.close();
    await drop();
    await rig.fake?.close();
  });
  rig.connect = async (user) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${rig.server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${await rig.t.tokenFor(user)}` } },
    });
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  };
  return rig;
}
