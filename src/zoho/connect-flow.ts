import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { ZohoConnection } from './connection-store.ts';
import {
  dataCentreForLocation,
  isAllowedApiDomain,
  resolveDataCentre,
  DATA_CENTRE_CODES,
  type DataCentreCode,
  type HostOverrides,
} from './data-centres.ts';
import { notConfigured } from './oauth-clients.ts';
import { codeChallengeOf, type OAuthStateStore } from './oauth-state.ts';
import type { ZohoOAuth } from './oauth.ts';
import type { SaveConnection } from './save-connection.ts';
import { createTokenProbe } from './token-probe.ts';

export interface ConnectFlowDeps {
  /** The deployment's OAuth client; undefined when ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET are not set. */
  oauth: ZohoOAuth | undefined;
  states: OAuthStateStore;
  saveConnection: SaveConnection;
  clientId: string | undefined;
  redirectUri: string;
  scopes: string[];
  defaultDc: DataCentreCode;
  overrides: HostOverrides;
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
}

/** The query Zoho redirects back with; each value as it arrived (arrays mean a repeated parameter). */
export interface CallbackParams {
  code?: string[];
  state?: string[];
  location?: string[];
  accountsServer?: string[];
  error?: string[];
}

/** Connecting a Zoho account: the authorize URL, then the callback that stores the connection. */
export function createConnectFlow(deps: ConnectFlowDeps) {
  const now = deps.now ?? Date.now;

  function requireOAuth(): ZohoOAuth {
    if (!deps.oauth || !deps.clientId) throw notConfigured();
    return deps.oauth;
  }

  /** `POST /api/connections/zoho`: where to send the user to grant access. */
  async function startConnect(appUserId: string, dc: DataCentreCode = deps.defaultDc): Promise<{ authorizeUrl: string }> {
    requireOAuth();
    const { state, codeVerifier } = await deps.states.create(appUserId, dc);
    const url = new URL(`${resolveDataCentre(dc, deps.overrides).accountsUrl}/oauth/v2/auth`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: deps.clientId!,
      scope: deps.scopes.join(','),
      redirect_uri: deps.redirectUri,
      access_type: 'offline',
      prompt: 'consent',
      state,
      // PKCE is documented by Zoho for mobile/desktop clients; for server clients it is UNVERIFIED
      // (ZOHO.md 1.1). Zoho ignores unknown parameters, and binding the code to this flow costs nothing.
      code_challenge: codeChallengeOf(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    return { authorizeUrl: url.toString() };
  }

  /** `GET /auth/zoho/callback`: every check before any request leaves; nothing stored on failure. */
  async function completeConnect(params: CallbackParams): Promise<ZohoConnection> {
    const oauth = requireOAuth();
    for (const [name, values] of Object.entries(params)) {
      if (values && values.length > 1) throw bad(`The ${name} parameter appears more than once.`);
    }
    const state = params.state?.[0];
    if (!state) throw bad('The state parameter is missing; start connecting again.');
    const consumed = await deps.states.consume(state);
    if (!consumed) throw bad('The state is invalid, expired or already used; start connecting again.');
    if (params.error?.[0]) throw bad(`Zoho did not grant access (${params.error[0].slice(0, 60)}).`);
    const code = params.code?.[0];
    if (!code) throw bad('The code parameter is missing.');

    const dc = chooseDataCentre(consumed.dc, params.location?.[0], params.accountsServer?.[0]);
    const tokens = await oauth.exchangeCode(dc.accountsUrl, code, consumed.codeVerifier);
    if (!tokens.refreshToken) throw bad('Zoho returned no refresh token; connect again and accept the consent screen.');
    const apiDomain = tokens.apiDomain ?? dc.apiUrl;
    if (!isAllowedApiDomain(apiDomain, deps.overrides)) {
      throw new AppError('ZOHO_UNAVAILABLE', 'Zoho returned an api_domain that is not a known Zoho API host; nothing was stored.');
    }
    const user = await oauth.getUserInfo(dc.accountsUrl, tokens.accessToken);
    const crmOrg = await createTokenProbe({ apiDomain, deskUrl: dc.deskUrl, accessToken: tokens.accessToken, fetch: deps.fetch }).crmOrg();
    // A Desk-only account has no CRM org, which is not an error.
    if (!crmOrg.ok) deps.logger.warn('zoho.connect.no_crm_org', { code: crmOrg.error.code, message: crmOrg.error.message });
    return deps.saveConnection({
      appUserId: consumed.appUserId,
      zohoUserId: user.zohoUserId,
      zohoOrgId: user.orgId,
      email: user.email,
      dc: dc.code,
      accountsServer: dc.accountsUrl,
      apiDomain,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenExpiresAt: Math.floor(now() / 1000) + tokens.expiresIn,
      scopes: tokens.scope ? tokens.scope.split(/[ ,]+/) : deps.scopes,
      crmOrgId: crmOrg.ok ? crmOrg.value.id : null,
    }, 'oauth');
  }

  /**
   * The accounts host comes from our table for `location`, never from the request:
   * `accounts-server`, when present, must equal that host byte for byte (ZOHO.md 2.3).
   */
  function chooseDataCentre(stateDc: string, location: string | undefined, accountsServer: string | undefined) {
    const fromLocation = location === undefined ? undefined : dataCentreForLocation(location);
    if (location !== undefined && !fromLocation) throw bad('Unknown Zoho location.');
    const code = fromLocation?.code ?? (DATA_CENTRE_CODES.includes(stateDc as DataCentreCode) ? (stateDc as DataCentreCode) : deps.defaultDc);
    const dc = resolveDataCentre(code, deps.overrides);
    if (accountsServer !== undefined && accountsServer !== dc.accountsUrl) {
      deps.logger.warn('zoho.connect.forged_accounts_server', { location: location ?? null, accountsServer: JSON.stringify(accountsServer.slice(0, 200)) });
      throw bad('The accounts-server does not match the Zoho data centre; nothing was sent.');
    }
    return dc;
  }

  return { startConnect, completeConnect };
}

export type ConnectFlow = ReturnType<typeof createConnectFlow>;

const bad = (message: string) => new AppError('INVALID_REQUEST', message);
