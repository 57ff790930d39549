import { AppError } from '../errors.ts';
import { createCrmClient } from './crm-client.ts';
import { createZohoHttp, type ZohoHttp } from './zoho-http.ts';

/** A probe's answer, or why it failed: a missing scope is an answer here, not an exception. */
export type Probe<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface CrmIdentity {
  /** The Zoho user id (ZUID) of the token's user. */
  zuid?: string;
  email?: string;
}

export interface CrmOrg {
  id: string;
  zgid?: string;
}

export interface DeskIdentity {
  orgId: string;
  zuid?: string;
  email?: string;
}

/**
 * Reads who a fresh access token belongs to, before anything is stored: the current CRM user,
 * the CRM org, the Desk org. One request each, no refresh-and-retry (the token was minted a
 * moment ago), each failure returned as data so the caller can say which scope is missing.
 */
export function createTokenProbe(options: { apiDomain: string; deskUrl: string; accessToken: string; fetch?: typeof fetch }) {
  const http = (app: 'crm' | 'desk', baseUrl: string, headers?: Record<string, string>): ZohoHttp =>
    createZohoHttp({
      app,
      baseUrl,
      headers,
      fetch: options.fetch,
      timeoutMs: 10_000,
      tokens: {
        accessToken: () => options.accessToken,
        refreshAfterRejection: async () => { throw new AppError('ZOHO_PERMISSION_DENIED', `Zoho ${app === 'crm' ? 'CRM' : 'Desk'} refused the new token.`); },
        markNeedsReconnect: async () => { throw new AppError('ZOHO_PERMISSION_DENIED', 'Zoho refused the new token.'); },
      },
    });
  const crm = createCrmClient(http('crm', `${options.apiDomain}/crm/v8`));
  const deskBase = `${options.deskUrl}/api/v1`;

  return {
    /** `GET /crm/v8/users?type=CurrentUser` (ZohoCRM.users.READ). */
    crmUser: () => attempt(async (): Promise<CrmIdentity> => {
      const user = (await crm.getCurrentUser())?.users?.[0];
      return { zuid: idOf(user?.zuid), email: typeof user?.email === 'string' ? user.email : undefined };
    }),
    /** `GET /crm/v8/org` (ZohoCRM.org.READ); the official SDK keys an org by `zgid` (ZOHO.md 3.2). */
    crmOrg: () => attempt(async (): Promise<CrmOrg> => {
      const org = (await crm.getOrg())?.org?.[0];
      const id = idOf(org?.id);
      if (!id) throw new AppError('ZOHO_UNAVAILABLE', 'Zoho CRM answered without an org id.');
      return { id, zgid: idOf(org?.zgid) };
    }),
    /** `GET /api/v1/organizations`, then `GET /api/v1/myinfo` in the first one (any Desk scope). */
    desk: () => attempt(async (): Promise<DeskIdentity> => {
      const orgs = await http('desk', deskBase)<{ data?: Array<{ id?: unknown }> }>({ method: 'GET', path: '/organizations' });
      const orgId = idOf(orgs?.data?.[0]?.id);
      if (!orgId) throw new AppError('ZOHO_NOT_FOUND', 'This Zoho account has no Zoho Desk organization.');
      const me = await http('desk', deskBase, { orgId })<{ zuid?: unknown; emailId?: unknown }>({ method: 'GET', path: '/myinfo' })
        .catch(() => null);
      return { orgId, zuid: idOf(me?.zuid), email: typeof me?.emailId === 'string' ? me.emailId : undefined };
    }),
  };
}

export type TokenProbe = ReturnType<typeof createTokenProbe>;

async function attempt<T>(run: () => Promise<T>): Promise<Probe<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error };
    throw error;
  }
}

const idOf = (value: unknown): string | undefined =>
  value === undefined || value === null || String(value) === '' ? undefined : String(value);
