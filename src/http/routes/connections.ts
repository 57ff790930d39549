import { Hono } from 'hono';
import { z } from 'zod';
import type { ConnectionStore } from '../../zoho/connection-store.ts';
import { toConnectionView } from '../../zoho/connection-view.ts';
import type { ConnectFlow } from '../../zoho/connect-flow.ts';
import { DATA_CENTRE_CODES } from '../../zoho/data-centres.ts';
import { disconnect } from '../../zoho/disconnect.ts';
import type { ImportConnection, ImportRequest } from '../../zoho/import-connection.ts';
import type { OAuthClients } from '../../zoho/oauth-clients.ts';
import type { RateLimiter } from '../../budgets/rate-limiter.ts';
import type { AuthEnv } from '../auth.ts';
import { rateLimitPerUser } from '../rate-limit.ts';
import { readJsonBody } from '../validate.ts';

/** `POST /api/connections/zoho`'s body (also the OpenAPI document's). */
export const connectBodySchema = z.object({ dc: z.enum(DATA_CENTRE_CODES).optional() }).strict();

const secret = z.string().trim().min(1, 'must not be empty').max(1000, 'at most 1000 characters');

/** `{dc, refreshToken, clientId?, clientSecret?}` or `{dc, code, clientId, clientSecret}` (DESIGN.md). */
export const importBodySchema = z
  .object({ dc: z.enum(DATA_CENTRE_CODES), refreshToken: secret.optional(), code: secret.optional(), clientId: secret.optional(), clientSecret: secret.optional() })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.refreshToken === undefined) === (b.code === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['refreshToken'], message: 'give exactly one of refreshToken or code' });
    }
    if ((b.clientId === undefined) !== (b.clientSecret === undefined)) {
      ctx.addIssue({ code: 'custom', path: [b.clientId === undefined ? 'clientId' : 'clientSecret'], message: 'give clientId and clientSecret together (the Self Client\'s)' });
    } else if (b.code !== undefined && b.clientId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'a Self Client code needs the clientId and clientSecret of that Self Client' });
    }
  });

export interface ConnectionRouteDeps {
  flow: ConnectFlow;
  importConnection: ImportConnection;
  store: ConnectionStore;
  clients: Pick<OAuthClients, 'forConnection'>;
  /** Each import asks Zoho to mint a token: counted against the per-user limit like tool calls. */
  rateLimiter: RateLimiter;
}

/** `/api/connections`: connect (in a browser, or by importing a token), list and delete the caller's own Zoho connections. */
export function connectionRoutes(deps: ConnectionRouteDeps) {
  return new Hono<AuthEnv>()
    .post('/zoho', async (c) => {
      const { dc } = await readJsonBody(c, connectBodySchema);
      return c.json(await deps.flow.startConnect(c.get('userId'), dc));
    })
    .use('/zoho/import', rateLimitPerUser(deps.rateLimiter, 'import'))
    .post('/zoho/import', async (c) => {
      const body = (await readJsonBody(c, importBodySchema)) as ImportRequest;
      c.header('cache-control', 'no-store');
      const { connection, missingScopes, scopeSource } = await deps.importConnection(c.get('userId'), body);
      return c.json({ ...toConnectionView(connection), missingScopes, scopeSource });
    })
    .get('/', async (c) => {
      const connections = await deps.store.listForUser(c.get('userId'));
      return c.json({ connections: connections.map(toConnectionView) });
    })
    .delete('/:id', async (c) => {
      await disconnect(deps, c.get('userId'), c.req.param('id'));
      return c.body(null, 204);
    });
}
