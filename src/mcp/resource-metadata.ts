/** Where the RFC 9728 metadata of `/mcp` is served (and named in every 401 from it). */
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** RFC 9728 §2: what an MCP client learns before it has a token. */
export interface ResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  bearer_methods_supported: ['header'];
  resource_name: string;
}

/** The metadata for `<origin>/mcp`; the host's identity provider (`AUTH_JWT_ISSUER`) issues its tokens when set. */
export function resourceMetadata(origin: string, issuer: string | undefined): ResourceMetadata {
  return {
    resource: `${origin}/mcp`,
    ...(issuer ? { authorization_servers: [issuer] } : {}),
    bearer_methods_supported: ['header'],
    resource_name: 'Zoho agent runtime (MCP)',
  };
}

/** The `WWW-Authenticate` value of a refused `/mcp` request (RFC 9728 §5.1). */
export const bearerChallenge = (origin: string): string => `Bearer resource_metadata="${origin}${RESOURCE_METADATA_PATH}"`;
