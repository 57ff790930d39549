import { AppError } from '../errors.ts';
import { isAllowedAccountsUrl, type HostOverrides } from './data-centres.ts';

/** What a token endpoint answer gives us; `refreshToken` only on a code exchange. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  apiDomain?: string;
  /** Seconds. */
  expiresIn: number;
  scope?: string;
}

export interface ZohoUserInfo {
  zohoUserId: string;
  email?: string;
  displayName?: string;
  /** From `org_id`, `organization_id`, `ZGID`, else the user id (DESIGN.md). */
  orgId: string;
}

export interface ZohoOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  overrides?: HostOverrides;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Token answers that mean the refresh token (or code) no longer works. */
const DEAD_GRANT_ERRORS = new Set(['invalid_code', 'invalid_grant']);

/** The Zoho Accounts client: code exchange, refresh, revoke, user info. Follows no redirects. */
export class ZohoOAuth {
  constructor(private readonly options: ZohoOAuthOptions) {}

  /** `POST {accounts}/oauth/v2/token` with `grant_type=authorization_code`. */
  exchangeCode(accountsUrl: string, code: string, codeVerifier?: string): Promise<TokenSet> {
    const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: this.options.redirectUri };
    if (codeVerifier) form.code_verifier = codeVerifier;
    return this.tokenRequest(accountsUrl, form, 'code');
  }

  /**
   * A Self Client's grant code (generated in the API console, it lives minutes): exchanged with
   * only the client's id and secret, no redirect URI (Zoho's Self Client authorization-code flow).
   */
  exchangeSelfClientCode(accountsUrl: string, code: string): Promise<TokenSet> {
    return this.tokenRequest(accountsUrl, { grant_type: 'authorization_code', code }, 'code');
  }

  /** `POST {accounts}/oauth/v2/token` with `grant_type=refresh_token`; Zoho answers without a new refresh token. */
  refreshTokens(accountsUrl: string, refreshToken: string): Promise<TokenSet> {
    return this.tokenRequest(accountsUrl, { grant_type: 'refresh_token', refresh_token: refreshToken }, 'refresh');
  }

  /** `POST {accounts}/oauth/v2/token/revoke?token=…`; a token Zoho no longer knows counts as revoked. */
  async revokeToken(accountsUrl: string, refreshToken: string): Promise<void> {
    this.assertAccountsUrl(accountsUrl);
    const url = `${accountsUrl}/oauth/v2/token/revoke?${new URLSearchParams({ token: refreshToken })}`;
    const response = await this.send(url, { method: 'POST' });
    if (response.status >= 500 || (response.status >= 300 && response.status < 400)) {
      throw new AppError('ZOHO_UNAVAILABLE', `Zoho accounts answered ${response.status} to a token revoke.`);
    }
    await response.body?.cancel();
  }

  /** `GET {accounts}/oauth/user/info`: who the token belongs to. */
  async getUserInfo(accountsUrl: string, accessToken: string): Promise<ZohoUserInfo> {
    this.assertAccountsUrl(accountsUrl);
    const response = await this.send(`${accountsUrl}/oauth/user/info`, {
      headers: { authorization: `Zoho-oauthtoken ${accessToken}` },
    });
    const body = (await readJson(response)) ?? {};
    const zuid = body?.ZUID ?? body?.zuid;
    if (!response.ok || zuid === undefined || zuid === null) {
      throw new AppError('ZOHO_UNAVAILABLE', `Zoho accounts did not return user info (HTTP ${response.status}).`);
    }
    const orgId = body.org_id ?? body.organization_id ?? body.ZGID ?? zuid;
    return {
      zohoUserId: String(zuid),
      email: typeof body.Email === 'string' ? body.Email : undefined,
      displayName: typeof body.Display_Name === 'string' ? body.Display_Name : undefined,
      orgId: String(orgId),
    };
  }

  private async tokenRequest(accountsUrl: string, form: Record<string, string>, kind: 'code' | 'refresh'): Promise<TokenSet> {
    this.assertAccountsUrl(accountsUrl);
    const body = new URLSearchParams({ ...form, client_id: this.options.clientId, client_secret: this.options.clientSecret });
    const response = await this.send(`${accountsUrl}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    if (response.status >= 300 && response.status < 400) {
      throw new AppError('ZOHO_UNAVAILABLE', 'Zoho accounts answered with a redirect; it was not followed.');
    }
    // Zoho reports token errors in a 200 body, so the body decides, not the status (ZOHO.md 1.3).
    const json = await readJson(response);
    if (json && typeof json.access_token === 'string') return toTokenSet(json);
    const error = typeof json?.error === 'string' ? json.error : undefined;
    if (error && DEAD_GRANT_ERRORS.has(error)) {
      throw kind === 'refresh'
        ? new AppError('ZOHO_RECONNECT_REQUIRED', 'The Zoho connection no longer works; connect Zoho again.', { details: { zohoError: error } })
        : new AppError('INVALID_REQUEST', 'The Zoho authorization code is invalid, used or expired; connect again.', { details: { zohoError: error } });
    }
    if (error === 'Access Denied') {
      throw new AppError('ZOHO_RATE_LIMITED', 'Zoho is throttling token requests for this connection; try again in a few minutes.', { retryAfter: 60 });
    }
    throw new AppError('ZOHO_UNAVAILABLE', `Zoho accounts gave no access token (HTTP ${response.status}${error ? `, ${error}` : ''}).`, {
      details: error ? { zohoError: error } : undefined,
    });
  }

  private assertAccountsUrl(accountsUrl: string): void {
    if (!isAllowedAccountsUrl(accountsUrl, this.options.overrides)) {
      throw new AppError('INVALID_REQUEST', 'Not a known Zoho accounts server.');
    }
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    const doFetch = this.options.fetch ?? fetch;
    try {
      return await doFetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (cause) {
      // An open circuit breaker (compose wraps this fetch) already says why, with Retry-After.
      if (cause instanceof AppError) throw cause;
      throw new AppError('ZOHO_UNAVAILABLE', 'Zoho accounts could not be reached.', { cause });
    }
  }
}

function toTokenSet(json: Record<string, any>): TokenSet {
  // `expires_in_sec` marks old answers whose `expires_in` was in ms (ZOHO.md 1.3): prefer it.
  const expiresIn = Number(json.expires_in_sec ?? json.expires_in ?? 3600);
  return {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : undefined,
    apiDomain: typeof json.api_domain === 'string' ? json.api_domain : undefined,
    expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 3600,
    scope: typeof json.scope === 'string' ? json.scope : undefined,
  };
}

async function readJson(response: Response): Promise<Record<string, any> | undefined> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
