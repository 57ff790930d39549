import { AppError } from '../errors.ts';
import type { ConnectionStore } from './connection-store.ts';
import type { OAuthClients } from './oauth-clients.ts';

/**
 * `DELETE /api/connections/:id`: revoke the refresh token at the connection's own accounts host,
 * then delete the row. If Zoho cannot be reached the row stays, so the user can try again and
 * no live token is forgotten.
 */
export async function disconnect(
  deps: { store: ConnectionStore; clients: Pick<OAuthClients, 'forConnection'> },
  appUserId: string,
  connectionId: string,
): Promise<void> {
  const connection = await deps.store.findForUser(appUserId, connectionId);
  if (!connection) throw new AppError('NOT_FOUND', 'No such connection.');
  await deps.clients.forConnection(connection).revokeToken(connection.accountsServer, connection.refreshToken);
  await deps.store.deleteForUser(appUserId, connectionId);
}
