import { AppError } from '../errors.ts';
import type { ConnectionStore } from './connection-store.ts';
import type { ZohoOAuth } from './oauth.ts';

/**
 * `DELETE /api/connections/:id`: revoke the refresh token at the connection's own accounts host,
 * then delete the row. If Zoho cannot be reached the row stays, so the user can try again and
 * no live token is forgotten.
 */
export async function disconnect(
  deps: { store: ConnectionStore; oauth: Pick<ZohoOAuth, 'revokeToken'> | undefined },
  appUserId: string,
  connectionId: string,
): Promise<void> {
  const connection = await deps.store.findForUser(appUserId, connectionId);
  if (!connection) throw new AppError('NOT_FOUND', 'No such connection.');
  if (!deps.oauth) throw new AppError('ZOHO_NOT_CONFIGURED', 'ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET are not set on the server.');
  await deps.oauth.revokeToken(connection.accountsServer, connection.refreshToken);
  await deps.store.deleteForUser(appUserId, connectionId);
}
