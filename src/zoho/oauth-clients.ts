import { AppError } from '../errors.ts';
import type { ClientCredentials, ZohoConnection } from './connection-store.ts';
import type { HostOverrides } from './data-centres.ts';
import { ZohoOAuth } from './oauth.ts';

export interface OAuthClientsOptions {
  /** The deployment's own client (`ZOHO_CLIENT_ID` / `ZOHO_CLIENT_SECRET`), when configured. */
  clientId?: string;
  clientSecret?: string;
  redirectUri: string;
  overrides: HostOverrides;
  fetch?: typeof fetch;
}

/**
 * The Zoho OAuth clients a refresh token can belong to: the deployment's, or the Self Client a
 * user imported the token from (its credentials live encrypted with the connection). A refresh
 * token only refreshes with the client that minted it.
 */
export function createOAuthClients(options: OAuthClientsOptions) {
  const { redirectUri, overrides } = options;
  const deployment = options.clientId && options.clientSecret
    ? new ZohoOAuth({ clientId: options.clientId, clientSecret: options.clientSecret, redirectUri, overrides, fetch: options.fetch })
    : undefined;

  /** A Self Client: no redirect URI of its own (its codes come from the API console). */
  const forSelfClient = (credentials: ClientCredentials) => new ZohoOAuth({ ...credentials, redirectUri, overrides, fetch: options.fetch });

  return {
    deployment,
    forSelfClient,
    /** The client that refreshes this connection's token. */
    forConnection(connection: Pick<ZohoConnection, 'clientCredentials'>): ZohoOAuth {
      if (connection.clientCredentials) return forSelfClient(connection.clientCredentials);
      if (!deployment) throw notConfigured();
      return deployment;
    },
  };
}

export type OAuthClients = ReturnType<typeof createOAuthClients>;

export const notConfigured = () =>
  new AppError('ZOHO_NOT_CONFIGURED', 'ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET are not set on the server.');
