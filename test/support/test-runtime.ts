import { randomBytes } from 'node:crypto';
import { buildRuntime, type Runtime } from '../../src/compose.ts';
import { parseEnv, toConfig } from '../../src/config.ts';
import type { DatabaseOptions } from '../../src/db/database.ts';
import { signUserToken } from '../../src/http/auth.ts';
import { createMemoryLogger } from '../../src/log.ts';
import type { FakeZoho } from './fake-zoho.ts';

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-at-least-32-characters-long';

export interface TestRuntimeOptions {
  fake: FakeZoho;
  database: DatabaseOptions;
  env?: Record<string, string | undefined>;
  /** Point the DC hosts at the fake through ZOHO_*_URL (default), or leave the real hosts and pass a routing fetch. */
  overrideHosts?: boolean;
  fetch?: typeof fetch;
  now?: () => number;
  /** Base of the retry back-off (tests keep it short). */
  retryBaseMs?: number;
  /** How long an open Zoho circuit breaker answers by itself (default 2 s). */
  circuitOpenMs?: number;
  heartbeatMs?: number;
  maxSteps?: number;
  /** The run hub's heartbeat and a remote follower's poll (default 1 s / 250 ms). */
  runPollMs?: number;
  /** Share a key between instances that share a database. */
  encryptionKey?: string;
}

export interface TestRuntime {
  encryptionKey: string;
  runtime: Runtime;
  logger: ReturnType<typeof createMemoryLogger>;
  request(path: string, init?: RequestInit & { user?: string }): Promise<Response>;
  tokenFor(userId: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the real runtime (composition root, real database, real HTTP app) against a fake Zoho. */
export async function startTestRuntime(options: TestRuntimeOptions): Promise<TestRuntime> {
  const hosts = options.overrideHosts === false ? {} : {
    ZOHO_ACCOUNTS_URL: options.fake.url,
    ZOHO_API_URL: options.fake.url,
    ZOHO_DESK_URL: options.fake.url,
  };
  const encryptionKey = options.encryptionKey ?? randomBytes(32).toString('base64');
  const env = parseEnv({
    NODE_ENV: 'test',
    ZOHO_CLIENT_ID: options.fake.clientId,
    ZOHO_CLIENT_SECRET: options.fake.clientSecret,
    ZOHO_REDIRECT_URI: options.fake.redirectUri,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    ...hosts,
    ...options.env,
  });
  const config = toConfig(env as Parameters<typeof toConfig>[0]);
  const logger = createMemoryLogger();
  const runtime = await buildRuntime(config, {
    logger,
    database: options.database,
    fetch: options.fetch,
    now: options.now,
    retryBaseMs: options.retryBaseMs ?? 5,
    circuitOpenMs: options.circuitOpenMs,
    heartbeatMs: options.heartbeatMs,
    maxSteps: options.maxSteps,
    runPollMs: options.runPollMs,
    llmMaxRetries: 0,
  });
  const tokenFor = (userId: string) => signUserToken(TEST_JWT_SECRET, userId);
  return {
    encryptionKey,
    runtime,
    logger,
    tokenFor,
    async request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.user) headers.set('authorization', `Bearer ${await tokenFor(init.user)}`);
      if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return runtime.app.request(path, { ...init, headers });
    },
    close: () => runtime.close(),
  };
}

/**
 * The whole OAuth round trip for `userId` as a browser would do it: ask for the authorize URL,
 * "consent" at the fake (which issues a code bound to the PKCE challenge), follow the redirect back.
 */
export async function connectThroughOAuth(
  t: TestRuntime,
  fake: FakeZoho,
  userId: string,
  zuid: string,
  callback: { location?: string; accountsServer?: string; dc?: string } = {},
): Promise<Response> {
  const start = await t.request('/api/connections/zoho', { method: 'POST', user: userId, body: JSON.stringify(callback.dc ? { dc: callback.dc } : {}) });
  const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
  const authorize = new URL(authorizeUrl);
  const code = fake.issueCode(zuid, { codeChallenge: authorize.searchParams.get('code_challenge') ?? undefined });
  const query = new URLSearchParams({
    code,
    state: authorize.searchParams.get('state')!,
    location: callback.location ?? 'us',
    'accounts-server': callback.accountsServer ?? fake.url,
  });
  return t.request(`/auth/zoho/callback?${query}`, { headers: { accept: 'application/json' } });
}
