import type { Config } from './config.ts';
import { createTokenCipher } from './crypto/token-cipher.ts';
import { openDatabase, type Database, type DatabaseOptions } from './db/database.ts';
import { createApp } from './http/app.ts';
import { createCallerVerifier } from './http/auth.ts';
import { createJwksKeys, type JwksKeysOptions } from './http/jwks-keys.ts';
import type { Logger } from './log.ts';
import { createCircuitBreakers } from './zoho/circuit-breaker.ts';
import { createConnectFlow } from './zoho/connect-flow.ts';
import { createConnectionResolver } from './zoho/connection-resolver.ts';
import { ConnectionStore } from './zoho/connection-store.ts';
import { createZohoApiFactory } from './zoho/get-zoho-api.ts';
import { OAuthStateStore } from './zoho/oauth-state.ts';
import { allTools } from '../tools/index.ts';
import { toolRoutes } from './http/routes/tools.ts';
import { chatRoutes } from './http/routes/chat.ts';
import { chatRunRoutes } from './http/routes/chat-runs.ts';
import { createRunEventLog } from './stream/run-event-log.ts';
import { createRunHub } from './stream/run-hub.ts';
import { createRunStreams } from './stream/run-streams.ts';
import { conversationRoutes } from './http/routes/conversations.ts';
import { PendingRunStore } from './agent/approvals/pending-run-store.ts';
import { ConversationStore } from './agent/conversation-store.ts';
import { createRunLog } from './agent/run-log.ts';
import { createRateLimiter } from './budgets/rate-limiter.ts';
import { createRunSlots } from './budgets/run-slots.ts';
import { webRoutes } from './http/routes/web.ts';
import { createCompletionStreamer } from './llm/completion-stream.ts';
import { createOpenRouterClient } from './llm/openrouter-client.ts';
import { createToolImages } from './agent/tool-images.ts';
import { createBrowserService } from './browser/browser-service.ts';
import { browserRoutes } from './http/routes/browser.ts';
import { liveViewRoutes } from './http/routes/browser-live-view.ts';
import { createGetToolApi } from './tools/tool-api.ts';
import { createToolExecutor } from './tools/execute-tool-with-repair.ts';
import { createParamPreparer } from './tools/prepare-params.ts';
import { createToolRegistry } from './tools/registry.ts';
import { createFieldCatalog } from './tools/repair/field-catalog.ts';
import { createModelRepair } from './tools/repair/model-repair.ts';
import { createToolCallLog } from './tools/tool-call-log.ts';
import { createConnectionImport } from './zoho/import-connection.ts';
import { createOAuthClients } from './zoho/oauth-clients.ts';
import { createNodeZohoTransport } from './zoho/zoho-transport.ts';
import { createKeepAliveAgents } from './keep-alive-agents.ts';
import { createConnectionSaver } from './zoho/save-connection.ts';
import { createInFlightCalls } from './mcp/in-flight-calls.ts';
import { mcpRoutes } from './mcp/mcp-routes.ts';
import { openApiRoutes } from './http/routes/openapi.ts';

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
  /** How long a Zoho host's open circuit breaker answers by itself (tests shorten it). */
  circuitOpenMs?: number;
  /** How often the run hub renews its runs' rows and reads cancels, and a follower elsewhere polls (tests shorten it). */
  runPollMs?: number;
  /** The identity provider's key cache timings (tests shorten them). */
  jwks?: Pick<JwksKeysOptions, 'cacheMaxAgeMs' | 'cooldownMs' | 'timeoutMs' | 'retryAfterFailureMs'>;
}

/**
 * The composition root: config → database → token store → Zoho clients → app. `main.ts` and the
 * tests build the runtime the same way, each with its own parts.
 */
