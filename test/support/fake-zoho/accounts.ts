// Zoho Accounts: /oauth/v2/token, /oauth/v2/token/revoke, /oauth/user/info (ZOHO.md section 1).
import { createHash } from 'node:crypto';
import type { FakeRequest, RefreshInfo, Reply, State } from './types.ts';
import { bearer, formParams, hasScope, json, liveAccess, sleep, splitName, zohoToken } from './util.ts';

/** ZOHO.md 1.4: max 15 live access tokens per refresh token; the 16th silently kills the oldest. */
const MAX_ACCESS_PER_REFRESH = 15;
/** Grant codes: single use, 2 minutes (ZOHO.md 1.2, the stricter of the two documented values). */
const CODE_TTL_MS = 2 * 60 * 1000;
/** ZOHO.md 1.4: at most 10 access tokens per refresh token in 10 minutes, then "Access Denied". */
const MINTS_PER_WINDOW = 10;
const MINT_WINDOW_MS = 10 * 60 * 1000;

export function issueCode(
  s: State,
  zuid: string,
  opts: { scopes?: string[]; codeChallenge?: string; clientId?: string } = {},
): string {
  if (!s.users.has(zuid)) throw new Error(`fake-zoho: unknown user ${zuid}; addUser() first`);
  const code = zohoToken();
  s.codes.set(code, {
    zuid,
    clientId: opts.clientId ?? s.clientId,
    scopes: opts.scopes ?? [],
    ...(opts.codeChallenge !== undefined ? { codeChallenge: opts.codeChallenge } : {}),
    expiresAt: Date.now() + CODE_TTL_MS,
    used: false,
  });
  return code;
}

export function createRefresh(s: State, zuid: string, scopes: string[], clientId = s.clientId): RefreshInfo {
  const r: RefreshInfo = { token: zohoToken(), zuid, clientId, scopes, active: true, accessTokens: [], mintedAt: [] };
  s.refreshTokens.set(r.token, r);
  return r;
}

export function mintAccess(s: State, r: RefreshInfo): string {
  const token = zohoToken();
  s.accessTokens.set(token, {
    token,
    zuid: r.zuid,
    scopes: r.scopes,
    refreshToken: r.token,
    expiresAt: Date.now() + s.tokenEndpoint.expiresIn * 1000,
    active: true,
  });
  r.accessTokens.push(token);
  r.mintedAt.push(Date.now());
  const live = r.accessTokens.filter((t) => s.accessTokens.get(t)?.active);
  if (live.length > MAX_ACCESS_PER_REFRESH) {
    const oldest = s.accessTokens.get(live[0] ?? '');
    if (oldest) oldest.active = false;
  }
  r.accessTokens = r.accessTokens.filter((t) => s.accessTokens.get(t)?.active);
  return token;
}

export function revokeRefresh(s: State, token: string): boolean {
  const r = s.refreshTokens.get(token);
  if (!r || !r.active) return false;
  r.active = false;
  for (const t of r.accessTokens) {
    const a = s.accessTokens.get(t);
    if (a) a.active = false;
  }
  return true;
}

const ok = (body: unknown): Reply => json(200, body);

/** ZOHO.md 1.3: throttling answers HTTP 200 with this body. */
const accessDenied = (): Reply => ok({
  error: 'Access Denied',
  error_description: 'You have made too many requests continuously. Please try again after some time.',
});

export async function tokenEndpoint(s: State, r: FakeRequest): Promise<Reply> {
  const te = s.tokenEndpoint;
  if (te.delayMs > 0) await sleep(te.delayMs);
  if (te.redirectTo) return { status: 307, headers: { location: te.redirectTo } };
  // Chosen (not from a Zoho doc): a non-POST gets a plain 405.
  if (r.method !== 'POST') return { status: 405, body: 'Method Not Allowed', headers: { allow: 'POST' } };
  const p = formParams(r.query, r.body);
  if (p['grant_type'] === 'refresh_token') return refreshGrant(s, p);
  if (p['grant_type'] === 'authorization_code') return codeGrant(s, p);
  // Chosen (not from a Zoho doc): unknown/missing grant_type, as a 200-with-error like Zoho's other errors.
  return ok({ error: 'unsupported_grant_type' });
}

/** The client's secret must match: the deployment's client or a Self Client (invalid_client wording: ZOHO.md 1.3, UNVERIFIED). */
function knownClient(s: State, p: Record<string, string>): boolean {
  const id = p['client_id'] ?? '';
  const secret = id === s.clientId ? s.clientSecret : s.selfClients.get(id);
  return secret !== undefined && p['client_secret'] === secret;
}

/** What a token answer says about scopes when the grant had any (ZOHO.md 1.3: `scope` is sometimes present). */
const scopeField = (scopes: string[]) => (scopes.length > 0 ? { scope: scopes.join(' ') } : {});

