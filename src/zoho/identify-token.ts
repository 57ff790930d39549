import { AppError } from '../errors.ts';
import type { TokenSet, ZohoOAuth, ZohoUserInfo } from './oauth.ts';
import { missingScopes, splitScopes } from './scope-coverage.ts';
import { createTokenProbe, type Probe } from './token-probe.ts';

/** Whose token it is, as the connection row keys it, and what it may do. */
export interface TokenIdentity {
  zohoUserId: string;
  zohoOrgId: string;
  email?: string;
  crmOrgId: string | null;
  deskOrgId: string | null;
  /** Stored with the connection (a chat offers the tools of the apps these name). */
  scopes: string[];
  missingScopes: string[];
  scopeSource: 'token' | 'probe';
}

const isCrmScope = (s: string) => /^zohocrm\./i.test(s);
const isDeskScope = (s: string) => /^desk\./i.test(s);
/** Refused for want of a scope or permission (not: no Desk org, Zoho down). */
const denied = (probe: Probe<unknown>) => !probe.ok && probe.error.code === 'ZOHO_PERMISSION_DENIED';
const skipped: Probe<never> = { ok: false, error: new AppError('ZOHO_PERMISSION_DENIED', 'not granted') };

/**
 * Reads the identity of an imported token, the way Zoho's own SDK does it: the current CRM user
 * (`ZohoCRM.users.READ`, its `zuid`) and the CRM org (`ZohoCRM.org.READ`, its `zgid`), plus the
 * Desk org when Desk scopes are granted; the accounts user info (what the OAuth callback reads)
 * only when CRM does not say who the user is. Scopes: the token answer's `scope` when Zoho sends
 * it (ZOHO.md 1.3: "sometimes present"), else what the reads were refused.
 */
export async function identifyToken(input: {
  oauth: ZohoOAuth; accountsUrl: string; deskUrl: string; apiDomain: string; tokens: TokenSet; required: string[]; fetch?: typeof fetch;
}): Promise<TokenIdentity> {
  const { tokens, required } = input;
  const granted = splitScopes(tokens.scope);
  const probe = createTokenProbe({ apiDomain: input.apiDomain, deskUrl: input.deskUrl, accessToken: tokens.accessToken, fetch: input.fetch });
  const wantsCrm = !granted || granted.some(isCrmScope);
  const wantsDesk = !granted || granted.some(isDeskScope);
  const [user, org, desk] = await Promise.all([
    wantsCrm ? probe.crmUser() : skipped,
    wantsCrm ? probe.crmOrg() : skipped,
    wantsDesk ? probe.desk() : skipped,
  ]);
  let info: ZohoUserInfo | undefined;
  if (!(user.ok && user.value.zuid)) info = await input.oauth.getUserInfo(input.accountsUrl, tokens.accessToken).catch(() => undefined);
  const zohoUserId = (user.ok ? user.value.zuid : undefined) ?? info?.zohoUserId ?? (desk.ok ? desk.value.zuid : undefined);
  if (!zohoUserId) {
    throw new AppError('INVALID_REQUEST', 'Zoho would not say whose token this is: grant ZohoCRM.users.READ and ZohoCRM.org.READ (or AaaServer.profile.READ) when generating it.', {
      details: { field: 'refreshToken', missingScopes: ['ZohoCRM.users.READ', 'ZohoCRM.org.READ'] },
    });
  }
  const crmReached = user.ok || org.ok;
  const probed = [
    ...(crmReached || !denied(user) ? [] : required.filter(isCrmScope)),
    ...(crmReached && denied(user) ? required.filter((s) => /^zohocrm\.users\./i.test(s)) : []),
    ...(crmReached && denied(org) ? required.filter((s) => /^zohocrm\.org\./i.test(s)) : []),
    ...(denied(desk) ? required.filter(isDeskScope) : []),
  ];
  return {
    zohoUserId,
    zohoOrgId: (org.ok ? org.value.zgid ?? org.value.id : undefined) ?? info?.orgId ?? zohoUserId,
    email: (user.ok ? user.value.email : undefined) ?? info?.email ?? (desk.ok ? desk.value.email : undefined),
    crmOrgId: org.ok ? org.value.id : null,
    deskOrgId: desk.ok ? desk.value.orgId : null,
    scopes: granted ?? required.filter((s) => (isCrmScope(s) ? crmReached : isDeskScope(s) ? desk.ok : true)),
    missingScopes: granted ? missingScopes(required, granted) : probed,
    scopeSource: granted ? 'token' : 'probe',
  };
}
