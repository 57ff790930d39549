import { AppError } from '../errors.ts';
import type { CircuitBreakers } from './circuit-breaker.ts';
import type { ConnectionResolver } from './connection-resolver.ts';
import { reconnectRequired } from './connection-resolver.ts';
import type { ConnectionStore, ZohoConnection } from './connection-store.ts';
import { createCrmClient, type CrmClient } from './crm-client.ts';
import { resolveDataCentre, DATA_CENTRE_CODES, type DataCentreCode, type HostOverrides } from './data-centres.ts';
import { createDeskClient, type DeskClient } from './desk-client.ts';
import type { ZohoApp } from './zoho-api-error.ts';
import { createZohoHttp, type TokenSource, type ZohoHttpOptions, type ZohoRequest } from './zoho-http.ts';
import type { ZohoTransport } from './zoho-transport.ts';

export type AppType = ZohoApp;

export interface DeskOrganization {
  id: string;
  name?: string;
}

/** The API instance a tool gets: the app's client plus the non-secret facts of the connection. */
export interface ZohoApiFor<A extends AppType> {
  appType: A;
  client: A extends 'crm' ? CrmClient : DeskClient;
  connectionId: string;
  userId: string;
  dc: string;
}

export interface ZohoApiFactoryDeps {
  resolver: ConnectionResolver;
  store: ConnectionStore;
  overrides: HostOverrides;
  connectUrl: string;
  /** When given, every Zoho API request goes through it (tests); else through `transport`. */
  fetch?: typeof fetch;
  transport?: ZohoTransport;
  breakers?: CircuitBreakers;
  timeoutMs?: number;
}

export interface GetZohoApiOptions {
  /** Called each time a request reaches Zoho. */
  onRequest?: (request: ZohoRequest) => void;
  /** The call's deadline or cancellation: waiting for a token refresh (or the Desk org lookup) ends there. */
  signal?: AbortSignal;
}

/** `getZohoApi(userId, appType)`: the user's CRM or Desk client, built on a fresh-enough token. */
export function createZohoApiFactory(deps: ZohoApiFactoryDeps) {
  function tokenSourceFor(initial: ZohoConnection): TokenSource {
    let current = initial;
    return {
      accessToken: () => current.accessToken,
      async refreshAfterRejection(rejected, signal) {
        if (current.accessToken === rejected) current = await deps.resolver.refreshAfterRejection(current, { signal });
        return current.accessToken;
      },
      async markNeedsReconnect() {
        await deps.resolver.markNeedsReconnect(current);
        throw reconnectRequired(deps.connectUrl);
      },
    };
  }

  const hostsOf = (connection: ZohoConnection) =>
    resolveDataCentre(toDcCode(connection.dc), deps.overrides);

  async function getZohoApi<A extends AppType>(userId: string, appType: A, options: GetZohoApiOptions = {}): Promise<ZohoApiFor<A>> {
    const connection = await deps.resolver.getZohoConnection(userId, { signal: options.signal });
    const common = { fetch: deps.fetch, transport: deps.transport, breakers: deps.breakers, timeoutMs: deps.timeoutMs, onRequest: options.onRequest, tokens: tokenSourceFor(connection) };
    const base = { appType, connectionId: connection.id, userId, dc: connection.dc };
    if (appType === 'crm') {
      const http = createZohoHttp({ ...common, app: 'crm', baseUrl: `${connection.apiDomain}/crm/v8` });
      return { ...base, client: createCrmClient(http) } as ZohoApiFor<A>;
    }
    const orgId = connection.deskOrgId ?? (await discoverDeskOrgId(connection, common, options.signal));
    const http = createZohoHttp({ ...common, app: 'desk', baseUrl: `${hostsOf(connection).deskUrl}/api/v1`, headers: { orgId } });
    return { ...base, client: createDeskClient(http) } as ZohoApiFor<A>;
  }

  /** `GET {desk}/api/v1/organizations` (the one Desk call without an `orgId` header): the orgs this token can use. */
  async function listOrganizations(
    connection: ZohoConnection, common: Omit<ZohoHttpOptions, 'app' | 'baseUrl'>, signal?: AbortSignal,
  ): Promise<DeskOrganization[]> {
    const http = createZohoHttp({ ...common, app: 'desk', baseUrl: `${hostsOf(connection).deskUrl}/api/v1` });
    const body = await http<{ data?: Array<{ id?: unknown; companyName?: unknown }> }>({ method: 'GET', path: '/organizations', signal });
    return (body?.data ?? [])
      .filter((o) => o.id !== undefined && o.id !== null && String(o.id) !== '')
      .map((o) => ({ id: String(o.id), ...(typeof o.companyName === 'string' ? { name: o.companyName } : {}) }));
  }

  /** No stored Desk org id: take the first organization Zoho lists, and keep it. */
  async function discoverDeskOrgId(
    connection: ZohoConnection, common: Omit<ZohoHttpOptions, 'app' | 'baseUrl'>, signal?: AbortSignal,
  ): Promise<string> {
    const [first] = await listOrganizations(connection, common, signal);
    if (!first) {
      throw new AppError('ZOHO_NOT_CONNECTED', 'This Zoho account has no Zoho Desk organization.', {
        details: { connectUrl: deps.connectUrl, method: 'POST', reason: 'no_desk_org' },
      });
    }
    await deps.store.setOrgIds(connection.id, { deskOrgId: first.id });
    return first.id;
  }

  /** The Desk orgs the user's token can use (the doctor checks the stored one is among them). */
  async function listDeskOrganizations(userId: string): Promise<DeskOrganization[]> {
    const connection = await deps.resolver.getZohoConnection(userId);
    return listOrganizations(connection, { fetch: deps.fetch, transport: deps.transport, breakers: deps.breakers, timeoutMs: deps.timeoutMs, tokens: tokenSourceFor(connection) });
  }

  return { getZohoApi, listDeskOrganizations };
}

export type GetZohoApi = ReturnType<typeof createZohoApiFactory>['getZohoApi'];

function toDcCode(dc: string): DataCentreCode {
  return (DATA_CENTRE_CODES as readonly string[]).includes(dc) ? (dc as DataCentreCode) : 'com';
}
