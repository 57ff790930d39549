import { Hono } from 'hono';
import { z } from 'zod';
import type { ConnectionStore } from '../../zoho/connection-store.ts';
import { toConnectionView } from '../../zoho/connection-view.ts';
import type { ConnectFlow } from '../../zoho/connect-flow.ts';
import { DATA_CENTRE_CODES } from '../../zoho/data-centres.ts';
import { disconnect } from '../../zoho/disconnect.ts';
import type { ZohoOAuth } from '../../zoho/oauth.ts';
import type { AuthEnv } from '../auth.ts';
import { readJsonBody } from '../validate.ts';

const startBody = z.object({ dc: z.enum(DATA_CENTRE_CODES).optional() }).strict();

/** `/api/connections`: connect, list and delete the caller's own Zoho connections. */
export function connectionRoutes(deps: { flow: ConnectFlow; store: ConnectionStore; oauth: ZohoOAuth | undefined }) {
  return new Hono<AuthEnv>()
    .post('/zoho', async (c) => {
      const { dc } = await readJsonBody(c, startBody);
      return c.json(await deps.flow.startConnect(c.get('userId'), dc));
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
