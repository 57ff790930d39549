import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ClientCredentials, ZohoConnection } from './connection-store.ts';
import { dataCentreForApiDomain, isAllowedApiDomain, resolveDataCentre, type DataCentreCode, type HostOverrides } from './data-centres.ts';
import { notConfigured, type OAuthClients } from './oauth-clients.ts';
import type { TokenSet, ZohoOAuth } from './oauth.ts';
import type { SaveConnection } from './save-connection.ts';
import { identifyToken, type TokenIdentity } from './identify-token.ts';

/** `POST /api/connections/zoho/import`: a refresh token (of this deployment's client or a Self Client), or a Self Client code. */
export type ImportRequest =
  | { dc: DataCentreCode; refreshToken: string; code?: undefined; clientId?: string; clientSecret?: string }
  | { dc: DataCentreCode; code: string; refreshToken?: undefined; clientId: string; clientSecret: string };

export interface ImportResult {
  connection: ZohoConnection;
  /** Scopes the tools need (ZOHO_SCOPES) that the token lacks. */
  missingScopes: string[];
  /** `token`: Zoho's answer listed the granted scopes; `probe`: it did not, so the missing ones are those the identity reads were refused. */
  scopeSource: 'token' | 'probe';
}

export interface ImportDeps {
  clients: OAuthClients;
  saveConnection: SaveConnection;
  /** What the tools need (ZOHO_SCOPES). */
  scopes: string[];
  overrides: HostOverrides;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Connecting without a browser (Zoho's SDKs call it associating a token with a user): refresh once
 * (or exchange the Self Client code) to prove the token, check the data centre its `api_domain`
 * names, read whose token it is, and store it exactly as the OAuth callback does. Every failure is
 * a 4xx naming the field and Zoho's reason, and stores nothing; a token minted here from a code is
 * revoked again when the import fails after minting it.
 */
export function createConnectionImport(deps: ImportDeps) {
  const now = deps.now ?? Date.now;

  return async function importConnection(appUserId: string, request: ImportRequest): Promise<ImportResult> {
    const dc = resolveDataCentre(request.dc, deps.overrides);
    const credentials: ClientCredentials | null = request.clientId && request.clientSecret
      ? { clientId: request.clientId, clientSecret: request.clientSecret }
      : null;
    const oauth = credentials ? deps.clients.forSelfClient(credentials) : deps.clients.deployment;
    if (!oauth) throw notConfigured();
    const tokens = await obtainTokens(oauth, dc.accountsUrl, request, credentials !== null);
    const refreshToken = request.code !== undefined ? tokens.refreshToken : request.refreshToken;
    if (!refreshToken) throw bad('code', 'Zoho answered the code without a refresh token; generate a new code in the API console and import again.');
    try {
      const apiDomain = checkApiDomain(tokens, dc.apiUrl, request.dc);
      const identity = await identifyToken({ oauth, accountsUrl: dc.accountsUrl, deskUrl: dc.deskUrl, apiDomain, tokens, required: deps.scopes, fetch: deps.fetch });
      const connection = await deps.saveConnection({
        ...identityColumns(identity),
        appUserId,
        dc: dc.code,
        accountsServer: dc.accountsUrl,
        apiDomain,
        accessToken: tokens.accessToken,
        refreshToken,
        tokenExpiresAt: Math.floor(now() / 1000) + tokens.expiresIn,
        clientCredentials: credentials,
      }, 'import');
      return { connection, missingScopes: identity.missingScopes, scopeSource: identity.scopeSource };
    } catch (error) {
      if (request.code !== undefined) await revokeQuietly(oauth, dc.accountsUrl, refreshToken, deps.logger);
      throw error;
    }
  };

  /** The token answer's `api_domain` must be a Zoho API host, and in the DC the caller named (ZOHO.md 1.3, 2.3). */
  function checkApiDomain(tokens: TokenSet, fallback: string, dc: DataCentreCode): string {
    const apiDomain = tokens.apiDomain ?? fallback;
    if (!isAllowedApiDomain(apiDomain, deps.overrides)) {
      throw new AppError('ZOHO_UNAVAILABLE', 'Zoho returned an api_domain that is not a known Zoho API host; nothing was stored.');
    }
    // With ZOHO_API_URL set every DC shares that host, so the answer cannot name another DC.
    const answered = dataCentreForApiDomain(apiDomain);
    if (answered && answered.code !== dc) {
      throw bad('dc', `The token belongs to Zoho's "${answered.code}" data centre (api_domain ${apiDomain}), not "${dc}": import it with "dc": "${answered.code}".`);
    }
    return apiDomain;
  }
}

export type ImportConnection = ReturnType<typeof createConnectionImport>;

function identityColumns(identity: TokenIdentity) {
  const { zohoUserId, zohoOrgId, email, crmOrgId, deskOrgId, scopes } = identity;
  return { zohoUserId, zohoOrgId, email, crmOrgId, deskOrgId, scopes };
}

/** One refresh (or the code exchange), with Zoho's refusals turned into 4xx answers that name the field. */
async function obtainTokens(oauth: ZohoOAuth, accountsUrl: string, request: ImportRequest, selfClient: boolean): Promise<TokenSet> {
  try {
    return request.code !== undefined
      ? await oauth.exchangeSelfClientCode(accountsUrl, request.code)
      : await oauth.refreshTokens(accountsUrl, request.refreshToken);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const zohoError = typeof error.details?.zohoError === 'string' ? error.details.zohoError : undefined;
    if (zohoError === 'invalid_client') {
      const what = selfClient ? 'clientId and clientSecret (the Self Client\'s, from the API console)' : 'the server\'s ZOHO_CLIENT_ID and ZOHO_CLIENT_SECRET';
      throw bad(selfClient ? 'clientId' : 'dc', `Zoho refused the client (invalid_client): check ${what}, and that "${request.dc}" is the data centre the client was created in.`, zohoError);
    }
    if (error.code === 'ZOHO_RECONNECT_REQUIRED') {
      const whose = selfClient ? '' : ', minted by a Self Client (then give its clientId and clientSecret)';
      throw bad('refreshToken', `Zoho refused the refresh token (${zohoError}): it is revoked, mistyped${whose}, or from another data centre than "${request.dc}".`, zohoError);
    }
    if (error.code === 'INVALID_REQUEST' && request.code !== undefined) {
      throw bad('code', `Zoho refused the code (${zohoError ?? 'invalid'}): a Self Client code is single use and expires within minutes; generate a new one.`, zohoError);
    }
    if (error.code === 'ZOHO_RATE_LIMITED') {
      throw new AppError('ZOHO_RATE_LIMITED', 'Zoho refused to mint another access token: it allows 10 per refresh token in 10 minutes. Try again later; nothing was stored.', {
        retryAfter: error.retryAfter, details: { field: request.code !== undefined ? 'code' : 'refreshToken', zohoError: 'Access Denied' },
      });
    }
    throw error;
  }
}

async function revokeQuietly(oauth: ZohoOAuth, accountsUrl: string, refreshToken: string, logger: Logger): Promise<void> {
  try {
    await oauth.revokeToken(accountsUrl, refreshToken);
  } catch (error) {
    logger.warn('zoho.import.revoke_failed', { message: (error as Error).message });
  }
}

const bad = (field: string, message: string, zohoError?: string) =>
  new AppError('INVALID_REQUEST', message, { details: { field, ...(zohoError ? { zohoError } : {}) } });
