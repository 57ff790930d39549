import { Hono } from 'hono';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ConnectionStore } from '../zoho/connection-store.ts';
import type { ConnectFlow } from '../zoho/connect-flow.ts';
import type { ImportConnection } from '../zoho/import-connection.ts';
import type { OAuthClients } from '../zoho/oauth-clients.ts';
import type { RateLimiter } from '../budgets/rate-limiter.ts';
import { requireUser, type AuthEnv, type VerifyCaller } from './auth.ts';
import { errorResponse } from './error-response.ts';
import { refuseUnstorableUrl } from './storable-text.ts';
import { connectionRoutes } from './routes/connections.ts';
import { healthRoutes } from './routes/health.ts';
import { oauthCallbackRoutes } from './routes/oauth-callback.ts';
import { limitBody } from './body-limit.ts';

export interface AppDeps {
  logger: Logger;
  /** Checks callers' bearer tokens (auth.ts). */
  verifyCaller: VerifyCaller;
  ping: () => Promise<void>;
  connectFlow: ConnectFlow;
  importConnection: ImportConnection;
  store: ConnectionStore;
  clients: OAuthClients;
  rateLimiter: RateLimiter;
  /** Further `/api` routes (tools, chat), mounted behind the same auth. */
  apiRoutes?: Array<{ path: string; routes: Hono<AuthEnv> }>;
  /** The chat page and its files, mounted at the root without auth (`routes/web.ts`). */
  webRoutes?: Hono;
  /** Routes at the root that carry their own auth: MCP and its metadata, the OpenAPI document. */
  rootRoutes?: Hono[];
}

/** The HTTP application: routes and middleware only; every dependency comes in through `deps`. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.onError((error, c) => errorResponse(c, error, deps.logger));
  app.notFound((c) => errorResponse(c, new AppError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`), deps.logger));
  app.use('*', refuseUnstorableUrl());
  app.route('/', healthRoutes(deps.ping));
  app.route('/auth', oauthCallbackRoutes({ flow: deps.connectFlow, logger: deps.logger }));

  const api = new Hono<AuthEnv>();
  api.use('*', limitBody(1024 * 1024, () => { throw new AppError('PAYLOAD_TOO_LARGE', 'The body is larger than 1 MB.'); }));
  api.use('*', requireUser(deps.verifyCaller));
  api.route('/connections', connectionRoutes({ flow: deps.connectFlow, importConnection: deps.importConnection, store: deps.store, clients: deps.clients, rateLimiter: deps.rateLimiter }));
  for (const extra of deps.apiRoutes ?? []) api.route(extra.path, extra.routes);
  app.route('/api', api);
  for (const routes of deps.rootRoutes ?? []) app.route('/', routes);
  if (deps.webRoutes) app.route('/', deps.webRoutes);
  return app;
}
