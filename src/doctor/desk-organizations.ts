import { CONNECT_URL } from '../compose.ts';
import { reconnectRequired, type ConnectionResolver } from '../zoho/connection-resolver.ts';
import type { ZohoConnection } from '../zoho/connection-store.ts';
import { DATA_CENTRE_CODES, resolveDataCentre, type DataCentreCode, type HostOverrides } from '../zoho/data-centres.ts';
import { createZohoHttp } from '../zoho/zoho-http.ts';

export interface DeskOrganization {
  id: string;
  name?: string;
}

/**
 * `GET {desk}/api/v1/organizations` with the connection's token: the Desk orgs this token can
 * use. The Desk client has no such method (it is built for one org), so this goes to the shared
 * transport directly, with the same refresh-once-on-401 as a tool call.
 */
export async function listDeskOrganizations(
  connection: ZohoConnection,
  deps: { resolver: ConnectionResolver; overrides: HostOverrides; fetch?: typeof fetch },
): Promise<DeskOrganization[]> {
  let current = connection;
  const dc = (DATA_CENTRE_CODES as readonly string[]).includes(connection.dc) ? (connection.dc as DataCentreCode) : 'com';
  const http = createZohoHttp({
    app: 'desk',
    baseUrl: `${resolveDataCentre(dc, deps.overrides).deskUrl}/api/v1`,
    fetch: deps.fetch,
    timeoutMs: 15_000,
    tokens: {
      accessToken: () => current.accessToken,
      async refreshAfterRejection() {
        current = await deps.resolver.refreshAfterRejection(current);
        return current.accessToken;
      },
      async markNeedsReconnect() {
        await deps.resolver.markNeedsReconnect(current);
        throw reconnectRequired(CONNECT_URL);
      },
    },
  });
  const body = await http<{ data?: Array<{ id?: unknown; companyName?: unknown }> }>({ method: 'GET', path: '/organizations' });
  return (body?.data ?? [])
    .filter((o) => o.id !== undefined && o.id !== null)
    .map((o) => ({ id: String(o.id), ...(typeof o.companyName === 'string' ? { name: o.companyName } : {}) }));
}
