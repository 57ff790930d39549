import { testDatabases, type TestDatabase } from './databases.ts';
import { startFakeOpenRouter, type FakeOpenRouter } from './fake-openrouter.ts';
import { startFakeZoho, type FakeZoho } from './fake-zoho.ts';
import { serveApp } from './serve.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime, type TestRuntimeOptions } from './test-runtime.ts';

export interface ChatRig {
  zoho: FakeZoho;
  llm: FakeOpenRouter;
  t: TestRuntime;
  /** The runtime on a real 127.0.0.1 port (SSE, the CLI, the client). */
  server: Awaited<ReturnType<typeof serveApp>>;
  close(): Promise<void>;
}

/**
 * What chat, client and executor tests share: a fake Zoho with alice's account (zuid 70001, CRM org
 * 9001, Desk org 555), a fake OpenRouter, the real runtime wired to both on a fresh database, alice
 * connected through the OAuth round trip, and the app served. `on` picks the database (PGlite by default).
 */
export async function startChatRig(
  options: Omit<TestRuntimeOptions, 'fake' | 'database'> & { on?: TestDatabase } = {},
): Promise<ChatRig> {
  const zoho = await startFakeZoho();
  zoho.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
  const llm = await startFakeOpenRouter();
  const db = (options.on ?? testDatabases()[0]!).create();
  const t = await startTestRuntime({
    ...options,
    fake: zoho,
    database: db.options,
    env: { OPENROUTER_API_KEY: llm.apiKey, OPENROUTER_BASE_URL: llm.baseURL, ...options.env },
  });
  await connectThroughOAuth(t, zoho, 'alice', '70001');
  const server = await serveApp(t.runtime.app);
  return {
    zoho, llm, t, server,
    async close() {
      await server.close();
      await t.close();
      await db.drop();
      await llm.close();
      await zoho.close();
    },
  };
}
