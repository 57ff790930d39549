import type { Logger } from '../log.ts';
import type { ConnectionStore, NewConnection, ZohoConnection } from './connection-store.ts';
import type { OAuthClients } from './oauth-clients.ts';

export interface SaveConnectionDeps {
  store: ConnectionStore;
  clients: Pick<OAuthClients, 'forConnection'>;
  logger: Logger;
}

/**
 * How every connection is stored, whether it came through the OAuth callback or an import: one
 * row per app user and Zoho user-org (connecting again updates it), and the refresh token it
 * replaces is revoked, so reconnecting does not pile up toward Zoho's 20 refresh tokens per user.
 */
export function createConnectionSaver(deps: SaveConnectionDeps) {
  return async function saveConnection(input: NewConnection, via: 'oauth' | 'import'): Promise<ZohoConnection> {
    const { connection, replacedRefreshToken } = await deps.store.upsert(input);
    if (replacedRefreshToken) await revokeQuietly(deps, connection, replacedRefreshToken);
    deps.logger.info('zoho.connect.ok', { connectionId: connection.id, userId: connection.appUserId, dc: connection.dc, via });
    return connection;
  };
}

export type SaveConnection = ReturnType<typeof createConnectionSaver>;

/** Revoking takes only the token (ZOHO.md 1.5), so any client can do it; a failure is logged, not fatal. */
async function revokeQuietly(deps: SaveConnectionDeps, connection: ZohoConnection, refreshToken: string): Promise<void> {
  try {
    await deps.clients.forConnection(connection).revokeToken(connection.accountsServer, refreshToken);
  } catch (error) {
    deps.logger.warn('zoho.connect.revoke_replaced_failed', { connectionId: connection.id, message: (error as Error).message });
  }
}
