import type { Config } from './config.ts';
import { AppError } from './errors.ts';
import { createTokenCipher } from './crypto/token-cipher.ts';
import { openDatabase, type Database, type DatabaseOptions } from './db/database.ts';
import { createApp } from './http/app.ts';
import type { Logger } from './log.ts';
import { createConnectFlow } from './zoho/connect-flow.ts';
import { createConnectionResolver } from './zoho/connection-resolver.ts';
import { ConnectionStore } from './zoho/connection-store.ts';
import { createZohoApiFactory } from './zoho/get-zoho-api.ts';
import { OAuthStateStore } from './zoho/oauth-state.ts';
import { allTools } from '../tools/index.ts';
import { toolRoutes } from './http/routes/tools.ts';
import { chatRoutes } from './http/routes/chat.ts';
import { conversationRoutes } from './http/routes/conversations.ts';
import { PendingRunStore } from './agent/approvals/pending-run-store.ts';
import { ConversationStore } from './agent/conversation-store.ts';
import { createRunLog } from './agent/run-log.ts';
import { createRateLimiter } from './budgets/rate-limiter.ts';
import { createRunSlots } from './budgets/run-slots.ts';
import { webRoutes } from './http/routes/web.ts';
import { createOpenRouterClient } from './llm/openrouter-client.ts';
import { createToolExecutor } from './tools/execute-tool-with-repair.ts';
import { createParamPreparer } from './tools/prepare-params.ts';
import { createToolRegistry } from './tools/registry.ts';
import { createFieldCatalog } from './tools/repair/field-catalog.ts';
import { createModelRepair } from './tools/repair/model-repair.ts';
import { createToolCallLog } from './tools/tool-call-log.ts';
import { ZohoOAuth } from './zoho/oauth.ts';

/** Where a client goes to connect Zoho (sent with ZOHO_NOT_CONNECTED / action_required). */
export const CONNECT_URL = '/api/connections/zoho';

export interface RuntimeParts {
  logger: Logger;
  /** Replaces the database the config names (tests: an isolated PostgreSQL schema). */
  database?: DatabaseOptions;
  fetch?: typeof fetch;
  now?: () => number;
  /** SSE keep-alive period (tests shorten it). */
  heartbeatMs?: number;
  /** Retries the openai SDK makes itself before a stream starts (tests: 0). */
  llmMaxRetries?: number;
  /** Chat step limit (default 8). */
  maxSteps?: number;
  /** Base of the full-jitter back-off between tool retries (tests shorten it). */
  retryBaseMs?: number;
}

/**
 * The composition root: config → database → token store → Zoho clients → app. `main.ts` and the
 * tests build the runtime the same way, each with its own parts.
 */
export async function buildRuntime(config: Config, parts: RuntimeParts) {
  const database: Database = await openDatabase(parts.database ?? config.database);
  const cipher = createTokenCipher(config.tokenEncryptionKey);
  const store = new ConnectionStore(database.db, cipher);
  const overrides = config.zoho.overrides;
  const { clientId, clientSecret, redirectUri } = config.zoho;
  const oauth = clientId && clientSecret
    ? new ZohoOAuth({ clientId, clientSecret, redirectUri, overrides, fetch: parts.fetch })
    : undefined;
  const resolver = createConnectionResolver({
    store,
    oauth: oauth ?? { refreshTokens: () => Promise.reject(new AppError('ZOHO_NOT_CONFIGURED', 'ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET are not set on the server.')) },
    overrides,
    logger: parts.logger,
    connectUrl: CONNECT_URL,
    now: parts.now,
  });
  const { getZohoApi, listDeskOrganizations } = createZohoApiFactory({ resolver, store, overrides, connectUrl: CONNECT_URL, fetch: parts.fetch });
  const connectFlow = createConnectFlow({
    oauth,
    states: new OAuthStateStore(database.db, cipher, config.auth.jwtSecret, parts.now),
    store,
    clientId,
    redirectUri,
    scopes: config.zoho.scopes,
    defaultDc: config.zoho.defaultDc,
    overrides,
    logger: parts.logger,
    fetch: parts.fetch,
    now: parts.now,
  });
  const registry = createToolRegistry(allTools);
  const llm = config.openrouter.apiKey
    ? createOpenRouterClient({ apiKey: config.openrouter.apiKey, baseUrl: config.openrouter.baseUrl, maxRetries: parts.llmMaxRetries })
    : undefined;
  const callLog = createToolCallLog(database.db, parts.logger);
  const repairDeps = {
    registry,
    fieldCatalog: createFieldCatalog(),
    logger: parts.logger,
    modelRepair: llm ? createModelRepair(llm, config.openrouter.model) : undefined,
  };
  const { executeToolWithRepair } = createToolExecutor({
    ...repairDeps,
    callLog,
    defaults: { timeoutMs: config.tools.timeoutMs, retryBaseMs: parts.retryBaseMs },
  });
  const prepareParams = createParamPreparer({ ...repairDeps, timeoutMs: config.tools.timeoutMs });
  const toolDeps = { registry, executeToolWithRepair, getZohoApi };
  const rateLimiter = createRateLimiter(database.db, config.rateLimitPerMinute, { now: parts.now, logger: parts.logger });
  const pendingRuns = new PendingRunStore(database.db, parts.now);
  const conversations = new ConversationStore(database.db);
  const runLog = createRunLog(database.db, parts.logger);
  const app = createApp({
    logger: parts.logger,
    jwtSecret: config.auth.jwtSecret,
    ping: database.ping,
    connectFlow,
    store,
    oauth,
    webRoutes: webRoutes({ jwtSecret: config.auth.jwtSecret, devLogin: config.env !== 'production' }),
    apiRoutes: [
      { path: '/conversations', routes: conversationRoutes({ conversations, pendingRuns, registry }) },
      { path: '/tools', routes: toolRoutes({ ...toolDeps, rateLimiter, logger: parts.logger, heartbeatMs: parts.heartbeatMs }) },
      {
        path: '/chat',
        routes: chatRoutes({
          ...toolDeps,
          llm,
          defaultModel: config.openrouter.model,
          strictTools: config.openrouter.strictTools,
          store,
          pendingRuns,
          conversations,
          runLog,
          prepareParams,
          connectUrl: CONNECT_URL,
          resultMaxChars: config.tools.resultMaxChars,
          maxSteps: parts.maxSteps ?? config.chat.maxSteps,
          runTimeoutMs: config.chat.runTimeoutMs,
          approvalTtlMs: config.chat.approvalTtlMs,
          autoApproveWrites: config.chat.autoApproveWrites,
          rateLimiter,
          runSlots: createRunSlots(database.db, config.chat.maxConcurrentRuns, config.chat.runTimeoutMs + 60_000, parts.now),
          logger: parts.logger,
          heartbeatMs: parts.heartbeatMs,
        }),
      },
    ],
  });
  return {
    config, database, store, oauth, resolver, getZohoApi, listDeskOrganizations, connectFlow, registry, executeToolWithRepair, llm, pendingRuns,
    conversations, callLog, runLog, rateLimiter, app,
    async close() {
      await Promise.all([callLog.flush(), runLog.flush(), rateLimiter.sync()]);
      await database.close();
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof buildRuntime>>;