function codeGrant(s: State, p: Record<string, string>): Reply {
  if (!knownClient(s, p)) return ok({ error: 'invalid_client' });
  const code = s.codes.get(p['code'] ?? '');
  if (!code || code.used || code.expiresAt <= Date.now()) return ok({ error: 'invalid_code' });
  code.used = true; // consumed by any attempt with a known client
  // Chosen: a code generated for another client reads as an invalid code.
  if (code.clientId !== p['client_id']) return ok({ error: 'invalid_code' });
  // A Self Client's code is exchanged without a redirect URI (Zoho's Self Client flow); the web client's
  // must repeat its registered one. Chosen (ZOHO.md marks invalid_redirect_uri UNVERIFIED): a mismatch.
  if (code.clientId === s.clientId && p['redirect_uri'] !== s.redirectUri) return ok({ error: 'invalid_redirect_uri' });
  if (code.codeChallenge !== undefined) {
    const verifier = p['code_verifier'];
    const hashed = verifier ? createHash('sha256').update(verifier).digest('base64url') : undefined;
    if (hashed !== code.codeChallenge) return ok({ error: 'invalid_code' });
  }
  const rt = createRefresh(s, code.zuid, code.scopes, code.clientId);
  const access = mintAccess(s, rt);
  return ok({
    access_token: access,
    refresh_token: rt.token,
    ...scopeField(code.scopes),
    api_domain: s.tokenEndpoint.apiDomain ?? s.url,
    token_type: 'Bearer',
    expires_in: s.tokenEndpoint.expiresIn,
  });
}

function refreshGrant(s: State, p: Record<string, string>): Reply {
  switch (s.tokenEndpoint.mode) {
    case 'invalid_code':
      return ok({ error: 'invalid_code' });
    case 'invalid_grant':
      return ok({ error: 'invalid_grant' });
    case 'access_denied':
      return accessDenied();
    case 'no_access_token':
      return ok({ token_type: 'Bearer' });
    case 'error500':
      return { status: 500, body: 'Internal Server Error', headers: { 'content-type': 'text/plain' } };
    case 'ok':
      break;
  }
  if (!knownClient(s, p)) return ok({ error: 'invalid_client' });
  const rt = s.refreshTokens.get(p['refresh_token'] ?? '');
  // ZOHO.md 1.3: a revoked (or unknown) refresh token answers invalid_code; chosen: so does another client's.
  if (!rt || !rt.active || rt.clientId !== p['client_id']) return ok({ error: 'invalid_code' });
  if (rt.mintedAt.filter((t) => t > Date.now() - MINT_WINDOW_MS).length >= MINTS_PER_WINDOW) return accessDenied();
  const access = mintAccess(s, rt);
  return ok({
    access_token: access,
    ...scopeField(rt.scopes),
    api_domain: s.tokenEndpoint.apiDomain ?? s.url,
    token_type: 'Bearer',
    expires_in: s.tokenEndpoint.expiresIn,
  });
}

export function revokeEndpoint(s: State, r: FakeRequest): Reply {
  if (r.method !== 'POST') return { status: 405, body: 'Method Not Allowed', headers: { allow: 'POST' } };
  const token = formParams(r.query, r.body)['token'] ?? '';
  if (revokeRefresh(s, token)) return ok({ status: 'success' });
  // ZOHO.md 1.5: an invalid token answers HTTP 400. The body is chosen, not from a Zoho doc.
  return json(400, { status: 'failure', error: 'invalid_token' });
}

export function userInfoEndpoint(s: State, r: FakeRequest): Reply {
  const a = liveAccess(s, bearer(r.headers['authorization'], true));
  const user = a ? s.users.get(a.zuid) : undefined;
  // Body chosen (ZOHO.md 1.4 names INVALID_OAUTHTOKEN for evicted tokens; exact shape not documented).
  if (!a || !user) return json(401, { code: 'INVALID_OAUTHTOKEN', message: 'invalid oauth token' });
  // Chosen: a token whose scopes exclude the profile scope is refused (ZOHO.md 1.6 names AaaServer.profile.READ).
  if (!hasScope(a, ['aaaserver.profile', 'profile', 'email', 'openid'])) {
    return json(401, { code: 'INVALID_OAUTHSCOPE', message: 'invalid oauth scope' });
  }
  const display = user.displayName ?? user.email.split('@')[0] ?? user.email;
  const { first, last } = splitName(display);
  return ok({
    First_Name: first,
    Email: user.email,
    Last_Name: last,
    Display_Name: display,
    ZUID: /^\d+$/.test(user.zuid) ? Number(user.zuid) : user.zuid,
    ...(user.zgid !== undefined ? { ZGID: /^\d+$/.test(user.zgid) ? Number(user.zgid) : user.zgid } : {}),
  });
}