export async function buildRuntime(config: Config, parts: RuntimeParts) {
  const database: Database = await openDatabase(parts.database ?? config.database, parts.logger);
  const cipher = createTokenCipher(config.tokenEncryptionKey);
  const store = new ConnectionStore(database.db, cipher);
  const overrides = config.zoho.overrides;
  const { clientId, redirectUri } = config.zoho;
  // One breaker per Zoho host for the whole instance: every user's calls to a failing host see it open.
  const breakers = createCircuitBreakers({ logger: parts.logger, openMs: parts.circuitOpenMs });
  const clients = createOAuthClients({ ...config.zoho, overrides, fetch: breakers.wrap('accounts', parts.fetch) });
  const oauth = clients.deployment;
  const resolver = createConnectionResolver({
    store,
    clients,
    overrides,
    logger: parts.logger,
    connectUrl: CONNECT_URL,
    now: parts.now,
  });
  // The Zoho API requests' keep-alive sockets, closed with the runtime (an injected fetch replaces them).
  const zohoAgents = createKeepAliveAgents();
  const { getZohoApi, listDeskOrganizations } = createZohoApiFactory({
    resolver, store, overrides, connectUrl: CONNECT_URL, fetch: parts.fetch, transport: createNodeZohoTransport(zohoAgents), breakers,
  });
  const saveConnection = createConnectionSaver({ store, clients, logger: parts.logger });
  const connectFlow = createConnectFlow({
    oauth,
    states: new OAuthStateStore(database.db, cipher, config.auth.stateSigningKey, parts.now),
    saveConnection,
    clientId,
    redirectUri,
    scopes: config.zoho.scopes,
    defaultDc: config.zoho.defaultDc,
    overrides,
    logger: parts.logger,
    // The connect flow's own Zoho call (the CRM org id) goes through the CRM breaker too.
    fetch: breakers.wrap('crm', parts.fetch),
    now: parts.now,
  });
  const importConnection = createConnectionImport({
    clients, saveConnection, scopes: config.zoho.scopes, overrides, logger: parts.logger, fetch: parts.fetch, now: parts.now,
  });
  const browser = createBrowserService({
    settings: config.browser, db: database.db, cipher, connections: store, overrides, defaultDc: config.zoho.defaultDc, logger: parts.logger, now: parts.now,
  });
  // No Chromium: the browser tool is not offered, and GET /api/tools says why.
  const unavailableTools = browser.unavailable
    ? allTools.filter((t) => t.app === 'browser').map((t) => ({ name: t.name, app: t.app, reason: browser.unavailable! }))
    : [];
  const registry = createToolRegistry(browser.unavailable ? allTools.filter((t) => t.app !== 'browser') : allTools);
  const llmOptions = config.openrouter.apiKey
    ? { apiKey: config.openrouter.apiKey, baseUrl: config.openrouter.baseUrl, maxRetries: parts.llmMaxRetries }
    : undefined;
  // The chat's streamed steps go through the lean request; the SDK serves the calls off that path (model repair).
  const llm = llmOptions && createCompletionStreamer(llmOptions);
  const llmSdk = llmOptions && createOpenRouterClient(llmOptions);
  const callLog = createToolCallLog(database.db, parts.logger);
  const repairDeps = {
    registry,
    fieldCatalog: createFieldCatalog(),
    logger: parts.logger,
    modelRepair: llmSdk ? createModelRepair(llmSdk, config.openrouter.model) : undefined,
  };
  const { executeToolWithRepair } = createToolExecutor({
    ...repairDeps,
    callLog,
    defaults: { timeoutMs: config.tools.timeoutMs, retryBaseMs: parts.retryBaseMs },
  });
  const prepareParams = createParamPreparer({ ...repairDeps, timeoutMs: config.tools.timeoutMs });
  const toolDeps = { registry, executeToolWithRepair, getZohoApi: createGetToolApi(getZohoApi, browser.getBrowserApi) };
  const rateLimiter = createRateLimiter(database.db, config.rateLimitPerMinute, { now: parts.now, logger: parts.logger });
  const pendingRuns = new PendingRunStore(database.db, parts.now);
  const conversations = new ConversationStore(database.db);
  const runLog = createRunLog(database.db, parts.logger);
  const verifyCaller = createCallerVerifier({
    jwtSecret: config.auth.jwtSecret,
    idp: config.auth.jwks && {
      keys: createJwksKeys({ url: config.auth.jwks.url, logger: parts.logger, ...parts.jwks }),
      issuer: config.auth.jwks.issuer,
      audience: config.auth.jwks.audience,
    },
    logger: parts.logger,
  });
  // The public origin is the redirect URI's: registered at Zoho, so it is the URL users reach us by
  // (a Host header is the caller's to choose, and behind a TLS proxy the request URL is internal).
  const publicOrigin = new URL(redirectUri).origin;
  const runHub = createRunHub({
    log: createRunEventLog(database.db, parts.logger), logger: parts.logger, detachGraceMs: config.chat.detachGraceMs,
    resumeTtlMs: config.chat.resumeTtlMs, runTimeoutMs: config.chat.runTimeoutMs, heartbeatMs: parts.runPollMs, now: parts.now,
  });
  const runStreams = createRunStreams({
    hub: runHub, logger: parts.logger, heartbeatMs: parts.heartbeatMs, maxStreamMs: config.chat.maxStreamMs, pollMs: parts.runPollMs,
  });
  const runSlots = createRunSlots(database.db, config.chat.maxConcurrentRuns, config.chat.runTimeoutMs + 60_000, parts.now);
  const app = createApp({
    logger: parts.logger,
    verifyCaller,
    ping: database.ping,
    connectFlow,
    importConnection,
    store,
    clients,
    rateLimiter,
    rootRoutes: [
      mcpRoutes({
        ...toolDeps, store, rateLimiter, inFlight: createInFlightCalls(), connectUrl: CONNECT_URL, origin: publicOrigin,
        logger: parts.logger, verifyCaller, issuer: config.auth.jwks?.issuer,
      }),
      openApiRoutes({ registry, origin: publicOrigin }),
    ],
    webRoutes: webRoutes({ jwtSecret: config.auth.jwtSecret, devLogin: config.env !== 'production' })
      .route('/browser-login', liveViewRoutes({ browser, heartbeatMs: parts.heartbeatMs })),
    apiRoutes: [
      { path: '/conversations', routes: conversationRoutes({ conversations, pendingRuns, registry }) },
      { path: '/tools', routes: toolRoutes({ ...toolDeps, rateLimiter, logger: parts.logger, heartbeatMs: parts.heartbeatMs, unavailable: unavailableTools }) },
      { path: '/browser', routes: browserRoutes({ browser, rateLimiter }) },
      { path: '/chat/runs', routes: chatRunRoutes(runStreams) },
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
          toolImages: createToolImages({ screenshots: browser.screenshots, logger: parts.logger }),
          rateLimiter,
          runSlots,
          runStreams,
          logger: parts.logger,
          heartbeatMs: parts.heartbeatMs,
        }),
      },
    ],
  });
  return {
    config, database, store, oauth, clients, resolver, getZohoApi, listDeskOrganizations, connectFlow, registry, executeToolWithRepair, llm, pendingRuns,
    conversations, callLog, runLog, runHub, rateLimiter, browser, app,
    async close() {
      await browser.close();
      await Promise.all([callLog.flush(), runLog.flush(), runHub.close(), rateLimiter.sync(), runSlots.flush()]);
      await database.close();
      llm?.close();
      zohoAgents.close();
    },
  };
}

export type Runtime = Awaited<ReturnType<typeof buildRuntime>>;
