import { createCrmClient, type CrmClient } from '../../src/zoho/crm-client.ts';
import { createDeskClient, type DeskClient } from '../../src/zoho/desk-client.ts';
import { createZohoHttp, type TokenSource } from '../../src/zoho/zoho-http.ts';

/** A token source over one fixed access token (tool tests that need no connection store). */
export function fixedToken(accessToken: string): TokenSource {
  return {
    accessToken: () => accessToken,
    refreshAfterRejection: async () => accessToken,
    markNeedsReconnect: async () => {
      throw new Error('token rejected twice');
    },
  };
}

/** Real CRM and Desk clients pointed at a fake Zoho with a given access token and Desk org id. */
export function directClients(baseUrl: string, accessToken: string, deskOrgId?: string): { crm: CrmClient; desk: DeskClient } {
  const tokens = fixedToken(accessToken);
  return {
    crm: createCrmClient(createZohoHttp({ app: 'crm', baseUrl: `${baseUrl}/crm/v8`, tokens })),
    desk: createDeskClient(
      createZohoHttp({ app: 'desk', baseUrl: `${baseUrl}/api/v1`, tokens, headers: deskOrgId ? { orgId: deskOrgId } : {} }),
    ),
  };
}
